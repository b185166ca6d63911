"""Receiving a batch of submissions with a few queries instead of a few per submission.

The rules are those of :mod:`pollwatch.intake.services`; only the writes are
grouped. If a concurrent request stores one of the batch's keys first, the
batch falls back to the one-by-one path, which answers that item as a duplicate.
"""

from __future__ import annotations

import json
import uuid
from itertools import chain
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pollwatch.audit.chain import json_digest
from pollwatch.audit.services import log_action
from pollwatch.intake.checks import flag_conflicts_of_new, phase_hour_flags
from pollwatch.intake.definitions import definition_for, lock_once, station_facts
from pollwatch.intake.models import Channel, RawPayload, Submission, SubmissionRevision
from pollwatch.intake.services import (
    Candidate,
    ResendConflict,
    SubmissionRejected,
    answer_problems,
    parse_candidate,
    receipt_of,
    receive_submission,
    sending_member,
    unknown_station,
)
from pollwatch.lib.bad_input import storable_text
from pollwatch.lib.plain_sql import insert_instances
from pollwatch.registry.models import PollingStation

MAX_BATCH = 500


def receive_batch(items: list[Any], *, user) -> list[dict[str, Any]]:
    payloads = _store_payloads(items, user)
    try:
        member = sending_member(user)
    except SubmissionRejected as rejected:
        return [_rejected(index, rejected, payload) for index, payload in enumerate(payloads)]
    results: list[dict[str, Any] | None] = [None] * len(items)
    ready, repeated = _prepare(items, payloads, member, results)
    try:
        with transaction.atomic():
            _create_all(ready, member, user, results)
    except IntegrityError:
        repeated = [index for index, _, _ in ready] + repeated
    for index in sorted(repeated):
        results[index] = _one_by_one(index, items[index], payloads[index], user)
    return [result for result in results if result is not None]


def _one_by_one(index: int, item: Any, payload: RawPayload, user) -> dict[str, Any]:
    try:
        receipt = receive_submission(item, payload, user=user)
    except SubmissionRejected as rejected:
        return _rejected(index, rejected, payload)
    return {
        "index": index,
        "result": "duplicate" if receipt.duplicate else "created",
        "receipt": receipt.as_dict(),
    }


def _store_payloads(items: list[Any], user) -> list[RawPayload]:
    payloads = [
        RawPayload(
            body=json.dumps(item, ensure_ascii=False),
            channel=Channel.API,
            user=user,
            sender=user.username,
            content_type="application/json",
            claimed_key=_claimed_key(item),
        )
        for item in items
    ]
    insert_instances(payloads)
    return payloads


def _claimed_key(item: Any) -> str:
    return storable_text(str(item.get("key", "")))[:100] if isinstance(item, dict) else ""


def _prepare(items, payloads, member, results):
    stations = _stations_by_code(items, member)
    known = set(
        Submission.objects.filter(key__in=[_key_of(i) for i in items if _key_of(i)]).values_list(
            "key", flat=True
        )
    )
    forms = _FormsOfBatch(member.mission.election)
    ready, seen, repeated = [], set(), []
    for index, item in enumerate(items):
        try:
            candidate = parse_candidate(item)
            if candidate.key in known or candidate.key in seen:
                # Resends are answered one by one after the batch, by the rule every channel uses.
                repeated.append(index)
                continue
            seen.add(candidate.key)
            ready.append((index, candidate, _validate(candidate, stations, forms)))
        except SubmissionRejected as rejected:
            results[index] = _rejected(index, rejected, payloads[index])
    prepared = [
        (index, candidate, checked + (payloads[index],)) for index, candidate, checked in ready
    ]
    return prepared, repeated


class _FormsOfBatch:
    """Each form version a batch names, looked up once for the whole batch."""

    def __init__(self, election):
        self.election = election
        self.found: dict[tuple[str, int], tuple] = {}

    def get(self, code: str, version: int):
        if (code, version) not in self.found:
            self.found[code, version] = definition_for(code, version, self.election)
        return self.found[code, version]


