"""Benchmark: the PVT estimate over 10,000 reporting stations (target 200 ms).

Run from the repository root: ``python bench/pvt.py``. A synthetic country of
100,000 stations in 85 strata with 8 options; 10,000 stations report. The
target applies to the estimate (linearisation, all options, with margins).
For information it also times the whole ``pvt estimate`` path from CSV files
(reading 10,000 tallies and a 100,000-row frame, then estimating; interpreter
start-up excluded) and the bootstrap.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pollwatch.findings.tally_files import match_frame, read_frame, read_tallies  # noqa: E402
from pollwatch.stats.pvt import estimate_shares  # noqa: E402

TARGET_SECONDS = 0.200
REPORTING = 10_000
FRAME_STATIONS = 100_000
STRATA = 85
OPTIONS = [f"option {k}" for k in range(1, 9)]


def synthetic_country(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stratum of every frame station, and the reporting stations' tallies."""
    frame_strata = np.array([f"region {h:02d}" for h in rng.integers(0, STRATA, FRAME_STATIONS)])
    reporting = rng.choice(FRAME_STATIONS, size=REPORTING, replace=False)
    valid = rng.integers(100, 2500, size=REPORTING)
    shares = rng.dirichlet(np.linspace(8.0, 1.0, len(OPTIONS)), size=REPORTING)
    votes = np.array([rng.multinomial(n, p) for n, p in zip(valid, shares, strict=True)])
    return frame_strata, reporting, np.column_stack([valid, votes])


def write_files(folder: Path, frame_strata, reporting, figures) -> tuple[Path, Path]:
    tallies, frame = folder / "tallies.csv", folder / "frame.csv"
    with tallies.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["station", "region", "valid", *OPTIONS])
        for station, row in zip(reporting, figures, strict=True):
            writer.writerow([station, frame_strata[station], *row])
    with frame.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["station", "region"])
        writer.writerows(enumerate(frame_strata))
    return tallies, frame


def timings(action: Callable[[], object], repeats: int) -> list[float]:
    action()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def report(label: str, seconds: list[float], target: float | None) -> bool:
    """Print median and fastest run; the median is held to the target."""
    median = statistics.median(seconds)
    verdict = "" if target is None else ("  PASS" if median <= target else "  FAIL")
    limit = "" if target is None else f"  target {target * 1000:.0f} ms"
    print(
        f"{label:<44} median {median * 1000:7.1f} ms  fastest {min(seconds) * 1000:7.1f} ms"
        f"{limit}{verdict}"
    )
    return target is None or median <= target


def main() -> int:
    rng = np.random.default_rng(2024)
    frame_strata, reporting, figures = synthetic_country(rng)
    strata = frame_strata[reporting]
    labels, sizes = np.unique(frame_strata, return_counts=True)
    frame_sizes = {str(label): int(size) for label, size in zip(labels, sizes, strict=True)}
    valid, votes = figures[:, 0], figures[:, 1:]

    def on_arrays() -> object:
        return estimate_shares(votes, valid, OPTIONS, strata, frame_sizes)

    def bootstrap() -> object:
        return estimate_shares(
            votes, valid, OPTIONS, strata, frame_sizes, method="bootstrap", seed=1
        )

    with tempfile.TemporaryDirectory() as folder:
        tallies_path, frame_path = write_files(Path(folder), frame_strata, reporting, figures)

        def from_files() -> object:
            tallies = read_tallies(tallies_path, OPTIONS, "valid", "region")
            frame = read_frame(frame_path, "region")
            tallies = match_frame(tallies, frame)
            return estimate_shares(tallies.votes, tallies.valid, OPTIONS, tallies.strata, frame)

        print(
            f"PVT estimate: {REPORTING:,} reporting stations, {FRAME_STATIONS:,} in the frame, "
            f"{STRATA} strata, {len(OPTIONS)} options"
        )
        passed = report("estimate, linearisation (arrays)", timings(on_arrays, 20), TARGET_SECONDS)
        # Reading 110,000 CSV rows dominates this figure; shown for information.
        report("pvt estimate from CSV tallies and frame", timings(from_files, 10), None)
    report("estimate, bootstrap with 1,000 replicates", timings(bootstrap, 3), None)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
