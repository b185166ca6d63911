from django.core.management.base import BaseCommand, CommandError

from pollwatch.lib.tabular import TableRejected
from pollwatch.registry.areas import import_areas
from pollwatch.registry.models import Election


class Command(BaseCommand):
    help = "Areas (the administrative hierarchy) of an election."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "import",
            help="import areas from CSV/XLSX with columns code, name, parent_code, level_name",
        )
        load.add_argument("file")
        load.add_argument("--election", required=True)

    def handle(self, *args, **options):
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with slug {options['election']!r}")
        try:
            count = import_areas(election, options["file"])
        except TableRejected as error:
            raise CommandError(f"nothing was imported:\n{error}") from error
        self.stdout.write(f"{count} areas imported")
