"""Run every forensic test on loaded station results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pollwatch.forensics.results_file import BadRow, StationResults
from pollwatch.stats.areas import AreaBreakdown, StationMeasures, area_breakdown
from pollwatch.stats.digits import METHODS as DIGIT_METHODS
from pollwatch.stats.digits import DigitTestResult, digit_tests
from pollwatch.stats.distribution import (
    ExtremeStations,
    IdenticalResults,
    Moments,
    TurnoutShareRelation,
    WithinAreaRelation,
    distribution_moments,
    extreme_stations,
    identical_result_vectors,
    turnout_share_relation,
    within_area_relation,
)
from pollwatch.stats.fingerprint import (
    FINGERPRINT_MIN_REGISTERED,
    Fingerprint,
    PercentageHistogram,
    percentage_histogram,
    turnout_share_fingerprint,
)
from pollwatch.stats.integer_percentages import IntegerPercentageResult, integer_percentage_test

#: Called with the step under way, the steps done and the total steps.
ProgressCallback = Callable[[str, int, int], None]

#: Family-wise significance level of the report's headline (Holm over all its tests).
ALPHA = 0.05
#: Stations with fewer votes than this are left out of the identical-protocol search.
IDENTICAL_MIN_VOTES = 50


@dataclass(frozen=True, slots=True)
class OptionDigits:
    """The three digit tests on one option's counts."""

    option: str
    tests: tuple[DigitTestResult, ...]


@dataclass(frozen=True, slots=True)
class ForensicsAnalysis:
    """Every test's result for one results file.

    Attributes
    ----------
    results : StationResults
        The loaded data.
    leader_index : int
        Column of the option with the most votes overall.
    integer : IntegerPercentageResult
        Integer-percentage test (Kobak et al. 2016).
    fingerprint : Fingerprint
        Turnout-leader-share histogram (Klimek et al. 2012).
    turnout_histogram, share_histogram : PercentageHistogram
        At 0.1-point resolution.
    digits : tuple of OptionDigits
        Digit tests per option.
    turnout_moments, share_moments : Moments
        Shape of the station distributions.
    relation : TurnoutShareRelation
        Correlation and slope of leader share on turnout, across all
        stations (a description).
    within_area : WithinAreaRelation or None
        The same relation within areas, the one that is tested (None
        without an area column or without ballots issued).
    within_area_level : str or None
        Area column of ``within_area``: the finest one mapped in which most
        stations share their area with others.
    identical : IdenticalResults
        Stations with identical protocols.
    extremes : ExtremeStations
        Stations at or near 100% turnout and leader share.
    area_level : str or None
        Area column of the breakdown.
    areas : AreaBreakdown or None
        Per-area breakdown, when an area column is mapped.
    """

    results: StationResults
    leader_index: int
    integer: IntegerPercentageResult
    fingerprint: Fingerprint
    turnout_histogram: PercentageHistogram
    share_histogram: PercentageHistogram
    digits: tuple[OptionDigits, ...]
    turnout_moments: Moments
    share_moments: Moments
    relation: TurnoutShareRelation
    within_area: WithinAreaRelation | None
    within_area_level: str | None
    identical: IdenticalResults
    extremes: ExtremeStations
    area_level: str | None
    areas: AreaBreakdown | None

    @property
    def leader(self) -> str:
        """Name of the leading option."""
        return self.results.option_names[self.leader_index]

    @property
    def leader_votes(self) -> npt.NDArray[np.int64]:
        """Votes for the leader per station."""
        return self.results.votes[:, self.leader_index]

    @property
    def has_turnout(self) -> bool:
        """Whether the file gives ballots issued, so that turnout is known."""
        return self.results.has_given

    @property
    def turnout(self) -> float:
        """Ballots issued over registered voters, all stations (nan without ballots issued)."""
        if not self.has_turnout:
            return float("nan")
        return _ratio(self.results.given.sum(), self.results.registered.sum())

    @property
    def leader_share(self) -> float:
        """Leader's votes over received ballots (valid plus invalid), all stations."""
        return _ratio(self.leader_votes.sum(), self.results.received.sum())


def _ratio(numerator: np.integer, denominator: np.integer) -> float:
    return float(numerator) / float(denominator) if denominator > 0 else float("nan")


STEPS = ("integer percentages", "fingerprint", "digit tests", "distributions", "areas")


