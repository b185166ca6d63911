"""The one submission service every channel calls: web form, API, SMS and OpenRosa.

``store_raw_payload`` keeps what arrived, committed on its own, before any
parsing; ``receive_submission`` then parses, validates and stores it exactly
once per idempotency key.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pollwatch.audit.chain import json_digest
from pollwatch.audit.models import AuditEvent
from pollwatch.audit.services import audit_values, log_action
from pollwatch.forms.definition import FormDefinition
from pollwatch.forms.definition_rules import STATION_FIGURES
from pollwatch.forms.validation import AnswerError, StationFacts
from pollwatch.intake.checks import conflicting_submissions, phase_hour_flags
from pollwatch.intake.definitions import definition_for, lock_once, station_facts
from pollwatch.intake.models import RawPayload, Review, Submission, SubmissionRevision
from pollwatch.intake.rejections import Problem, ResendConflict, SubmissionRejected
from pollwatch.intake.stations import figures_of, forget_station, station_named
from pollwatch.lib.bad_input import storable_text
from pollwatch.lib.plain_sql import db_value, fetch_rows, insert_one, instance
from pollwatch.missions.models import Member
from pollwatch.registry.models import PollingStation


def answer_problems(
    definition: FormDefinition, errors: Iterable[AnswerError], station: StationFacts | None
) -> list[Problem]:
    """The problems of refused answers, with the bounds each question set."""
    return [
        Problem(
            f"answers.{error.question}",
            error.message,
            error.reason,
            _bound_values(definition, error.question, station),
        )
        for error in errors
    ]


def _bound_values(
    definition: FormDefinition, code: str, station: StationFacts | None
) -> dict[str, Any]:
    try:
        question = definition.question(code)
    except KeyError:
        return {}
    constraint = question.constraint
    values: dict[str, Any] = {
        name: getattr(constraint, name, None)
        for name in ("min", "max", "max_length", "min_choices", "max_choices")
    }
    values["count"] = len(definition.choice_codes(question))
    figure = getattr(constraint, "max_station", None)
    if figure is not None and station is not None:
        values.update(figure=figure, limit=station.figures[figure], station=station.code)
    return values


def unknown_station(code: str) -> Problem:
    return Problem(
        "station",
        f"no polling station with code {code!r} in this election",
        "unknown_station",
        {"station": code},
    )


KEY_IN_USE = (
    "this key was already used for a report with other content; a changed report needs a "
    "new key, and the payload is kept for a coordinator to review"
)


@dataclass(frozen=True, slots=True)
class Receipt:
    key: str
    submission_id: int
    received_at: datetime.datetime
    duplicate: bool
    status: str
    flags: list[str] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "id": self.submission_id,
            "duplicate": self.duplicate,
            "received_at": self.received_at.isoformat(),
            "status": self.status,
            "flags": self.flags,
            "alerts": self.alerts,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    key: uuid.UUID
    form: str
    version: int
    station: str
    answers: dict[str, Any]
    device_time: datetime.datetime | None


def store_raw_payload(
    body: str,
    *,
    channel: str,
    user=None,
    sender: str = "",
    content_type: str = "application/json",
    claimed_key: str = "",
) -> RawPayload:
    """Keep the payload as it arrived, committed at once, whatever happens next.

    Outside a transaction the single INSERT commits on its own. PostgreSQL text
    cannot hold the NUL character, so it is kept as U+FFFD, as an undecodable
    byte is; such a body is never valid JSON anyway.
    """
    payload = RawPayload(
        body=storable_text(body),
        channel=channel,
        user=user if getattr(user, "pk", None) else None,
        sender=storable_text(sender or getattr(user, "username", "")),
        content_type=storable_text(content_type)[:100],
        claimed_key=storable_text(claimed_key)[:100],
    )
    insert_one(payload)
    return payload


def store_refused_payload(body: str, problems: list[Problem], **stored: Any) -> RawPayload:
    """Keep a payload that cannot even be read, marked invalid so that review shows it."""
    payload = store_raw_payload(body, **stored)
    _mark_payload(payload, RawPayload.Status.INVALID, problems=problems)
    payload.status = RawPayload.Status.INVALID
    return payload


def receive_submission(
    data: Any, payload: RawPayload, *, user=None, member: Member | None = None
) -> Receipt:
    """Parse, validate and store one submission; a known key returns the first receipt.

    The sender is ``member`` when given (a channel that identified the observer
    itself, such as SMS by phone number), else the member whose login is ``user``.
    """
    try:
        candidate = parse_candidate(data)
        # Storing marks the payload accepted or duplicate in the same transaction.
        return _store(candidate, payload, user, member)
    except ResendConflict:
        raise
    except SubmissionRejected as rejected:
        _mark_payload(payload, RawPayload.Status.INVALID, problems=rejected.problems)
        rejected.payload = payload
        raise


def parse_candidate(data: Any) -> Candidate:
    if not isinstance(data, dict):
        raise SubmissionRejected([Problem("", "the submission must be a JSON object")])
    # JSON escapes NUL as \u0000, so one C-speed encode rules it out for almost every payload.
    with_nul = paths_with_nul(data) if "\\u0000" in json.dumps(data, default=str) else []
    if with_nul:
        raise SubmissionRejected(
            [Problem(path, "must not contain the NUL character (\\u0000)") for path in with_nul]
        )
    problems = [
        Problem(name, "is required")
        for name in ("key", "form", "version", "station", "answers")
        if name not in data
    ]
    key = _parse_key(data.get("key"), problems)
    version = data.get("version")
    if "version" in data and (
        not isinstance(version, int) or isinstance(version, bool) or version < 1
    ):
        problems.append(Problem("version", "must be a positive whole number"))
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        problems.append(Problem("answers", "must be an object of question code to answer"))
    device_time = _parse_device_time(data.get("device_time"), problems)
    for name in ("form", "station"):
        if name in data and (not isinstance(data[name], str) or not data[name].strip()):
            problems.append(Problem(name, "must be a non-empty text"))
    if problems:
        raise SubmissionRejected(problems)
    return Candidate(
        key=key,
        form=data["form"].strip(),
        version=version,
        station=data["station"].strip(),
        answers=answers,
        device_time=device_time,
    )


def paths_with_nul(value: Any, path: str = "") -> list[str]:
    """Field paths of the texts holding NUL, which no database text column can store."""
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for name, item in value.items():
            inner = storable_text(f"{path}.{name}" if path else str(name))
            found += [inner] if "\x00" in str(name) else paths_with_nul(item, inner)
        return found
    if isinstance(value, list):
        return [
            p for index, item in enumerate(value) for p in paths_with_nul(item, f"{path}.{index}")
        ]
    return []


def _parse_key(value: Any, problems: list[Problem]) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        problems.append(Problem("key", f"{str(value)[:60]!r} is not a UUID"))
        return None


def _parse_device_time(value: Any, problems: list[Problem]) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, such as minute 61
        parsed = None
    if parsed is None or timezone.is_naive(parsed):
        problems.append(Problem("device_time", "must be an ISO 8601 time with its UTC offset"))
        return None
    try:
        # Near year 1 or 9999 an offset can carry the time outside what a datetime holds.
        parsed.astimezone(datetime.UTC)
    except OverflowError:
        problems.append(Problem("device_time", "must be between the years 1 and 9999 in UTC"))
        return None
    return parsed


def _store(candidate: Candidate, payload: RawPayload, user, member: Member | None) -> Receipt:
    if member is None:
        member = sending_member(user)
    election_id = member.mission.election_id
    read_again = False
    for _ in range(STATION_READS):
        try:
            submission, version = _validated(candidate, payload, user, member)
        except SubmissionRejected:
            # Refused against a remembered station: it may have changed, so read it again.
            if not read_again and forget_station(election_id, candidate.station):
                read_again = True
                continue
            if _receipt_for_key(candidate.key) is not None:
                _refuse_changed_resend(payload)
            raise
        receipt = _store_validated(submission, payload, version)
        if receipt is not None and receipt.duplicate:
            _check_resend(submission, receipt, payload)
        if receipt is not None:
            return receipt
        forget_station(election_id, candidate.station)
        read_again = True
    raise RuntimeError(f"station {candidate.station!r} changed at every one of its reads")


def _check_resend(sent: Submission, receipt: Receipt, payload: RawPayload) -> None:
    """A resend gets the first receipt only if it is the same sender's same report.

    The report is compared with its first revision, as it arrived, so that a
    phone resending after a coordinator's correction is still a plain resend.
    """
    first = (
        SubmissionRevision.objects.filter(submission=receipt.submission_id, number=1)
        .values(
            "submission__observer_id",
            "submission__form_version_id",
            "submission__station_id",
            "answers",
        )
        .first()
    )
    same = first is not None and (
        first["submission__observer_id"] == sent.observer_id
        and first["submission__form_version_id"] == sent.form_version_id
        and first["submission__station_id"] == sent.station_id
        and first["answers"] == sent.answers
    )
    if not same:
        _refuse_changed_resend(payload)


def _refuse_changed_resend(payload: RawPayload):
    problems = [Problem("key", KEY_IN_USE)]
    _mark_payload(payload, RawPayload.Status.CONFLICT, problems=problems)
    raise ResendConflict(problems, payload)


# How often a report is validated again when its station changed meanwhile.
STATION_READS = 3


def _validated(candidate: Candidate, payload: RawPayload, user, member: Member):
    station = station_named(member.mission.election_id, candidate.station)
    if station is None:
        raise SubmissionRejected([unknown_station(candidate.station)])
    version, definition = definition_for(candidate.form, candidate.version, member.mission.election)
    facts = station_facts(station)
    result = definition.validate(candidate.answers, facts)
    if result.errors:
        raise SubmissionRejected(answer_problems(definition.definition, result.errors, facts))
    return _new_submission(candidate, payload, user, member, station, version, result), version


def _store_validated(submission: Submission, payload: RawPayload, version) -> Receipt | None:
    """Store the submission, or None when its station's figures changed since validation."""
    if connection.vendor == "postgresql":
        return _store_in_one_call(submission, payload)
    try:
        with transaction.atomic():
            return _store_statement_by_statement(submission, payload, version)
    except _StationChanged:
        return None
    except IntegrityError:
        # Another request stored the same key first; answer with its receipt.
        return _answer_as_duplicate(submission.key, payload)


