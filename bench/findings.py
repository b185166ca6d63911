"""Benchmark of the findings dashboard and the in-app PVT estimate on PostgreSQL.

Targets: the findings page with 100,000 submissions of a 40-question form
renders in at most 500 ms server time; the PVT estimate over 10,000 reporting
stations takes at most 200 ms through the application's code path
(:func:`pollwatch.findings.pvt.pvt_estimate`: query, arrays, estimator).

The data: 100,000 stations in 10 regions, a random deployment plan
stratified by region holding every one of them, and one report per station
(the worst case for the one-report-per-station rule: every report is
chosen); 10,000 PVT form 2 reports from a PVT sample of 10,000 stations.

Run from the repository root: ``python bench/findings.py``. It starts a
throwaway PostgreSQL cluster (``pollwatch.lib.throwaway_postgres``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_SECONDS = 0.5
PVT_SECONDS = 0.2
REGIONS = 10
QUESTIONS = 40
OPTIONS = ["ann", "bob", "cyd", "dan", "eve"]
RUNS = 7


def form_definition() -> dict:
    questions = []
    for number in range(QUESTIONS):
        if number % 4 == 3:
            question = {"type": "single_choice", "choices": "scale"}
        else:
            question = {"type": "yes_no"}
        questions.append(
            {"code": f"q{number:02d}", "label": {"en": f"Question {number}"}, **question}
        )
    questions[-1] |= {"code": "overall", "choices": "assessment", "assessment": True}
    scale = [{"code": code, "label": {"en": code}} for code in ("a", "b", "c", "d")]
    assessment = [
        {"code": code, "label": {"en": code}} for code in ("very_good", "good", "bad", "very_bad")
    ]
    return {
        "format": 1,
        "code": "voting",
        "phase": "voting",
        "title": {"en": "Forty questions"},
        "languages": ["en"],
        "choice_lists": {"scale": scale, "assessment": assessment},
        "sections": [{"code": "main", "title": {"en": "Main"}, "questions": questions}],
    }


def build(stations: int, submissions: int, pvt_stations: int) -> dict:
    from django.contrib.auth import get_user_model

    from pollwatch.deployment.models import DeploymentPlan, SampledStation
    from pollwatch.findings.services import create_pvt_sample
    from pollwatch.forms.library import library_forms
    from pollwatch.forms.services import publish_form_version
    from pollwatch.intake.models import Submission
    from pollwatch.missions.models import Mission
    from pollwatch.registry.models import Area, PollingStation
    from pollwatch.registry.services import create_election

    rng = np.random.default_rng(7)
    election = create_election(
        slug="bench",
        name="Bench",
        country="X",
        date=datetime.date(2026, 5, 1),
        kind="presidential",
        options=[name.title() for name in OPTIONS],
    )
    regions = [
        Area.objects.create(election=election, code=f"R{r}", name=f"Region {r}")
        for r in range(REGIONS)
    ]
    region_of = rng.integers(0, REGIONS, size=stations)
    PollingStation.objects.bulk_create(
        (
            PollingStation(
                election=election,
                code=f"{n:06d}",
                name=f"Station {n}",
                area=regions[region_of[n]],
                registered_voters=int(rng.integers(500, 2500)),
            )
            for n in range(stations)
        ),
        batch_size=5000,
    )
    station_ids = np.array(
        PollingStation.objects.filter(election=election)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    mission = Mission.objects.create(
        slug="bench",
        name="Bench mission",
        election=election,
        kind="citizen",
        arrival=datetime.date(2026, 4, 1),
        departure=datetime.date(2026, 5, 5),
    )
    plan = DeploymentPlan.objects.create(
        mission=mission, is_random=True, description="stratified by region", design={}
    )
    SampledStation.objects.bulk_create(
        (
            SampledStation(
                plan=plan,
                station_id=int(station_ids[n]),
                stratum=f"R{region_of[n]}",
                inclusion_probability=0.5,
                weight=2.0,
            )
            for n in range(stations)
        ),
        batch_size=5000,
    )
    version = publish_form_version(form_definition())
    noon = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)
    yes_no = rng.random((submissions, QUESTIONS)) < 0.2
    scale = rng.integers(0, 4, size=(submissions, QUESTIONS))
    reported = np.arange(submissions) % stations

    grades = ("very_good", "good", "bad", "very_bad")

    def answers(row):
        given = {
            f"q{q:02d}": (
                "abcd"[scale[row, q]] if q % 4 == 3 else ("yes" if yes_no[row, q] else "no")
            )
            for q in range(QUESTIONS - 1)
        }
        return given | {"overall": grades[scale[row, QUESTIONS - 1]]}

    Submission.objects.bulk_create(
        (
            Submission(
                key=uuid.uuid4(),
                channel="web",
                form_version=version,
                phase="voting",
                station_id=int(station_ids[reported[row]]),
                mission=mission,
                received_at=noon + datetime.timedelta(seconds=int(row)),
                answers=answers(row),
                status="received",
            )
            for row in range(submissions)
        ),
        batch_size=2000,
    )
    form2 = publish_form_version(library_forms()["pvt_form2"].to_dict())
    pvt_rows = rng.choice(stations, size=pvt_stations, replace=False)
    strata = [f"R{region_of[n]}" for n in pvt_rows]
    sizes = {f"R{r}": int((region_of == r).sum()) for r in range(REGIONS)}
    create_pvt_sample(
        mission,
        list(PollingStation.objects.filter(pk__in=station_ids[pvt_rows].tolist()).order_by("pk")),
        [strata[i] for i in np.argsort(station_ids[pvt_rows])],
        sizes,
        description="stratified by region",
        seed=7,
    )
    truth = np.array([0.42, 0.31, 0.15, 0.08, 0.04])
    votes = rng.multinomial(600, truth, size=pvt_stations)
    Submission.objects.bulk_create(
        (
            Submission(
                key=uuid.uuid4(),
                channel="web",
                form_version=form2,
                phase="pvt",
                station_id=int(station_ids[pvt_rows[i]]),
                mission=mission,
                received_at=noon,
                answers={
                    "copy_received": "yes",
                    "registered": 1000,
                    "ballots_issued": 620,
                    "ballots_in_boxes": 620,
                    "invalid": 20,
                    "valid": 600,
                    **{f"votes_{o}": int(votes[i, k]) for k, o in enumerate(OPTIONS)},
                },
            )
            for i in range(pvt_stations)
        ),
        batch_size=2000,
    )
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    return {"mission": mission, "user": user}


def add_reports(built: dict, count: int, batch: int) -> None:
    """Reports arriving between two loads: second visits to stations already observed."""
    from pollwatch.intake.models import Submission

    template = Submission.objects.filter(mission=built["mission"], phase="voting").first()
    stations = Submission.objects.filter(mission=built["mission"], phase="voting").values_list(
        "station_id", flat=True
    )[batch * count : (batch + 1) * count]
    later = datetime.datetime(2026, 5, 1, 20, tzinfo=datetime.UTC)
    Submission.objects.bulk_create(
        Submission(
            key=uuid.uuid4(),
            channel="web",
            form_version_id=template.form_version_id,
            phase="voting",
            station_id=station_id,
            mission=built["mission"],
            received_at=later,
            answers={**template.answers, "q00": "yes"},
            status="received",
        )
        for station_id in stations
    )


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=100_000)
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--pvt-stations", type=int, default=10_000)
    options = parser.parse_args()

    from pollwatch.lib.throwaway_postgres import start_throwaway_postgres

    cluster = start_throwaway_postgres()
    try:
        with tempfile.TemporaryDirectory(prefix="pollwatch-bench-") as folder:
            os.environ["DATABASE_URL"] = cluster.url
            os.environ["POLLWATCH_DATA_DIR"] = folder
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
            return run(options)
    finally:
        cluster.stop()


def run(options) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from pollwatch.findings.pvt import pvt_estimate

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    built = build(options.stations, options.submissions, options.pvt_stations)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"built {options.submissions:,} submissions of a {QUESTIONS}-question form at "
        f"{options.stations:,} stations and {options.pvt_stations:,} PVT reports in "
        f"{time.perf_counter() - started:.0f} s; {os.cpu_count()} cores"
    )
    client = Client()
    client.force_login(built["user"])
    url = f"/missions/{built['mission'].slug}/findings/?form=voting"
    from pollwatch.findings import answer_store

    answer_store.forget_all()
    cold, response = timed(lambda: client.get(url))
    assert response.status_code == 200, response.status_code
    page_times = []
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            seconds, response = timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        page_times.append(seconds)
        query_count = len(queries.captured_queries)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
    page = statistics.median(page_times)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: client.get(url))
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for query in slowest[:4]:
            print(f"  {float(query['time']) * 1000:7.0f} ms  {query['sql'][:200]}")
    arriving = []
    for batch in range(3):
        add_reports(built, 500, batch)
        seconds, response = timed(lambda: client.get(url))
        arriving.append(seconds)
    pvt_times = []
    for _run in range(RUNS):
        seconds, result = timed(lambda: pvt_estimate(built["mission"]))
        pvt_times.append(seconds)
    estimate = statistics.median(pvt_times)
    leader = result.estimate.shares[0]
    page_ok = page <= PAGE_SECONDS
    pvt_ok = estimate <= PVT_SECONDS
    print(
        f"findings page    median {1000 * page:6.0f} ms  (min {1000 * min(page_times):.0f}, "
        f"{query_count} queries)  target <= {1000 * PAGE_SECONDS:.0f} ms  "
        f"{'PASS' if page_ok else 'FAIL'}"
    )
    print(
        f"  first load, answers not yet in the process's store: {1000 * cold:.0f} ms "
        "(every later load reads only reports stored or revised since)"
    )
    print(
        f"  with 500 new reports arriving before each load: median "
        f"{1000 * statistics.median(arriving):.0f} ms"
    )
    print(
        f"PVT estimate     median {1000 * estimate:6.0f} ms  ({result.usable:,} stations; "
        f"{leader.name} {100 * leader.value:.2f}% ± {100 * leader.margin_95:.2f})  "
        f"target <= {1000 * PVT_SECONDS:.0f} ms  {'PASS' if pvt_ok else 'FAIL'}"
    )
    return 0 if page_ok and pvt_ok else 1


if __name__ == "__main__":
    sys.exit(main())
