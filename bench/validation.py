"""Benchmark: what checking one report's answers against its form costs the server.

Run from the repository root: ``python bench/validation.py [--reports N] [--profile]``.
In-process, without a database: the forms are the ones ``bench/intake.py``
publishes, the 40-question checklist its seed builds and the library's voting
checklist its JSON clients answer (the one ``bench/request_path.py`` sends),
each checked as the intake checks it, with a polling station's facts. For each
form a valid set of answers and typical invalid ones (a choice that is none of
the form's, a count above its bound or the station's voters, a required answer
left out, a question the form does not have) are checked ``N`` times, in
``--rounds`` rounds; the CPU time of this process per report in the cheapest
round is printed, in µs. CPU time, unlike a rate, hardly depends on what else
the machine runs, and the cheapest round is the one it disturbed least.
``--profile`` adds the functions that took the most of it (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import intake as intake_bench  # noqa: E402  (the JSON benchmark whose forms these are)

from pollwatch.forms.definition import FormDefinition, load_definition  # noqa: E402
from pollwatch.forms.library import library_forms  # noqa: E402
from pollwatch.forms.validation import StationFacts, validate_answers  # noqa: E402
from pollwatch.lib.json_nesting import json_depth  # noqa: E402

STATION = StationFacts("001-01", {"registered_voters": 1000})


def checklist_answers(definition: FormDefinition) -> dict[str, Any]:
    """Every question of the 40-question checklist answered as its clients answer it."""
    return {
        question.code: intake_bench.sample_answer({"type": question.type})
        for question in definition.questions()
    }


def answer_sets(name: str, definition: FormDefinition) -> dict[str, dict[str, Any]]:
    """A valid set of answers and the typical invalid ones, by what is wrong with them."""
    if name == "checklist":
        valid = checklist_answers(definition)
        return {
            "valid": valid,
            "not a choice": valid | {"a06": "excellent"},
            "above bounds": valid | {"a07": "1200", "a09": "9000"},
            "required left out": {code: v for code, v in valid.items() if code != "b01"},
            "unknown question": valid | {"z99": "yes"},
        }
    valid = dict(intake_bench.VOTING_ANSWERS)
    return {
        "valid": valid,
        "not a choice": valid | {"overall": "excellent"},
        "above bounds": valid | {"turned_away": 5000},
        "required left out": {code: v for code, v in valid.items() if code != "pressure"},
        "hidden answered": valid | {"mobile_box_procedure": "yes"},
    }


def forms() -> dict[str, FormDefinition]:
    return {
        "checklist": load_definition(intake_bench.forty_question_checklist()),
        "voting": library_forms()["voting"],
    }


def cpu_us(work: Callable[[], object], count: int, rounds: int) -> float:
    """CPU µs per call of ``work`` in the cheapest of ``rounds`` rounds of ``count`` calls."""
    cheapest = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(count):
            work()
        cheapest = min(cheapest, time.process_time() - started)
    return 1e6 * cheapest / count


def validation(definition: FormDefinition, answers: Mapping[str, Any]) -> Callable[[], object]:
    return lambda: validate_answers(definition, answers, STATION)


def depth_of_body(definition: FormDefinition, answers: Mapping[str, Any]) -> Callable[[], object]:
    """How deeply a single send's body nests, which the API measures before reading it."""
    body = {
        "key": "6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f",
        "form": definition.code,
        "version": 1,
        "station": STATION.code,
        "answers": dict(answers),
    }
    return lambda: json_depth(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=5000, help="validations per answer set")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    profiler = cProfile.Profile(time.process_time) if options.profile else None
    counts = (options.reports, options.rounds)
    print("µs of CPU per report")
    for name, definition in forms().items():
        for what, answers in answer_sets(name, definition).items():
            result = validate_answers(definition, answers, STATION)
            validate = validation(definition, answers)
            validate()  # the first check of a form may prepare what later ones reuse
            if profiler:
                profiler.enable()
            spent = cpu_us(validate, *counts)
            if profiler:
                profiler.disable()
            errors = ", ".join(sorted({error.reason for error in result.errors})) or "-"
            print(f"{name:<10} {what:<18} {spent:>8.1f}   errors: {errors}")
        depth = cpu_us(depth_of_body(definition, answer_sets(name, definition)["valid"]), *counts)
        print(f"{name:<10} {'json_depth of body':<18} {depth:>8.1f}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
