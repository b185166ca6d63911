from django.core.management.base import BaseCommand
from django.db import transaction

from pollwatch.audit.chain import seal_events
from pollwatch.demo.country import ELECTION_SLUG, MISSION_SLUG, build_country
from pollwatch.demo.deployment import build_demo_deployment
from pollwatch.demo.election_day import simulate_election_day
from pollwatch.demo.pvt import simulate_pvt
from pollwatch.demo.statement import build_demo_statement
from pollwatch.demo.users import ensure_demo_users
from pollwatch.missions.models import Mission


class Command(BaseCommand):
    help = "Create a fictional country, election and mission to try pollwatch (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--stations", type=int, default=3000)

    def handle(self, *args, **options):
        mission = Mission.objects.filter(slug=MISSION_SLUG).first()
        if mission is None:
            self.stdout.write(f"Generating the demo country (seed {options['seed']})...")
            with transaction.atomic():
                mission = build_country(options["seed"], options["stations"]).mission
                build_demo_deployment(mission, options["seed"])
            self.stdout.write("Simulating election day...")
            reports = simulate_election_day(mission, options["seed"])
            simulate_pvt(mission, options["seed"])
            self.stdout.write(f"{reports} reports received from the field.")
            build_demo_statement(mission)
            self.stdout.write("Drafted the preliminary statement (its claim check flags a claim).")
        else:
            self.stdout.write(f"The demo election {ELECTION_SLUG} exists already; reusing it.")
        logins = ensure_demo_users(mission)
        # Everything so far is chained; `pollwatch audit verify` checks it.
        seal_events()
        self.stdout.write("\nDemo logins (user / password):")
        for username, password in logins.items():
            self.stdout.write(f"  {username:<12} {password}")