def analyse_results(
    results: StationResults,
    *,
    area_level: int = 0,
    bootstrap: int = 2000,
    seed: int = 0,
    progress: ProgressCallback | None = None,
) -> ForensicsAnalysis:
    """Run all tests of docs/methodology.md §4 on ``results``.

    Parameters
    ----------
    results : StationResults
        Loaded station results.
    area_level : int
        Which mapped area column to break down by (0: the largest).
    bootstrap : int
        Bootstrap resamples of the digit tests.
    seed : int
        Seed of the bootstrap, so that a report can be reproduced.
    progress : callable, optional
        Told about each step.
    """
    report = progress or (lambda step, done, total: None)
    if results.station_count == 0:
        raise ValueError("no usable station in the results")
    leader_index = int(np.argmax(results.votes.sum(axis=0)))
    leader = results.votes[:, leader_index]
    received, registered, given = results.received, results.registered, results.given

    report(STEPS[0], 0, len(STEPS))
    integer = integer_percentage_test(leader, received, given, registered)

    report(STEPS[1], 1, len(STEPS))
    turnout, share = _station_fractions(results, leader)
    fingerprint = turnout_share_fingerprint(turnout, share, registered)
    used = (registered >= FINGERPRINT_MIN_REGISTERED) & np.isfinite(share)

    report(STEPS[2], 2, len(STEPS))
    digits = tuple(
        OptionDigits(
            option=name,
            tests=digit_tests(
                results.votes[:, i], DIGIT_METHODS, bootstrap=bootstrap, seed=seed + i
            ),
        )
        for i, name in enumerate(results.option_names)
    )

    report(STEPS[3], 3, len(STEPS))
    protocols = np.column_stack([results.votes, results.invalid])
    identical = identical_result_vectors(protocols, min_total=IDENTICAL_MIN_VOTES)
    extremes = extreme_stations(given, registered, leader, received)

    report(STEPS[4], 4, len(STEPS))
    level_name, areas = _areas(results, integer, leader, area_level)
    within_level, within = _within_areas(results, turnout, share, used)
    report("done", len(STEPS), len(STEPS))
    return ForensicsAnalysis(
        results=results,
        leader_index=leader_index,
        integer=integer,
        fingerprint=fingerprint,
        digits=digits,
        turnout_histogram=percentage_histogram(turnout[used]),
        share_histogram=percentage_histogram(share[used]),
        turnout_moments=distribution_moments(turnout[used]),
        share_moments=distribution_moments(share[used]),
        relation=turnout_share_relation(turnout[used], share[used]),
        within_area=within,
        within_area_level=within_level,
        identical=identical,
        extremes=extremes,
        area_level=level_name,
        areas=areas,
    )


def _station_fractions(
    results: StationResults, leader: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    registered, received = results.registered, results.received
    with np.errstate(divide="ignore", invalid="ignore"):
        turnout = np.where((registered > 0) & results.has_given, results.given / registered, np.nan)
        share = np.where(received > 0, leader / received, np.nan)
    return turnout, share


def _areas(
    results: StationResults,
    integer: IntegerPercentageResult,
    leader: npt.NDArray[np.int64],
    level: int,
) -> tuple[str | None, AreaBreakdown | None]:
    if not results.areas:
        return None, None
    if not 0 <= level < len(results.areas):
        raise ValueError(f"area level {level} does not exist; the file maps {len(results.areas)}")
    hit = np.zeros(results.station_count)
    probability = np.zeros(results.station_count)
    q1, q2 = integer.leader_probability, integer.turnout_probability
    if results.has_given:
        hit[integer.included] = integer.leader_integer | integer.turnout_integer
        probability[integer.included] = q1 + q2 - q1 * q2
    else:
        hit[integer.included] = integer.leader_integer
        probability[integer.included] = q1
    measures = StationMeasures(
        registered=results.registered,
        given=results.given,
        received=results.received,
        leader=leader,
        integer_hit=hit,
        integer_probability=probability,
    )
    return results.mapping.areas[level], area_breakdown(results.areas[level], measures)


#: The within-area relation uses the finest area column in which at least this share of the
#: stations has another station in its area to be compared with.
WITHIN_AREA_SHARED = 0.5


def _within_areas(
    results: StationResults,
    turnout: npt.NDArray[np.float64],
    share: npt.NDArray[np.float64],
    used: npt.NDArray[np.bool_],
) -> tuple[str | None, WithinAreaRelation | None]:
    """The turnout-share relation within the finest mapped areas that group stations."""
    if not results.areas or not results.has_given:
        return None, None
    levels = range(len(results.areas) - 1, -1, -1)
    level = next((i for i in levels if _shared(results.areas[i][used]) >= WITHIN_AREA_SHARED), 0)
    relation = within_area_relation(turnout[used], share[used], results.areas[level][used])
    return results.mapping.areas[level], relation


def _shared(labels: npt.NDArray[np.str_]) -> float:
    """Share of stations whose area holds another station."""
    if labels.size == 0:
        return 0.0
    _, index, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return float(np.mean(counts[index.reshape(-1)] >= 2))


def excluded_rows(bad_rows: tuple[BadRow, ...]) -> int:
    """Rows left out of every test."""
    return sum(1 for row in bad_rows if row.excluded)