class _StationChanged(Exception):
    """The station's figures are no longer those the answers were validated against."""


def sending_member(user) -> Member:
    """The user's mission membership, with what storing a submission reads from it.

    Device-token authentication loads it with the user; a session login does not.
    """
    if not getattr(user, "pk", None):
        member = None
    elif get_user_model().member.is_cached(user):
        member = getattr(user, "member", None)
    else:
        member = (
            Member.objects.filter(user=user).select_related("mission__election", "team").first()
        )
    if member is None:
        raise SubmissionRejected([Problem("", "this account is not a member of a mission")])
    return member


def _answer_as_duplicate(key: uuid.UUID, payload: RawPayload) -> Receipt:
    receipt = _receipt_for_key(key)
    if receipt is None:
        raise RuntimeError(f"submission {key} was reported stored but is not there")
    _mark_payload(payload, RawPayload.Status.DUPLICATE, submission_id=receipt.submission_id)
    return receipt


def _new_submission(candidate, payload, user, member, station, version, result) -> Submission:
    now = timezone.now()
    return Submission(
        key=candidate.key,
        channel=payload.channel,
        form_version=version,
        phase=version.form.phase,
        station=station,
        mission_id=member.mission_id,
        team_id=member.team_id,
        observer=member,
        submitted_by=user if getattr(user, "pk", None) else None,
        device_time=candidate.device_time,
        received_at=now,
        answers=result.answers,
        alerts=[{"question": a.question, "answer": a.answer} for a in result.alerts],
        flags=phase_hour_flags(
            version.form.phase, member.mission.election, now, candidate.device_time
        ),
    )


