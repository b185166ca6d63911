"""Benchmark: import a 100,000-station registry on SQLite and on PostgreSQL.

Run from the repository root: ``python bench/import_stations.py [--stations N]``.
Each import runs in a fresh process on a fresh database, so the peak memory
reported (maximum resident set size) is that of the import alone plus Django.
Targets: at most 10 s and under 500 MB on each database.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0
TARGET_MEGABYTES = 500.0


def write_registry(folder: Path, stations: int, seed: int = 1) -> tuple[Path, Path]:
    rng = random.Random(seed)
    areas = folder / "areas.csv"
    districts = [f"R{r}-D{d}" for r in range(1, 7) for d in range(1, 41)]
    with areas.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "parent_code", "level_name"])
        writer.writerows([f"R{r}", f"Region {r}", "", "region"] for r in range(1, 7))
        writer.writerows(
            [code, f"District {code}", code.split("-")[0], "district"] for code in districts
        )
    registry = folder / "stations.csv"
    with registry.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "code",
                "name",
                "address",
                "area",
                "registered_voters",
                "latitude",
                "longitude",
                "kind",
            ]
        )
        for number in range(1, stations + 1):
            writer.writerow(
                [
                    f"{number:06d}",
                    f"Polling station {number}",
                    f"{number % 97 + 1} Main Street",
                    rng.choice(districts),
                    rng.randint(50, 3000),
                    f"{41 + rng.random():.6f}",
                    f"{44 + rng.random():.6f}",
                    "regular",
                ]
            )
    return areas, registry


def run_one(areas: str, registry: str) -> None:
    """Child process: migrate a fresh database, then time the station import."""
    import resource

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    django.setup()
    import datetime

    from django.core.management import call_command

    from pollwatch.registry.areas import import_areas
    from pollwatch.registry.importing import import_stations
    from pollwatch.registry.services import create_election

    call_command("migrate", verbosity=0)
    election = create_election(
        slug="bench",
        name="Bench",
        country="X",
        date=datetime.date(2026, 1, 1),
        kind="parliamentary",
    )
    import_areas(election, areas)
    started = time.perf_counter()
    outcome = import_stations(election, registry)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = import_stations(election, registry)
    second = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "created": len(outcome.created),
                "seconds": first,
                "reimport_unchanged": again.unchanged,
                "reimport_seconds": second,
                "peak_mb": peak,
            }
        )
    )


def measure(backend: str, areas: Path, registry: Path, folder: Path) -> dict:
    env = dict(os.environ, POLLWATCH_DATA_DIR=str(folder / backend))
    env.pop("DATABASE_URL", None)
    cluster = None
    if backend == "postgresql":
        from pollwatch.lib.throwaway_postgres import start_throwaway_postgres

        cluster = start_throwaway_postgres()
        env["DATABASE_URL"] = cluster.url
    try:
        output = subprocess.run(
            [sys.executable, __file__, "--run-one", str(areas), str(registry)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    finally:
        if cluster is not None:
            cluster.stop()
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=100_000)
    parser.add_argument("--run-one", nargs=2, metavar=("AREAS", "REGISTRY"))
    options = parser.parse_args()
    if options.run_one:
        run_one(*options.run_one)
        return 0
    ok = True
    with tempfile.TemporaryDirectory(prefix="pollwatch-bench-") as tmp:
        folder = Path(tmp)
        areas, registry = write_registry(folder, options.stations)
        print(
            f"{options.stations:,} stations, {registry.stat().st_size / 1e6:.1f} MB CSV, "
            f"{os.cpu_count()} cores"
        )
        for backend in ("sqlite", "postgresql"):
            result = measure(backend, areas, registry, folder)
            passed = (
                result["seconds"] <= TARGET_SECONDS
                and result["peak_mb"] < TARGET_MEGABYTES
                and result["created"] == options.stations
            )
            ok &= passed
            print(
                f"{backend:<11} import {result['seconds']:6.2f} s  "
                f"re-import (no change) {result['reimport_seconds']:6.2f} s  "
                f"peak {result['peak_mb']:6.0f} MB  "
                f"{'PASS' if passed else 'FAIL'} (targets {TARGET_SECONDS:.0f} s, "
                f"{TARGET_MEGABYTES:.0f} MB)"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