def _key_of(item: Any) -> str | None:
    try:
        return str(uuid.UUID(str(item.get("key")))) if isinstance(item, dict) else None
    except ValueError:
        return None


def _stations_by_code(items, member) -> dict[str, PollingStation]:
    codes = {str(item.get("station", "")).strip() for item in items if isinstance(item, dict)}
    codes = {code for code in codes if "\x00" not in code}
    return {
        s.code: s
        for s in PollingStation.objects.filter(
            election_id=member.mission.election_id, code__in=codes
        )
    }


def _validate(candidate: Candidate, stations, forms: _FormsOfBatch):
    station = stations.get(candidate.station)
    if station is None:
        raise SubmissionRejected([unknown_station(candidate.station)])
    version, bound = forms.get(candidate.form, candidate.version)
    facts = station_facts(station)
    result = bound.validate(candidate.answers, facts)
    if result.errors:
        raise SubmissionRejected(answer_problems(bound.definition, result.errors, facts))
    return station, version, result


def _create_all(ready, member, user, results) -> None:
    now = timezone.now()
    election = member.mission.election
    # Lock the stations, in a fixed order, so concurrent reports see each other's conflicts.
    station_ids = sorted({prepared[0].pk for _, _, prepared in ready})
    list(PollingStation.objects.select_for_update().filter(pk__in=station_ids).order_by("pk"))
    submissions = [
        Submission(
            key=candidate.key,
            channel=Channel.API,
            form_version=version,
            phase=version.form.phase,
            station=station,
            mission=member.mission,
            team=member.team,
            observer=member,
            submitted_by=user,
            device_time=candidate.device_time,
            received_at=now,
            answers=result.answers,
            alerts=[{"question": a.question, "answer": a.answer} for a in result.alerts],
            flags=phase_hour_flags(version.form.phase, election, now, candidate.device_time),
        )
        for _, candidate, (station, version, result, _payload) in ready
    ]
    flag_conflicts_of_new(submissions)
    insert_instances(submissions)
    insert_instances(
        [
            SubmissionRevision(
                submission=submission,
                number=1,
                answers=submission.answers,
                author=user,
                payload=prepared[3],
            )
            for submission, (_, _, prepared) in zip(submissions, ready, strict=True)
        ]
    )
    for version in {prepared[1] for _, _, prepared in ready}:
        lock_once(version)
    for submission, (index, _, _) in zip(submissions, ready, strict=True):
        results[index] = {
            "index": index,
            "result": "created",
            "receipt": receipt_of(submission, duplicate=False).as_dict(),
        }
    _mark_accepted(
        {
            prepared[3].pk: submission.pk
            for submission, (_, _, prepared) in zip(submissions, ready, strict=True)
        }
    )
    if submissions:
        log_action(
            "intake.batch_received",
            actor=user,
            target=member.mission,
            data={
                "keys": [str(s.key) for s in submissions],
                # Each report's answers as stored, in the order of the keys.
                "answers_sha256": [json_digest(s.answers) for s in submissions],
            },
        )


def _mark_accepted(submission_of_payload: dict[int, int]) -> None:
    """Point each payload at the submission made from it, in one statement."""
    if not submission_of_payload:
        return
    pairs = ", ".join(["(%s, %s)"] * len(submission_of_payload))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH made (payload_id, submission_id) AS (VALUES {pairs})"
            " UPDATE intake_rawpayload SET status = %s, submission_id = made.submission_id"
            " FROM made WHERE intake_rawpayload.id = made.payload_id",
            [*chain.from_iterable(submission_of_payload.items()), RawPayload.Status.ACCEPTED.value],
        )


def _rejected(index, rejected: SubmissionRejected, payload) -> dict[str, Any]:
    conflict = isinstance(rejected, ResendConflict)
    RawPayload.objects.filter(pk=payload.pk).update(
        status=RawPayload.Status.CONFLICT if conflict else RawPayload.Status.INVALID,
        problems=[p.as_dict() for p in rejected.problems],
    )
    return {
        "index": index,
        "result": "conflict" if conflict else "rejected",
        "payload": payload.pk,
        "errors": [p.as_dict() for p in rejected.problems],
    }
