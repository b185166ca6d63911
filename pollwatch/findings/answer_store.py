"""Encoded answers of a mission's form, kept in memory and brought up to date on each read.

The dashboard is reloaded again and again on election day while reports
arrive. Encoding every report's answers anew on each load would scan all of
them; instead each server process keeps, per (mission, form, questions), the
encoded rows read so far, and on each read asks the database only for the
reports stored or revised since: submissions with a higher id, and
submissions with a newer revision (``SubmissionRevision``, written by every
change of answers). A change in the number of submissions that these do not
explain (a deletion) discards the store. Which reports count (status,
filters) is decided afresh on every read, never cached.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Max, Sum

from pollwatch.deployment.models import SampledStation
from pollwatch.findings import answers
from pollwatch.findings.counted_report import received_microseconds_sql
from pollwatch.intake.models import Submission, SubmissionRevision

_LOCK = threading.Lock()
# Per key, a form's encoded answers, or a plan's sampled stations (their keys start "plan").
_STORE: dict[tuple[Any, ...], StoredAnswers | SampledStations] = {}
MOST_STORED = 64


# A plan's sampled station ids (sorted), their strata and their weights 1/π.
SampledStations = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class StoredAnswers:
    """Encoded rows sorted by id, and the watermarks they are current to."""

    ids: np.ndarray
    stations: np.ndarray
    received: np.ndarray
    matrix: np.ndarray
    last_id: int
    last_revision: int
    count: int


def encoded_rows(
    mission_id: int, form_code: str, columns: Sequence[answers.Column]
) -> StoredAnswers:
    """Every submission of the form in the mission, encoded, current to this moment."""
    key = (mission_id, form_code, tuple(columns), connection.alias)
    reports = Submission.objects.filter(mission_id=mission_id, form_version__form__code=form_code)
    count = reports.count()
    last_revision = SubmissionRevision.objects.aggregate(last=Max("id"))["last"] or 0
    with _LOCK:
        stored = _STORE.get(key)
    if not isinstance(stored, StoredAnswers) or count < stored.count:
        stored = _empty(len(columns))
    if stored.count == count and stored.last_revision == last_revision:
        return stored
    fresh = _read(mission_id, form_code, columns, stored.last_id, stored.last_revision)
    merged = _merge(stored, fresh, last_revision)
    if merged.count < count:
        merged = _merge(_empty(len(columns)), _read(mission_id, form_code, columns, 0, -1),
                        last_revision)  # fmt: skip
    with _LOCK:
        if len(_STORE) >= MOST_STORED:
            _STORE.clear()
        _STORE[key] = merged
    return merged


def sampled_stations(plan_id: int) -> SampledStations:
    """A plan's sampled stations (sorted), their strata and weights 1/π, kept while unchanged."""
    rows = SampledStation.objects.filter(plan_id=plan_id)
    state = rows.aggregate(count=Count("id"), last=Max("id"), total=Sum("weight"))
    key = ("plan", plan_id, state["count"], state["last"], state["total"], connection.alias)
    with _LOCK:
        stored = _STORE.get(key)
    if isinstance(stored, tuple):
        return stored
    listed = list(
        rows.order_by("station_id").values_list("station_id", "stratum", "inclusion_probability")
    )
    if listed:
        stations, strata, probabilities = zip(*listed, strict=True)
    else:
        stations, strata, probabilities = (), (), ()
    arrays = (
        np.array(stations, dtype=np.int64),
        np.array(strata, dtype=str),
        1.0 / np.array(probabilities, dtype=np.float64),
    )
    with _LOCK:
        _STORE[key] = arrays
    return arrays


def forget_all() -> None:
    """Empty the store (tests that reuse ids across databases)."""
    with _LOCK:
        _STORE.clear()


def _empty(width: int) -> StoredAnswers:
    return StoredAnswers(
        ids=np.zeros(0, np.int64),
        stations=np.zeros(0, np.int64),
        received=np.zeros(0, np.int64),
        matrix=np.zeros((0, width), np.uint8),
        last_id=0,
        last_revision=0,
        count=0,
    )


def _read(
    mission_id: int,
    form_code: str,
    columns: Sequence[answers.Column],
    after_id: int,
    after_revision: int,
) -> answers.EncodedRows:
    received = received_microseconds_sql("s.received_at")
    source = (
        f"SELECT s.id, s.station_id, {received} AS received, s.answers "
        "FROM intake_submission s JOIN forms_formversion v ON v.id = s.form_version_id "
        "JOIN forms_form f ON f.id = v.form_id WHERE s.mission_id = %s AND f.code = %s "
        "AND (s.id > %s OR s.id IN (SELECT submission_id FROM intake_submissionrevision "
        "WHERE id > %s))"
    )
    return answers.read_rows(source, [mission_id, form_code, after_id, after_revision], columns)


def _merge(stored: StoredAnswers, fresh: answers.EncodedRows, last_revision: int) -> StoredAnswers:
    ids, stations, received, matrix = fresh
    keep = ~np.isin(stored.ids, ids)
    all_ids = np.concatenate([stored.ids[keep], ids])
    order = np.argsort(all_ids, kind="stable")
    return StoredAnswers(
        ids=all_ids[order],
        stations=np.concatenate([stored.stations[keep], stations])[order],
        received=np.concatenate([stored.received[keep], received])[order],
        matrix=np.concatenate([stored.matrix[keep], matrix])[order],
        last_id=int(all_ids.max()) if all_ids.size else 0,
        last_revision=last_revision,
        count=int(all_ids.size),
    )
