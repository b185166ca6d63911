"""Benchmark: a stratified sample of 5,000 from 100,000 stations, and routes for 500 teams.

Run from the repository root: ``python bench/sampling.py``. Each target is
at most one second; the script exits non-zero when one is missed.
"""

from __future__ import annotations

import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pollwatch.deployment.routing import StationToVisit, Team, plan_routes  # noqa: E402
from pollwatch.stats.sampling import SampleDesign, combine_strata, draw_sample  # noqa: E402

FRAME_SIZE = 100_000
SAMPLE_SIZE = 5_000
REGIONS = 85
TEAMS = 500
AREAS = 50
TARGET_SECONDS = 1.0
REPEATS = 5
SEED = 20261124
REGISTERED_2018 = "Число избирателей, включенных в список избирателей"


def synthetic_frame(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Regions of unequal size, urban or rural, registered voters log-normal."""
    region_weights = rng.dirichlet(np.full(REGIONS, 2.0))
    return {
        "region": rng.choice(
            [f"region {i:02d}" for i in range(REGIONS)], FRAME_SIZE, p=region_weights
        ),
        "setting": rng.choice(["urban", "rural"], FRAME_SIZE, p=[0.6, 0.4]),
        "registered": np.maximum(20, rng.lognormal(7, 0.6, FRAME_SIZE)).round(),
    }


def timed(task: Callable[[], object]) -> tuple[float, object]:
    seconds, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = task()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def bench_designs(frame: dict[str, np.ndarray]) -> list[tuple[str, float, bool]]:
    strata = combine_strata([frame["region"], frame["setting"]])
    designs = {
        "stratified by region × setting, proportional, min 2, reserve 3": SampleDesign(
            SAMPLE_SIZE, SEED, ("region", "setting"), minimum_per_stratum=2, reserve_per_stratum=3
        ),
        "same strata, Neyman on registered voters": SampleDesign(
            SAMPLE_SIZE, SEED, ("region", "setting"), "neyman", 2, neyman_by="registered voters"
        ),
        "same strata, PPS by registered voters": SampleDesign(
            SAMPLE_SIZE,
            SEED,
            ("region", "setting"),
            minimum_per_stratum=2,
            pps_by="registered voters",
            reserve_per_stratum=3,
        ),
    }
    rows = []
    for name, design in designs.items():
        seconds, draw = timed(
            lambda design=design: draw_sample(
                design,
                FRAME_SIZE,
                strata=strata,
                sizes=frame["registered"],
                neyman_values=frame["registered"],
            )
        )
        assert len(draw.selected) == SAMPLE_SIZE  # type: ignore[attr-defined]
        rows.append((f"sample 5,000 of 100,000: {name}", seconds, True))
    return rows


def bench_command(frame: dict[str, np.ndarray]) -> tuple[str, float, bool]:
    """The command end to end on a CSV frame: read, draw, write (not a target)."""
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        path, out = Path(folder) / "frame.csv", Path(folder) / "sample.csv"
        with path.open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target)
            writer.writerow(["code", "region", "setting", "registered"])
            for i in range(FRAME_SIZE):
                writer.writerow(
                    [
                        f"S{i:06d}",
                        frame["region"][i],
                        frame["setting"][i],
                        int(frame["registered"][i]),
                    ]
                )
        seconds, _ = timed(
            lambda: call_command(
                "sample",
                "draw",
                str(path),
                "--size",
                str(SAMPLE_SIZE),
                "--stratum",
                "region",
                "--stratum",
                "setting",
                "--seed",
                str(SEED),
                "--out",
                str(out),
                stdout=io.StringIO(),
            )
        )
    return "command `sample draw` on a 100,000-row CSV (read, draw, write)", seconds, False


def bench_routes() -> tuple[str, float, bool]:
    rng = random.Random(SEED)
    stations = [
        StationToVisit(
            f"S{i:05d}", f"area {i % AREAS:02d}", 40 + rng.random() * 4, 20 + rng.random() * 6
        )
        for i in range(SAMPLE_SIZE)
    ]
    teams = [Team(f"T{i:03d}", f"area {i % AREAS:02d}") for i in range(TEAMS)]
    seconds, plan = timed(lambda: plan_routes(stations, teams))
    assert not plan.unassigned  # type: ignore[attr-defined]
    return "routes for 500 teams (5,000 stations, 50 areas, coordinates)", seconds, True


def bench_registry_2018() -> list[tuple[str, float, bool]]:
    """Stratified PPS draw from the 2018 Russian registry, when the data is beside the project."""
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    archive = Path(os.environ.get("POLLWATCH_SHARED_DATA", default)) / "russia" / "2018.csv.zip"
    if not archive.exists():
        print(f"skipped: no registry at {archive}")
        return []
    from pollwatch.deployment.sample_csv import read_frame

    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(archive) as bundle:
        frame = read_frame(Path(bundle.extract("2018.csv", folder)))
    strata = frame.text_column("region")
    sizes = frame.number_column(REGISTERED_2018, positive=True)
    design = SampleDesign(
        SAMPLE_SIZE, SEED, ("region",), minimum_per_stratum=2, pps_by="registered voters"
    )
    seconds, _ = timed(lambda: draw_sample(design, len(frame.rows), strata=strata, sizes=sizes))
    name = f"sample 5,000 of {len(frame.rows):,} (2018 registry, 87 regions, PPS by registered)"
    return [(name, seconds, True)]


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    django.setup()
    frame = synthetic_frame(np.random.default_rng(SEED))
    results = [
        *bench_designs(frame),
        *bench_registry_2018(),
        bench_routes(),
        bench_command(frame),
    ]
    failed = False
    print(f"median of {REPEATS} runs; target ≤ {TARGET_SECONDS:.1f} s")
    for name, seconds, is_target in results:
        verdict = ("PASS" if seconds <= TARGET_SECONDS else "FAIL") if is_target else "info"
        failed |= verdict == "FAIL"
        print(f"{verdict:4}  {seconds * 1000:8.1f} ms  {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
