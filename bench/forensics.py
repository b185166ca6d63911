"""Benchmark of the forensics report on the 2018 Russian presidential results (97,699 stations).

Targets: the whole report (load, tests, plots, files) in at most 5 s; the
integer-percentage test alone in at most 1 s; peak memory under 1 GB; and,
against a straightforward 1,000-replicate Monte Carlo implementation of the
same test run here too, the exact method at least 20 times faster with
results that agree within the Monte Carlo noise.

Run from the repository root: ``python bench/forensics.py``. The data is read
from ``../shared/data`` beside the repository, or from ``$POLLWATCH_SHARED_DATA``.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pollwatch.forensics.report import build_report  # noqa: E402
from pollwatch.forensics.results_file import load_results  # noqa: E402
from pollwatch.stats.integer_percentages import (  # noqa: E402
    integer_percentage_test,
    monte_carlo_integer_percentage_test,
)

REPORT_SECONDS = 5.0
INTEGER_SECONDS = 1.0
PEAK_BYTES = 1024**3
MIN_SPEEDUP = 20.0
REPLICATES = 1000
#: Agreement allowed, in standard errors of the Monte Carlo estimates.
NOISE_UNITS = 3.0


def shared_data() -> Path:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return Path(os.environ.get("POLLWATCH_SHARED_DATA", default))


def peak_rss_bytes() -> int:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def check(label: str, value: str, target: str, ok: bool) -> bool:
    print(f"  {label:<48} {value:>14}   target {target:<12} {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    path = shared_data() / "russia" / "2018.csv.zip"
    if not path.exists():
        print(f"skipped: {path} is absent (set POLLWATCH_SHARED_DATA)")
        return 0
    print(f"forensics benchmark on {path.name}; {platform.python_version()}, {os.cpu_count()} CPUs")
    results = []

    with tempfile.TemporaryDirectory() as out:
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = build_report(path, None, out)
        report_seconds = time.perf_counter() - started
        report_cpu = time.process_time() - cpu_started
    peak = peak_rss_bytes()
    print(f"  stations {summary.stations:,}; integer excess {summary.integer_excess:,.1f}")
    print(f"  {'  (CPU time of the report)':<48} {report_cpu:>12.2f} s")
    results.append(
        check("whole report (load, tests, plots, files)", f"{report_seconds:.2f} s",
              f"<= {REPORT_SECONDS:g} s", report_seconds <= REPORT_SECONDS)
    )  # fmt: skip
    results.append(
        check("peak memory (max RSS after the report)", f"{peak / 2**20:,.0f} MiB",
              "< 1024 MiB", peak < PEAK_BYTES)
    )  # fmt: skip

    data = load_results(path)
    leader = data.votes[:, int(np.argmax(data.votes.sum(axis=0)))]
    arrays = (leader, data.received, data.given, data.registered)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        exact = integer_percentage_test(*arrays)
        timings.append(time.perf_counter() - started)
    exact_seconds = timings[0]
    results.append(
        check("integer-percentage test, exact (first call)", f"{exact_seconds:.3f} s",
              f"<= {INTEGER_SECONDS:g} s", exact_seconds <= INTEGER_SECONDS)
    )  # fmt: skip
    print(f"  {'  (best of 3)':<48} {min(timings):>12.3f} s")

    started = time.perf_counter()
    simulated = monte_carlo_integer_percentage_test(*arrays, replicates=REPLICATES, seed=2018)
    mc_seconds = time.perf_counter() - started
    speedup = mc_seconds / exact_seconds
    print(f"  {'integer-percentage test, Monte Carlo x1000':<48} {mc_seconds:>12.2f} s")
    results.append(
        check("speed-up of the exact method", f"{speedup:.0f}x", f">= {MIN_SPEEDUP:g}x",
              speedup >= MIN_SPEEDUP)
    )  # fmt: skip

    print(f"  {'':<10}{'exact mean':>12}{'MC mean':>12}{'exact sd':>10}{'MC sd':>9}")
    for name in ("any", "leader", "turnout"):
        e, m = getattr(exact, name), getattr(simulated, name)
        mean_noise = e.sd / np.sqrt(REPLICATES)
        sd_noise = e.sd / np.sqrt(2 * (REPLICATES - 1))
        agree = (
            abs(e.expected - m.expected) <= NOISE_UNITS * mean_noise
            and abs(e.sd - m.sd) <= NOISE_UNITS * sd_noise
        )
        print(f"  {name:<10}{e.expected:>12.1f}{m.expected:>12.1f}{e.sd:>10.1f}{m.sd:>9.1f}")
        results.append(
            check(f"  {name}: exact within MC noise (3 s.e.)",
                  f"{abs(e.expected - m.expected) / mean_noise:.1f} s.e.", "<= 3 s.e.", agree)
        )  # fmt: skip
    print("PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
