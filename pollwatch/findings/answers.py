"""Read the chosen reports' answers into numpy in one query, and total them by stratum.

The database encodes every report's answers to the questions asked as one
short string, a character per question (or per value of a multiple-choice
question): ``.`` for no answer, ``A``, ``B``... for the first, second...
choice, ``?`` for an answer outside the choice list, ``1``/``0`` for "one
of the values counted" or not. The strings of all chosen reports arrive in
one query and become a ``(reports, characters)`` byte matrix; totals per
stratum are ``numpy.bincount`` over it. No Python loop runs over reports, and
the JSON of each report is parsed once by the database
(``jsonb_to_record`` on PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection

from pollwatch.findings.counted_report import latest_per_station
from pollwatch.stats.proportions import StratumTotals
from pollwatch.stats.stratified import CERTAINTY_SUFFIX, taken_with_certainty

UNANSWERED = ord(".")
OTHER = ord("?")
HIT = ord("1")
FIRST_VALUE = ord("A")
MOST_VALUES = 58
_CODE = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True, slots=True)
class Column:
    """One character of the encoding.

    ``values`` are the question's choices (the character says which), or,
    when ``flag`` is true, the values whose presence gives ``1``; the flag's
    attribute is then named ``label``.
    """

    question: str
    values: tuple[str, ...]
    flag: bool
    multiple: bool
    label: str = ""


@dataclass(frozen=True, slots=True)
class Attribute:
    """A figure's attribute: stations whose character at ``position`` is ``character``."""

    question: str
    value: str
    position: int
    character: int


@dataclass(frozen=True, slots=True)
class EncodedAnswers:
    ids: np.ndarray
    strata: np.ndarray
    weights: np.ndarray
    in_sample: np.ndarray
    matrix: np.ndarray


def attributes(columns: Sequence[Column]) -> list[Attribute]:
    """The attributes each column yields: one per choice, or one flag."""
    found = []
    for position, column in enumerate(columns):
        if column.flag:
            found.append(Attribute(column.question, column.label, position, HIT))
            continue
        for index, value in enumerate(column.values[:MOST_VALUES]):
            found.append(Attribute(column.question, value, position, FIRST_VALUE + index))
    return found


# ids, stations, received, matrix: what read_rows returns.
EncodedRows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def read_rows(source: str, params: Sequence[Any], columns: Sequence[Column]) -> EncodedRows:
    """Encode the reports of ``source`` (rows: id, station_id, received, answers).

    Returns the arrays ``(ids, stations, received, matrix)``; ``received`` is
    the time of receipt in whole microseconds since 1970, an integer.
    """
    for column in columns:
        if not _CODE.fullmatch(column.question):
            raise ValueError(f"question code {column.question!r} cannot be read")
    builder = _postgres_expression if connection.vendor == "postgresql" else _sqlite_expression
    parts, expression_params = [], []
    for column in columns:
        part, part_params = builder(column)
        parts.append(part)
        expression_params += part_params
    encoded = " || ".join(parts) if parts else "''"
    sql = f"SELECT r.id, r.station_id, r.received, {encoded} FROM ({source}) r"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*expression_params, *params])
        rows = cursor.fetchall()
    width = len(columns)
    if not rows:
        return (
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros((0, width), np.uint8),
        )
    ids, stations, received, codes = zip(*rows, strict=True)
    text = "".join(codes).encode("ascii") if width else b""
    return (
        np.array(ids, dtype=np.int64),
        np.array(stations, dtype=np.int64),
        np.array(received, dtype=np.int64),
        np.frombuffer(text, dtype=np.uint8).reshape(len(ids), width).copy(),
    )


def any_report(
    stations: np.ndarray,
    received: np.ndarray,
    ids: np.ndarray,
    matrix: np.ndarray,
    chosen: np.ndarray,
    seen: dict[int, int],
) -> np.ndarray:
    """The chosen reports' characters, with "seen in any report" for the columns of ``seen``.

    ``stations``, ``received``, ``ids`` and ``matrix`` describe every report
    that counts; ``chosen`` indexes the latest one of each station, in
    station order, as :func:`latest_per_station` gives. ``seen`` maps a
    column's position to the character that means "seen" (``1`` for a flag,
    ``A`` for the "yes" of a yes/no question). In those columns a station
    gets that character when any of its reports has it, otherwise the
    answer of its latest report that answered, otherwise no answer.
    """
    combined = matrix[chosen].copy()
    if not seen or chosen.size == 0:
        return combined
    _, group = np.unique(stations, return_inverse=True)
    for position, character in seen.items():
        column = matrix[:, position]
        answered = np.flatnonzero(column != UNANSWERED)
        latest = answered[latest_per_station(ids[answered], stations[answered], received[answered])]
        result = np.full(chosen.size, UNANSWERED, dtype=np.uint8)
        result[group[latest]] = column[latest]
        result[np.bincount(group, weights=column == character, minlength=chosen.size) > 0] = (
            character
        )
        combined[:, position] = result
    return combined


