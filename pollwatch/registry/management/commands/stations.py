from django.core.management.base import BaseCommand, CommandError

from pollwatch.lib.progress import progress_bar
from pollwatch.lib.tabular import TableRejected
from pollwatch.registry.importing import import_stations, parse_mapping
from pollwatch.registry.models import Election


class Command(BaseCommand):
    help = "Polling stations of the election registry."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import stations from a CSV or XLSX file")
        load.add_argument("file")
        load.add_argument("--election", required=True, help="the election's slug")
        load.add_argument(
            "--map", default="", help="column mapping, e.g. code=UIK,registered_voters=Voters"
        )
        load.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with slug {options['election']!r}")
        try:
            mapping = parse_mapping(options["map"])
            with progress_bar(not options["no_progress"]) as report:
                outcome = import_stations(
                    election, options["file"], mapping=mapping, progress=report
                )
        except (TableRejected, ValueError) as error:
            raise CommandError(f"nothing was imported:\n{error}") from error
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error.strerror}") from error
        self.stdout.write(outcome.summary())
        for code, changes in list(outcome.updated.items())[:50]:
            described = "; ".join(
                f"{name} {old!r} -> {new!r}" for name, (old, new) in changes.items()
            )
            self.stdout.write(f"  {code}: {described}")
        if len(outcome.updated) > 50:
            self.stdout.write(f"  ... and {len(outcome.updated) - 50} more")
