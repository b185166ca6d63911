"""The whole answers of the report that counts for each station, with the sample's design.

The figures of choice questions read encoded answers kept in memory
(:mod:`pollwatch.findings.answer_store`); numbers, dates, texts, places,
files and the entries of repeat sections are read here instead, as the
answers themselves, of the same reports: one per station, by the rule of
:mod:`pollwatch.findings.counted_report`, among the reports that pass the
filters. One query reads them; a mission's few thousand reports are summed
in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pollwatch.findings import answer_store, answers
from pollwatch.findings.counted_report import counted_rows
from pollwatch.findings.figures import Scope
from pollwatch.stats.stratified import StratifiedDesign


@dataclass(frozen=True, slots=True)
class CountedAnswers:
    """The counted reports, newest first, that the figures describe.

    Attributes
    ----------
    ids : ndarray of int
        Report ids.
    answers : list of dict
        Each report's answers, as stored.
    design : StratifiedDesign or None
        With a current random plan, the design of these stations (strata,
        weights adjusted for non-response within strata, finite population
        correction), as the shares of choice questions use; None otherwise:
        then figures describe only the stations observed and carry no
        interval.
    outside_sample : int
        Stations with a report outside the random plan, left out.
    is_random : bool
        Whether the mission's current plan is random.
    """

    ids: np.ndarray
    answers: list[dict]
    design: StratifiedDesign | None
    outside_sample: int = 0
    is_random: bool = False

    def __len__(self) -> int:
        return len(self.answers)


def counted_answers(scope: Scope, form_code: str) -> CountedAnswers:
    """The answers of the report that counts for each station, with a random plan's design."""
    rows = counted_rows(scope.submissions(form_code), "station_id", "answers")
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    stations = np.array([row[1] for row in rows], dtype=np.int64)
    found = [row[2] if isinstance(row[2], dict) else {} for row in rows]
    plan = scope.design()
    if plan is None:
        return CountedAnswers(ids, found, None)
    sampled = answer_store.sampled_stations(plan.plan_id)
    encoded = answers.with_design(ids, stations, np.zeros((ids.size, 0), np.uint8), sampled)
    outside = int((~encoded.in_sample).sum())
    keep = np.flatnonzero(encoded.in_sample)
    if keep.size == 0:
        return CountedAnswers(ids[:0], [], None, outside, True)
    weighted = answers.weighted_stations(encoded, plan.stratum_sizes, plan.unequal)
    design = StratifiedDesign(
        labels=tuple(str(label) for label in weighted.labels),
        stratum_of_station=weighted.where.astype(np.intp),
        reporting=weighted.reported.astype(np.int64),
        frame_sizes=weighted.frame_sizes,
        weights=weighted.weights,
        uncovered=(),
        with_replacement=bool(plan.unequal),
    )
    return CountedAnswers(ids[keep], [found[i] for i in keep], design, outside, True)
