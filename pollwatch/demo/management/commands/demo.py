from django.core.management.base import BaseCommand
from django.db import transaction

from pollwatch.audit.chain import seal_events
from pollwatch.demo.badges import issue_demo_badges
from pollwatch.demo.briefing import build_demo_briefing
from pollwatch.demo.coalition import form_citizen_coalition
from pollwatch.demo.country import ELECTION_SLUG, MISSION_SLUG, build_country
from pollwatch.demo.delegations import build_demo_delegations
from pollwatch.demo.deployment import build_demo_deployment
from pollwatch.demo.election_day import simulate_election_day
from pollwatch.demo.forensics import analyse_official_results
from pollwatch.demo.pvt import simulate_pvt
from pollwatch.demo.runoff import simulate_runoff
from pollwatch.demo.statement import build_demo_statement
from pollwatch.demo.users import ensure_demo_users
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission


class Command(BaseCommand):
    help = "Create a fictional country, election and mission to try pollwatch (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--stations", type=int, default=3000)

    def handle(self, *args, **options):
        mission = Mission.objects.filter(slug=MISSION_SLUG).first()
        if mission is None:
            mission = self._generate(options["seed"], options["stations"])
        else:
            self.stdout.write(f"The demo election {ELECTION_SLUG} exists already; reusing it.")
        self._count_reports(mission)
        logins = ensure_demo_users(mission)
        # Everything so far is chained; `pollwatch audit verify` checks it.
        seal_events()
        self.stdout.write("\nDemo logins (user / password):")
        for username, password in logins.items():
            self.stdout.write(f"  {username:<12} {password}")

    def _generate(self, seed: int, stations: int) -> Mission:
        self.stdout.write(f"Generating the demo country (seed {seed})...")
        with transaction.atomic():
            mission = build_country(seed, stations).mission
            build_demo_delegations(mission)
            build_demo_deployment(mission, seed)
        self.stdout.write("Simulating election day...")
        simulate_election_day(mission, seed)
        pvt = simulate_pvt(mission.election, seed)
        form_citizen_coalition(pvt.corps)
        self.stdout.write("Running the forensic tests on the official results...")
        forensics = analyse_official_results(mission, pvt.official_results)
        build_demo_statement(mission, corps=pvt.corps, forensics=forensics)
        self.stdout.write("Drafted the preliminary statement (its claim check flags a claim).")
        build_demo_briefing(mission, seed)
        issue_demo_badges(mission)
        simulate_runoff(mission, seed, corps=pvt.corps)
        return mission

    def _count_reports(self, mission: Mission) -> None:
        """Reports per mission, as each mission's *Reports* list counts them."""
        for each in Mission.objects.filter(election=mission.election).order_by("name"):
            count = Submission.objects.filter(mission=each).count()
            self.stdout.write(f"{count} reports from {each.name} ({each.get_kind_display()}).")