def _audit_of(submission: Submission) -> dict[str, Any]:
    return {
        "action": "intake.submission_received",
        "actor": submission.submitted_by,
        "target": submission,
        "data": {
            "key": str(submission.key),
            "channel": submission.channel,
            "alerts": len(submission.alerts),
            # The chain then vouches for the answers as they were stored.
            "answers_sha256": json_digest(submission.answers),
        },
    }


def _store_statement_by_statement(submission: Submission, payload: RawPayload, version) -> Receipt:
    """The ORM's way, for SQLite; PostgreSQL does the same in ``intake_store_submission``."""
    current = PollingStation.objects.filter(pk=submission.station_id).values(*STATION_FIGURES)
    if list(current) != [figures_of(submission.station)]:
        raise _StationChanged
    submission.save(force_insert=True)
    SubmissionRevision.objects.create(
        submission=submission,
        number=1,
        answers=submission.answers,
        author=submission.submitted_by,
        payload=payload,
    )
    _flag_conflicts(submission)
    lock_once(version)
    log_action(**_audit_of(submission))
    _mark_payload(payload, RawPayload.Status.ACCEPTED, submission_id=submission.pk)
    return receipt_of(submission, duplicate=False)


def _store_in_one_call(submission: Submission, payload: RawPayload) -> Receipt | None:
    """Store with the database function of migration intake 0003: one round trip."""
    audit = audit_values(**_audit_of(submission))
    values = [
        submission.key,
        submission.channel,
        submission.form_version_id,
        submission.phase,
        submission.station_id,
        db_value(Submission, "answers", figures_of(submission.station)),
        submission.mission_id,
        submission.team_id,
        submission.observer_id,
        submission.submitted_by_id,
        submission.device_time,
        submission.received_at,
        db_value(Submission, "answers", submission.answers),
        db_value(Submission, "alerts", submission.alerts),
        db_value(Submission, "flags", submission.flags),
        payload.pk,
        audit["action"],
        audit["target_type"],
        audit["target_label"],
        db_value(AuditEvent, "data", audit["data"]),
    ]
    rows = fetch_rows(
        f"SELECT * FROM intake_store_submission({', '.join(['%s'] * len(values))})",
        values,
        [
            *((Submission, name) for name in ("id", "received_at", "status", "flags", "alerts")),
            None,
        ],
    )
    stored_id, received_at, status, flags, alerts, outcome = rows[0]
    if outcome == "station_changed":
        return None
    return Receipt(
        key=str(submission.key),
        submission_id=stored_id,
        received_at=received_at,
        duplicate=outcome == "duplicate",
        status=status,
        flags=list(flags),
        alerts=list(alerts),
    )


