from django.core.management.base import BaseCommand, CommandError

from pollwatch.lib.tabular import TableRejected
from pollwatch.registry.areas import import_areas
from pollwatch.registry.boundaries import (
    DEFAULT_CODE_PROPERTY,
    BoundariesRejected,
    import_boundaries,
)
from pollwatch.registry.models import Election


class Command(BaseCommand):
    help = "Areas (the administrative hierarchy) of an election, and their outlines."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "import",
            help="import areas from CSV/XLSX with columns code, name, parent_code, level_name",
        )
        load.add_argument("file")
        load.add_argument("--election", required=True)
        outlines = actions.add_parser(
            "boundaries",
            help="import area outlines from a GeoJSON FeatureCollection (all or nothing)",
        )
        outlines.add_argument("file")
        outlines.add_argument("--election", required=True)
        outlines.add_argument(
            "--code-property",
            default=DEFAULT_CODE_PROPERTY,
            help="the feature property holding the area code (default: code)",
        )

    def handle(self, *args, **options):
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with slug {options['election']!r}")
        if options["action"] == "boundaries":
            self._import_boundaries(election, options)
            return
        try:
            count = import_areas(election, options["file"])
        except TableRejected as error:
            raise CommandError(f"nothing was imported:\n{error}") from error
        self.stdout.write(f"{count} areas imported")

    def _import_boundaries(self, election, options):
        try:
            with open(options["file"], "rb") as source:
                count = import_boundaries(
                    election,
                    source,
                    code_property=options["code_property"],
                    filename=options["file"],
                )
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error.strerror}") from error
        except BoundariesRejected as error:
            raise CommandError(f"nothing was imported:\n{error}") from error
        self.stdout.write(f"{count} area outlines imported")
