import datetime

from django.core.management.base import BaseCommand, CommandError

from pollwatch.registry.models import BallotOption, Election
from pollwatch.registry.services import RegistryError, create_election


class Command(BaseCommand):
    help = "Elections of the registry."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create an election with one contest")
        create.add_argument("--slug", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--country", required=True)
        create.add_argument("--date", required=True, help="YYYY-MM-DD")
        create.add_argument("--kind", required=True, choices=Election.Kind.values)
        create.add_argument("--round", type=int, default=1)
        create.add_argument(
            "--options", default="", help="ballot options, comma-separated, in ballot order"
        )
        actions.add_parser("list", help="list elections")

    def handle(self, *args, **options):
        if options["action"] == "list":
            for election in Election.objects.all():
                stations = election.stations.count()
                self.stdout.write(
                    f"{election.slug}\t{election.date}\t{election.name}\t{stations} stations"
                )
            return
        try:
            date = datetime.date.fromisoformat(options["date"])
            election = create_election(
                slug=options["slug"],
                name=options["name"],
                country=options["country"],
                date=date,
                kind=options["kind"],
                round=options["round"],
                options=[name.strip() for name in options["options"].split(",") if name.strip()],
            )
        except (ValueError, RegistryError) as error:
            raise CommandError(str(error)) from error
        option_count = BallotOption.objects.filter(contest__election=election).count()
        self.stdout.write(f"created {election.slug} with {option_count} options")
