import datetime

from django.core.management.base import BaseCommand, CommandError

from pollwatch.registry.models import Area, BallotOption, Election, Round
from pollwatch.registry.services import RegistryError, add_round, create_election


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
        create.add_argument(
            "--options", default="", help="ballot options, comma-separated, in ballot order"
        )
        actions.add_parser("list", help="list elections with their rounds")
        add_round = actions.add_parser(
            "add-round", help="add a run-off, or repeat voting in some areas"
        )
        add_round.add_argument("--election", required=True, help="the election's slug")
        add_round.add_argument(
            "--kind", required=True, choices=[Round.Kind.RUNOFF, Round.Kind.REPEAT]
        )
        add_round.add_argument("--date", required=True, help="the voting day, YYYY-MM-DD")
        add_round.add_argument("--name", default="")
        add_round.add_argument(
            "--reports-from",
            default=None,
            help="YYYY-MM-DDTHH:MM on the election's clock; default: the day after "
            "the previous round's voting day",
        )
        add_round.add_argument(
            "--areas", default="", help="area codes of repeat voting, comma-separated"
        )
        add_round.add_argument(
            "--options",
            default="",
            help="codes of the ballot options on the round's ballot, comma-separated "
            "(a run-off's two leading candidates); default: every option",
        )

    def handle(self, *args, **options):
        if options["action"] == "list":
            self._list()
            return
        if options["action"] == "add-round":
            self._add_round(options)
            return
        try:
            date = datetime.date.fromisoformat(options["date"])
            election = create_election(
                slug=options["slug"],
                name=options["name"],
                country=options["country"],
                date=date,
                kind=options["kind"],
                options=[name.strip() for name in options["options"].split(",") if name.strip()],
            )
        except (ValueError, RegistryError) as error:
            raise CommandError(str(error)) from error
        option_count = BallotOption.objects.filter(contest__election=election).count()
        self.stdout.write(f"created {election.slug} with {option_count} options")

    def _list(self):
        for election in Election.objects.prefetch_related("rounds"):
            stations = election.stations.count()
            self.stdout.write(
                f"{election.slug}\t{election.date}\t{election.name}\t{stations} stations"
            )
            for round_ in election.rounds.all():
                self.stdout.write(
                    f"\tround {round_.number}\t{round_.voting_day}\t{round_.kind}"
                    f"\treports from {round_.reports_from or '-'}"
                    f"\t{','.join(option.code for option in round_.ballot())}"
                )

    def _ballot_options(self, election, listed: str) -> list[BallotOption]:
        codes = [code.strip() for code in listed.split(",") if code.strip()]
        found = {
            option.code: option
            for option in BallotOption.objects.filter(contest__election=election, code__in=codes)
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"unknown ballot option codes: {', '.join(unknown)}")
        return [found[code] for code in codes]

    def _add_round(self, options):
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election {options['election']!r}")
        codes = [code.strip() for code in options["areas"].split(",") if code.strip()]
        areas = list(Area.objects.filter(election=election, code__in=codes))
        unknown = set(codes) - {area.code for area in areas}
        if unknown:
            raise CommandError(f"unknown area codes: {', '.join(sorted(unknown))}")
        ballot = self._ballot_options(election, options["options"])
        try:
            round_ = add_round(
                election,
                kind=options["kind"],
                voting_day=datetime.date.fromisoformat(options["date"]),
                name=options["name"],
                reports_from=(
                    datetime.datetime.fromisoformat(options["reports_from"])
                    if options["reports_from"]
                    else None
                ),
                areas=areas,
                options=ballot,
            )
        except (ValueError, RegistryError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"added round {round_.number} of {election.slug}: reports from {round_.reports_from}"
        )
