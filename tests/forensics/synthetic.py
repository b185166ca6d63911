"""Synthetic per-station results with a known truth, for calibrating the report's headline.

Clean elections: binomial turnout around a station's own rate, five options
with Dirichlet station preferences, invalid ballots at 1.5%. With ``regional``
above zero, a region's effect honestly moves turnout and the leader's support
together. ``stuffed`` stations are rewritten towards 100%: their turnout and
leader share are set to whole-percentage targets (85-99% and 75-95%).
"""

from __future__ import annotations

import numpy as np

from pollwatch.forensics.results_file import ColumnMapping, StationResults

SHARES = np.array([0.45, 0.25, 0.15, 0.10, 0.05])
OPTIONS = tuple(f"option {i + 1}" for i in range(SHARES.size))


def synthetic_election(
    rng: np.random.Generator,
    stations: int,
    *,
    regional: float = 0.0,
    stuffed: float = 0.0,
    regions: int = 40,
    concentration: float = 30.0,
) -> StationResults:
    """One election's per-station results as the loader would return them."""
    region = rng.integers(0, regions, stations)
    effect = rng.normal(0.0, 1.0, regions)[region]
    registered = rng.integers(300, 3000, stations)
    rate = 1.0 / (1.0 + np.exp(-(np.log(0.6 / 0.4) + rng.normal(0.0, 0.35, stations))))
    rate = 1.0 / (1.0 + np.exp(-(np.log(rate / (1 - rate)) + regional * effect)))
    given = rng.binomial(registered, rate)
    invalid = rng.binomial(given, 0.015)
    weights = np.log(SHARES)[None, :] + np.zeros((stations, 1))
    weights[:, 0] += regional * effect
    mean = np.exp(weights)
    mean /= mean.sum(axis=1, keepdims=True)
    preferences = rng.gamma(concentration * mean)
    preferences /= preferences.sum(axis=1, keepdims=True)
    votes = rng.multinomial(given - invalid, preferences)
    if stuffed > 0:
        given, invalid, votes = _stuff(rng, stuffed, registered, given, invalid, votes)
    mapping = ColumnMapping(
        registered="registered",
        given=("given",),
        valid="valid",
        invalid="invalid",
        options=OPTIONS,
        areas=("region",),
    )
    lines = np.arange(2, stations + 2, dtype=np.int64)
    return StationResults(
        source_name="synthetic.csv",
        mapping=mapping,
        rows_read=stations,
        lines=lines,
        registered=registered.astype(np.int64),
        given=given.astype(np.int64),
        valid=votes.sum(axis=1).astype(np.int64),
        invalid=invalid.astype(np.int64),
        votes=votes.astype(np.int64),
        areas=(np.array([f"region {r}" for r in region]),),
        stations=lines.astype(str),
        bad_rows=(),
    )


def _stuff(
    rng: np.random.Generator,
    share: float,
    registered: np.ndarray,
    given: np.ndarray,
    invalid: np.ndarray,
    votes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    given, invalid, votes = given.copy(), invalid.copy(), votes.copy()
    chosen = rng.random(registered.size) < share
    turnout = rng.integers(85, 100, chosen.sum()) / 100
    target = np.maximum(np.rint(turnout * registered[chosen]).astype(np.int64), given[chosen])
    received = target - invalid[chosen]
    leader = np.rint(rng.integers(75, 96, chosen.sum()) / 100 * received).astype(np.int64)
    others = votes[chosen, 1:]
    left = received - leader
    scaled = np.floor(others * (left / np.maximum(others.sum(axis=1), 1))[:, None])
    scaled = scaled.astype(np.int64)
    scaled[:, 0] += left - scaled.sum(axis=1)
    given[chosen] = target
    votes[chosen] = np.column_stack([leader, scaled])
    return given, invalid, votes