def _flag_conflicts(submission: Submission) -> None:
    others = conflicting_submissions(submission)
    if not others:
        return
    for other in [submission, *others]:
        if "conflict" not in other.flags:
            other.flags = [*other.flags, "conflict"]
            other.save(update_fields=["flags"])


RECEIPT_FIELDS = ("id", "key", "received_at", "status", "flags", "alerts")


def _receipt_for_key(key: uuid.UUID) -> Receipt | None:
    rows = fetch_rows(
        f"SELECT {', '.join(RECEIPT_FIELDS)} FROM intake_submission WHERE key = %s",
        [db_value(Submission, "key", key)],
        [(Submission, name) for name in RECEIPT_FIELDS],
    )
    return (
        receipt_of(instance(Submission, RECEIPT_FIELDS, rows[0]), duplicate=True) if rows else None
    )


def receipt_of(submission: Submission, *, duplicate: bool) -> Receipt:
    """What a client is told about a stored submission, first time or resent."""
    return Receipt(
        key=str(submission.key),
        submission_id=submission.pk,
        received_at=submission.received_at,
        duplicate=duplicate,
        status=submission.status,
        flags=list(submission.flags),
        alerts=list(submission.alerts),
    )


def _mark_payload(payload: RawPayload, status: str, *, problems=None, submission_id=None) -> None:
    changes: dict[str, Any] = {"status": status, "submission_id": submission_id}
    if problems is not None:
        changes["problems"] = db_value(RawPayload, "problems", [p.as_dict() for p in problems])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE intake_rawpayload SET {', '.join(f'{name} = %s' for name in changes)}"
            " WHERE id = %s",
            [*changes.values(), payload.pk],
        )