def with_design(
    ids: np.ndarray,
    stations: np.ndarray,
    matrix: np.ndarray,
    sampled: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> EncodedAnswers:
    """Attach each chosen report's stratum and weight; ``sampled`` is (stations, strata, weights)
    of the plan sorted by station, or None without a random plan (weight 1, one stratum)."""
    if sampled is None:
        return EncodedAnswers(
            ids, np.full(ids.size, ""), np.ones(ids.size), np.ones(ids.size, bool), matrix
        )
    plan_stations, strata, weights = sampled
    if plan_stations.size == 0:
        return EncodedAnswers(
            ids, np.full(ids.size, ""), np.ones(ids.size), np.zeros(ids.size, bool), matrix
        )
    at = np.minimum(np.searchsorted(plan_stations, stations), plan_stations.size - 1)
    in_sample = plan_stations[at] == stations
    return EncodedAnswers(
        ids=ids,
        strata=np.where(in_sample, strata[at], ""),
        weights=np.where(in_sample, weights[at], 1.0),
        in_sample=in_sample,
        matrix=matrix,
    )


def _postgres_expression(column: Column) -> tuple[str, list]:
    text = f"r.answers->>'{column.question}'"
    value = f"r.answers->'{column.question}'"
    if column.flag and column.multiple:
        return (
            f"CASE WHEN jsonb_typeof({value}) = 'array' THEN CASE WHEN "
            f"jsonb_exists_any({value}, %s::text[]) THEN '1' ELSE '0' END "
            f"WHEN {value} IS NULL OR jsonb_typeof({value}) = 'null' THEN '.' ELSE '0' END",
            [list(column.values)],
        )
    if column.multiple:
        raise ValueError("a multiple-choice question is read one value at a time")
    if column.flag:
        marks = ", ".join(["%s"] * len(column.values))
        return (
            f"CASE WHEN {text} IN ({marks}) THEN '1' WHEN {text} IS NULL THEN '.' ELSE '0' END",
            list(column.values),
        )
    values = column.values[:MOST_VALUES]
    arms = " ".join(f"WHEN %s THEN '{chr(FIRST_VALUE + i)}'" for i in range(len(values)))
    # Unmatched: '?' when answered, '.' when not (NULL || '?' is NULL).
    fallback = f"COALESCE(LEFT({text}, 0) || '?', '.')"
    if not values:
        return fallback, []
    return f"CASE {text} {arms} ELSE {fallback} END", list(values)


def _sqlite_expression(column: Column) -> tuple[str, list]:
    path = f'$."{column.question}"'
    missing = f"COALESCE(json_type(r.answers, '{path}'), 'null') = 'null'"
    if column.flag and column.multiple:
        marks = ", ".join(["%s"] * len(column.values))
        return (
            f"CASE WHEN {missing} THEN '.' WHEN json_type(r.answers, '{path}') = 'array' AND "
            f"EXISTS (SELECT 1 FROM json_each(r.answers, '{path}') WHERE value IN ({marks})) "
            "THEN '1' ELSE '0' END",
            list(column.values),
        )
    if column.multiple:
        raise ValueError("a multiple-choice question is read one value at a time")
    text = f"json_extract(r.answers, '{path}')"
    if column.flag:
        marks = ", ".join(["%s"] * len(column.values))
        return (
            f"CASE WHEN {missing} THEN '.' WHEN {text} IN ({marks}) THEN '1' ELSE '0' END",
            list(column.values),
        )
    values = column.values[:MOST_VALUES]
    if not values:
        # A question without a choice list (its choices come from a file): any answer is '?'.
        return f"CASE WHEN {missing} THEN '.' ELSE '?' END", []
    arms = " ".join(f"WHEN %s THEN '{chr(FIRST_VALUE + i)}'" for i in range(len(values)))
    return f"CASE WHEN {missing} THEN '.' ELSE CASE {text} {arms} ELSE '?' END END", list(values)


def stratum_totals(
    encoded: EncodedAnswers,
    found: Sequence[Attribute],
    stratum_sizes: dict[str, float] | None,
    unequal: frozenset[str] = frozenset(),
) -> StratumTotals:
    """Totals per stratum for every attribute, from the in-sample reports.

    With ``stratum_sizes`` (a random design), each station's weight is scaled
    within its stratum so that the responding stations add up to the
    stratum's estimated size (non-response adjustment), and the sizes give
    the finite population correction. Without, every station weighs 1.
    Strata in ``unequal`` were drawn with probability proportional to size:
    no finite population correction (the with-replacement approximation),
    and their stations drawn with certainty (weight 1) form a group of their
    own that adds no variance.
    """
    stations = weighted_stations(encoded, stratum_sizes, unequal)
    where, weights, size = stations.where, stations.weights, stations.labels.size
    matrix = encoded.matrix[stations.keep]
    reported, frame_sizes = stations.reported, stations.frame_sizes
    sums = {
        position: _position_sums(where, weights, matrix[:, position], size)
        for position in {attribute.position for attribute in found}
    }
    columns = [_attribute_sums(sums[a.position], a.character) for a in found]
    stacked = np.stack(columns, axis=-1) if columns else np.zeros((3, 2, size, 0))
    return StratumTotals(
        reporting=reported,
        frame_sizes=frame_sizes,
        weighted_hits=stacked[1, 0],
        squared_weighted_hits=stacked[2, 0],
        weighted_base=stacked[1, 1],
        squared_weighted_base=stacked[2, 1],
        hits=stacked[0, 0].sum(axis=0).astype(np.int64),
        base=stacked[0, 1].sum(axis=0).astype(np.int64),
    )


@dataclass(frozen=True, slots=True)
class WeightedStations:
    """The stations a random design's figures are computed from, with adjusted weights.

    ``keep`` selects them among the chosen reports (the in-sample ones with a
    design, all without); ``labels`` are their strata (certainty groups apart),
    ``where`` each station's index into ``labels``, ``reported`` the stations
    per stratum and ``frame_sizes`` the sizes for the finite population
    correction (None without a design).
    """

    keep: np.ndarray
    labels: np.ndarray
    where: np.ndarray
    weights: np.ndarray
    reported: np.ndarray
    frame_sizes: np.ndarray | None


def weighted_stations(
    encoded: EncodedAnswers,
    stratum_sizes: dict[str, float] | None,
    unequal: frozenset[str] = frozenset(),
) -> WeightedStations:
    """The weights :func:`stratum_totals` uses: adjusted for non-response within strata."""
    keep = encoded.in_sample if stratum_sizes is not None else np.ones(len(encoded.ids), bool)
    strata = _certainty_groups(encoded.strata[keep], encoded.weights[keep], unequal)
    labels, where = np.unique(strata, return_inverse=True)
    size = len(labels)
    weights = encoded.weights[keep]
    reported = np.bincount(where, minlength=size).astype(np.float64)
    frame_sizes = None
    if stratum_sizes is not None:
        reported_weight = np.bincount(where, weights=weights, minlength=size)
        estimated = np.array([stratum_sizes.get(label, 0.0) for label in labels], dtype=float)
        known = estimated > 0
        adjust = np.where(known, estimated / np.where(known, reported_weight, 1.0), 1.0)
        weights = weights * adjust[where]
        frame_sizes = np.maximum(np.where(known, np.round(estimated), reported), reported)
        frame_sizes = _with_replacement_sizes(labels, frame_sizes, reported, unequal)
    return WeightedStations(keep, labels, where, weights, reported, frame_sizes)


def _certainty_groups(
    strata: np.ndarray, weights: np.ndarray, unequal: frozenset[str]
) -> np.ndarray:
    """Stratum labels, with PPS stations drawn with certainty in a group of their own."""
    if not unequal or strata.size == 0:
        return strata
    certain = np.isin(strata, list(unequal)) & taken_with_certainty(weights)
    return np.where(certain, np.char.add(strata.astype(str), CERTAINTY_SUFFIX), strata)


def _with_replacement_sizes(
    labels: np.ndarray, sizes: np.ndarray, reported: np.ndarray, unequal: frozenset[str]
) -> np.ndarray:
    """Frame sizes without correction in PPS strata (inf), and f = 1 for certainty groups."""
    if not unequal:
        return sizes
    names = labels.astype(str)
    certainty = np.char.endswith(names, CERTAINTY_SUFFIX)
    pps = np.isin(names, list(unequal))
    return np.where(certainty, reported, np.where(pps, np.inf, sizes))


def _position_sums(
    where: np.ndarray, weights: np.ndarray, characters: np.ndarray, size: int
) -> np.ndarray:
    """Counts, weights and squared weights per stratum and character: shape (3, H, 256)."""
    key = where * 256 + characters.astype(np.int64)
    length = size * 256
    return np.stack(
        [
            np.bincount(key, minlength=length),
            np.bincount(key, weights=weights, minlength=length),
            np.bincount(key, weights=weights * weights, minlength=length),
        ]
    ).reshape(3, size, 256)


def _attribute_sums(sums: np.ndarray, character: int) -> np.ndarray:
    """(3 measures, hits|base, H) for one attribute."""
    hits = sums[:, :, character]
    base = sums.sum(axis=2) - sums[:, :, UNANSWERED]
    return np.stack([hits, base], axis=1)
