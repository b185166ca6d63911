"""Benchmark: a mission's plan in the application, database included.

Run from the repository root: ``python bench/deployment_plan.py [--stations N]``.
A fresh SQLite database in a temporary folder holds 100,000 stations in 10
regions of 10 districts and a mission of 500 teams (five per district).
Timed: ``draw_plan`` (read the registry, draw a stratified sample of 5,000
by region with 3 reserves per stratum, store 5,030 rows) and
``build_routes`` (assign them to the 500 teams and store the routes), and
the coverage table by region. The framework-free parts have a target of 1 s
each (``bench/sampling.py``); here the target is the same 1 s for each step,
reads and writes included.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 1.0
REGIONS, DISTRICTS, TEAMS_PER_DISTRICT = 10, 10, 5


def build_field(stations: int):
    import datetime

    from pollwatch.missions.models import Mission, Team
    from pollwatch.registry.models import Area, PollingStation
    from pollwatch.registry.services import create_election

    rng = random.Random(1)
    election = create_election(
        slug="bench", name="Bench", country="Benchland", date=datetime.date(2026, 5, 1),
        kind="presidential", options=["A", "B"],
    )  # fmt: skip
    districts = []
    for r in range(REGIONS):
        region = Area.objects.create(
            election=election, code=f"R{r}", name=f"Region {r}", level_name="region"
        )
        for d in range(DISTRICTS):
            districts.append(
                Area.objects.create(
                    election=election, parent=region, code=f"R{r}D{d}", name=f"District {r}-{d}"
                )
            )
    PollingStation.objects.bulk_create(
        (
            PollingStation(
                election=election,
                code=f"{n:06d}",
                name=f"Station {n}",
                area=districts[n % len(districts)],
                registered_voters=rng.randint(50, 3000),
                latitude=round(41 + rng.random(), 6),
                longitude=round(44 + rng.random(), 6),
            )
            for n in range(stations)
        ),
        batch_size=5000,
    )
    mission = Mission.objects.create(
        slug="bench-mission", name="Bench mission", election=election, kind="international",
        arrival=datetime.date(2026, 4, 1), departure=datetime.date(2026, 5, 5),
    )  # fmt: skip
    for index, district in enumerate(districts):
        for t in range(TEAMS_PER_DISTRICT):
            team = Team.objects.create(mission=mission, code=f"T{index:03d}-{t}")
            team.areas.add(district)
    return mission


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="pollwatch-bench-")
    os.environ["POLLWATCH_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from pollwatch.deployment.coverage import coverage_by_area
    from pollwatch.deployment.services import DesignChoices, build_routes, draw_plan

    call_command("migrate", verbosity=0)
    mission = build_field(args.stations)
    # Twelve a day leaves room for districts that draw more than their average of 50.
    choices = DesignChoices(
        size=args.size, strata_levels=(0,), reserve_per_stratum=3, stations_per_team=12
    )
    seeds = iter(range(1, 1000))
    draw_time, plan = timed(lambda: draw_plan(mission, choices, seed=next(seeds)), args.runs)
    route_time, outcome = timed(lambda: build_routes(plan), args.runs)
    coverage_time, _table = timed(lambda: coverage_by_area(plan, 0), args.runs)
    teams = mission.teams.count()
    print(f"frame {args.stations:,} stations, {teams} teams; median of {args.runs} runs")
    failed = False
    for label, seconds, target in (
        (f"draw_plan: stratified sample of {args.size:,}, stored", draw_time, TARGET_SECONDS),
        (f"build_routes: {outcome.assigned:,} stops for {teams} teams", route_time, TARGET_SECONDS),
        ("coverage by region (no reports yet)", coverage_time, TARGET_SECONDS),
    ):
        verdict = "pass" if seconds <= target else "FAIL"
        failed |= seconds > target
        print(f"{label:<55} {seconds * 1000:8.0f} ms  (target {target:.0f} s: {verdict})")
    if outcome.unassigned:
        print(f"{len(outcome.unassigned)} stations had no team")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