@transaction.atomic
def revise_submission(
    submission: Submission, answers: dict[str, Any], *, actor, reason: str
) -> SubmissionRevision:
    """Record corrected answers as a new revision; earlier revisions stay as they were."""
    _, definition = definition_for(
        submission.form_version.form.code,
        submission.form_version.version,
        submission.station.election,
    )
    facts = station_facts(submission.station)
    result = definition.validate(answers, facts)
    if result.errors:
        raise SubmissionRejected(answer_problems(definition.definition, result.errors, facts))
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    number = locked.revision + 1
    revision = SubmissionRevision.objects.create(
        submission=locked, number=number, answers=result.answers, author=actor, reason=reason
    )
    locked.answers = result.answers
    locked.alerts = [{"question": a.question, "answer": a.answer} for a in result.alerts]
    locked.revision = number
    locked.save(update_fields=["answers", "alerts", "revision"])
    log_action(
        "intake.submission_revised",
        actor=actor,
        target=locked,
        data={"revision": number, "reason": reason},
    )
    return revision


@transaction.atomic
def review_submission(
    submission: Submission, decision: str, *, reviewer, reason: str = ""
) -> Review:
    if decision not in Review.Decision.values:
        raise ValueError(
            f"unknown decision {decision!r}; use one of {', '.join(Review.Decision.values)}"
        )
    if decision == Review.Decision.REJECT and not reason.strip():
        raise SubmissionRejected([Problem("reason", "give a reason for rejecting a report")])
    review = Review.objects.create(
        submission=submission, decision=decision, reason=reason, reviewer=reviewer
    )
    status = {
        Review.Decision.ACCEPT: Submission.Status.ACCEPTED,
        Review.Decision.FLAG: Submission.Status.FLAGGED,
        Review.Decision.REJECT: Submission.Status.REJECTED,
    }[decision]
    Submission.objects.filter(pk=submission.pk).update(status=status)
    log_action(
        f"intake.submission_{status}", actor=reviewer, target=submission, data={"reason": reason}
    )
    return review


def correct_payload(payload: RawPayload, data: dict[str, Any], *, actor, reason: str) -> Receipt:
    """Resubmit a refused payload as corrected by a coordinator, for its original sender.

    The corrected text is stored as a new payload; the original stays as it was,
    marked corrected, so the record shows what arrived and what was changed. The
    report is the original sender's; the coordinator is recorded as who entered it.
    """
    corrected = store_raw_payload(
        json.dumps(data, ensure_ascii=False),
        channel=payload.channel,
        user=actor,
        sender=payload.sender,
        claimed_key=str(data.get("key", "")),
    )
    receipt = receive_submission(data, corrected, user=actor, member=sending_member(payload.user))
    _mark_payload(payload, RawPayload.Status.CORRECTED, submission_id=receipt.submission_id)
    log_action(
        "intake.payload_corrected",
        actor=actor,
        target=payload,
        data={
            "reason": reason,
            "corrected_payload": corrected.pk,
            "submission": receipt.submission_id,
        },
    )
    return receipt


def apply_payload_as_revision(
    payload: RawPayload, submission: Submission, *, actor, reason: str
) -> SubmissionRevision:
    """Apply the answers of a changed resend to the stored report, as the reviewer's revision."""
    try:
        data = json.loads(payload.body)
    except json.JSONDecodeError:
        data = None
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, dict):
        raise SubmissionRejected([Problem("answers", "this payload holds no answers to apply")])
    revision = revise_submission(submission, answers, actor=actor, reason=reason)
    _mark_payload(payload, RawPayload.Status.CORRECTED, submission_id=submission.pk)
    return revision
