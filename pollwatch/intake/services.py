"""The one submission service every channel calls: web form, API, SMS and OpenRosa.

``receive_submissions`` (``receive_submission`` for one) parses and validates
what arrived and stores it exactly once per idempotency key, with its raw
payload, in one transaction; a refused payload is stored on its own with its
problems, and one whose transaction failed is stored on its own as it arrived.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pollwatch.audit.chain import json_digest
from pollwatch.audit.services import audit_values, log_action
from pollwatch.forms.definition import FormDefinition
from pollwatch.forms.definition_rules import STATION_FIGURES
from pollwatch.forms.models import FormVersion
from pollwatch.forms.validation import AnswerError, StationFacts, ValidationResult
from pollwatch.intake.checks import conflicting_submissions, phase_hour_flags
from pollwatch.intake.definitions import BoundForm, definition_for, lock_once, station_facts
from pollwatch.intake.gathering import StoreGathering
from pollwatch.intake.models import (
    OpenRosaInstance,
    RawPayload,
    Review,
    Submission,
    SubmissionRevision,
)
from pollwatch.intake.rejections import Problem, ResendConflict, SubmissionRejected
from pollwatch.intake.stations import (
    figures_of,
    forget_station,
    remember_stations,
    station_named,
)
from pollwatch.lib.bad_input import storable_text
from pollwatch.lib.plain_sql import db_value, fetch_rows, insert_one, instance
from pollwatch.missions.devices import SenderChanged, holds_token
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
        _("no polling station with code %(code)s in this election") % {"code": repr(code)},
        "unknown_station",
        {"station": code},
    )


KEY_IN_USE = gettext_lazy(
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
    # The SHA-256 of the OpenRosa instance stored with the submission, if any.
    instance_sha256: str = ""

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


def new_payload(
    body: str,
    *,
    channel: str,
    user: User | None = None,
    sender: str = "",
    content_type: str = "application/json",
    claimed_key: str = "",
) -> RawPayload:
    """The payload as it arrived, not stored yet: the intake stores it with its submission.

    PostgreSQL text cannot hold the NUL character, so it is kept as U+FFFD, as an
    undecodable byte is; such a body is never valid JSON anyway.
    """
    return RawPayload(
        received_at=timezone.now(),
        body=storable_text(body),
        channel=channel,
        user=user if user is not None and user.pk else None,
        sender=storable_text(sender or getattr(user, "username", "")),
        content_type=storable_text(content_type)[:100],
        claimed_key=storable_text(claimed_key)[:100],
    )


def claimed_key_of(data: Any) -> str:
    """The key a JSON submission says it has, as its payload records it (unchecked)."""
    return str(data.get("key", "")) if isinstance(data, dict) else ""


def store_raw_payload(
    body: str,
    *,
    channel: str,
    user: User | None = None,
    sender: str = "",
    content_type: str = "application/json",
    claimed_key: str = "",
) -> RawPayload:
    """Keep the payload as it arrived, committed at once, whatever happens next.

    For a channel that must hold the payload before it can even parse it (an SMS
    gateway, whose message is recorded first). Outside a transaction the single
    INSERT commits on its own.
    """
    payload = new_payload(
        body,
        channel=channel,
        user=user,
        sender=sender,
        content_type=content_type,
        claimed_key=claimed_key,
    )
    insert_one(payload)
    return payload


def store_refused_payload(body: str, problems: list[Problem], **stored: Any) -> RawPayload:
    """Keep a payload that cannot even be read, marked invalid so that review shows it."""
    payload = new_payload(body, **stored)
    record_payload(payload, RawPayload.Status.INVALID, problems=problems)
    return payload


Outcome = Receipt | SubmissionRejected


def receive_submission(
    data: Any,
    payload: RawPayload,
    *,
    user: User | None = None,
    member: Member | None = None,
    instance: InstanceRecord | None = None,
    device: str | None = None,
) -> Receipt:
    """Parse, validate and store one submission; a known key returns the first receipt.

    The sender is ``member`` when given (a channel that identified the observer
    itself, such as SMS by phone number), else the member whose login is ``user``.
    ``device``: see :func:`receive_submissions`.
    """
    outcome = receive_submissions(
        [Sent(data, payload, instance)], user=user, member=member, device=device
    )[0]
    if isinstance(outcome, SubmissionRejected):
        raise outcome
    return outcome


@dataclass(frozen=True, slots=True)
class InstanceRecord:
    """An OpenRosa instance, stored with its submission in the same transaction, so that
    the digest kept for an instance id always belongs to the answers kept."""

    scope: str
    instance_id: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Sent:
    """One submission as a channel hands it to the intake.

    The payload may be stored already (a channel that must hold it before it can
    parse it) or not yet: then it is stored in the same transaction as what is
    made of it, in one round trip, or on its own, marked, when refused; if that
    transaction fails, it is stored on its own before the error goes on, so that
    nothing that arrived is lost.
    """

    data: Any
    payload: RawPayload
    instance: InstanceRecord | None = None


def receive_submissions(
    sent: Sequence[Sent],
    *,
    user: User | None = None,
    member: Member | None = None,
    device: str | None = None,
) -> list[Outcome]:
    """Receive submissions as if sent one after the other, storing them in one round trip.

    Each gets its receipt, or the refusal that was recorded on its payload. The one
    path of every channel: a single send is a list of one.

    ``device`` is the digest of the device token by which the sender was remembered
    rather than looked up (``pollwatch.missions.devices``). The store call then
    stores only if the token is still held by the same member, mission and team, and
    a refusal (or a resend answered before the store call) is recorded only after a
    fresh check; else ``SenderChanged`` is raised.
    """
    try:
        if member is None:
            member = sending_member(user)
    except SubmissionRejected as rejected:
        return [_refused(item.payload, rejected) for item in sent]
    outcomes: dict[int, Outcome] = {}
    call = _Call(sent, user, member, device)
    candidates = call.parsed(outcomes)
    for _read in range(STATION_READS):
        remember_stations(call.election_id, {c.station for c in candidates.values()})
        ready = call.validated(candidates, outcomes)
        candidates = call.stored(ready, candidates, outcomes)
        if not candidates:
            return [outcomes[index] for index in range(len(sent))]
    raise RuntimeError("a station changed at every one of its reads")


class _Call:
    """One call of the intake: its sender, and each form version it names, looked up once."""

    def __init__(self, sent: Sequence[Sent], user: User | None, member: Member, device: str | None):
        self.sent = sent
        self.user = user
        self.member = member
        self.device = device
        self.election_id = member.mission.election_id
        self.forms: dict[tuple[str, int], tuple[FormVersion, BoundForm]] = {}

    def parsed(self, outcomes: dict[int, Outcome]) -> dict[int, Candidate]:
        candidates = {}
        for index, item in enumerate(self.sent):
            try:
                candidates[index] = parse_candidate(item.data)
            except SubmissionRejected as rejected:
                self.check_sender()
                outcomes[index] = _refused(item.payload, rejected)
        return candidates

    def check_sender(self) -> None:
        """A remembered sender, checked afresh (once a call) before anything that the
        store call does not check is recorded or answered: a refusal, an earlier receipt."""
        if self.device is not None:
            if not holds_token(self.device, self.member):
                raise SenderChanged
            self.device = None  # checked: the store call need not check it again

    def form(self, code: str, version: int) -> tuple[FormVersion, BoundForm]:
        if (code, version) not in self.forms:
            self.forms[code, version] = definition_for(code, version, self.member.mission.election)
        return self.forms[code, version]

    def validated(
        self, candidates: dict[int, Candidate], outcomes: dict[int, Outcome]
    ) -> dict[int, Submission]:
        """The submissions of the candidates whose answers are valid; the others refused.

        A refused report whose key is stored already, or belongs to a valid report
        sent before it in this call, is a changed resend.
        """
        ready: dict[int, Submission] = {}
        for index, candidate in candidates.items():
            try:
                ready[index] = self._validated_now(candidate, self.sent[index].payload)
            except SubmissionRejected as rejected:
                outcomes[index] = self._refused_after_validation(
                    index, candidate, rejected, earlier=[s.key for s in ready.values()]
                )
        return ready

    def _refused_after_validation(
        self,
        index: int,
        candidate: Candidate,
        rejected: SubmissionRejected,
        *,
        earlier: list[uuid.UUID],
    ) -> Outcome:
        """A refusal; but the same report sent again is a resend, answered with its first
        receipt, even if it would not pass validation today (the registry changed)."""
        self.check_sender()
        sent = self.sent[index]
        stored = _receipt_for_key(candidate.key)
        sent_as = _Report(
            self.member.pk, candidate.form, candidate.version, candidate.station, candidate.answers
        )
        if stored is not None and _is_resend(sent, stored, sent_as):
            record_payload(
                sent.payload, RawPayload.Status.DUPLICATE, submission_id=stored.submission_id
            )
            return stored
        taken = candidate.key in earlier or stored is not None
        return _refused(sent.payload, rejected, key_taken=taken)

    def stored(
        self,
        ready: dict[int, Submission],
        candidates: dict[int, Candidate],
        outcomes: dict[int, Outcome],
    ) -> dict[int, Candidate]:
        """Store the valid submissions; the candidates whose station changed meanwhile."""
        receipts = _store_validated([(s, self.sent[i], self.device) for i, s in ready.items()])
        changed = {}
        for (index, submission), receipt in zip(ready.items(), receipts, strict=True):
            if isinstance(receipt, _Unstored):
                raise SenderChanged
            if receipt is None:
                # Read the station again and validate against it in the next round.
                forget_station(self.election_id, candidates[index].station)
                changed[index] = candidates[index]
            elif receipt.duplicate:
                outcomes[index] = _resend_outcome(submission, receipt, self.sent[index])
            else:
                outcomes[index] = receipt
        return changed

    def _validated_now(self, candidate: Candidate, payload: RawPayload) -> Submission:
        """Validated; answers refused against a remembered station are checked again
        against the station as it is now."""
        try:
            return self._validated(candidate, payload)
        except SubmissionRejected:
            if not forget_station(self.election_id, candidate.station):
                raise
            return self._validated(candidate, payload)

    def _validated(self, candidate: Candidate, payload: RawPayload) -> Submission:
        station = station_named(self.election_id, candidate.station)
        if station is None:
            raise SubmissionRejected([unknown_station(candidate.station)])
        version, definition = self.form(candidate.form, candidate.version)
        facts = station_facts(station)
        result = definition.validate(candidate.answers, facts)
        if result.errors:
            raise SubmissionRejected(answer_problems(definition.definition, result.errors, facts))
        return _new_submission(candidate, payload, self.user, self.member, station, version, result)


# How often a report is validated again when its station changed meanwhile.
STATION_READS = 3


def _refused(
    payload: RawPayload, rejected: SubmissionRejected, *, key_taken: bool = False
) -> SubmissionRejected:
    """Record the refusal on the payload; a refused report whose key is taken is a conflict."""
    if key_taken:
        rejected = ResendConflict([Problem("key", str(KEY_IN_USE))])
    status = (
        RawPayload.Status.CONFLICT
        if isinstance(rejected, ResendConflict)
        else RawPayload.Status.INVALID
    )
    record_payload(payload, status, problems=rejected.problems)
    rejected.payload = payload
    return rejected


def refuse(payload: RawPayload, problems: list[Problem]) -> SubmissionRejected:
    """Record the refusal on the payload, storing it if it is not yet; the error to raise."""
    return _refused(payload, SubmissionRejected(problems))


def _resend_outcome(submission: Submission, receipt: Receipt, sent: Sent) -> Outcome:
    """A resend gets the first receipt only if it is the same sender's same report."""
    version = submission.form_version
    sent_as = _Report(
        submission.observer_id,
        version.form.code,
        version.version,
        submission.station.code,
        submission.answers,
    )
    if _is_resend(sent, receipt, sent_as):
        return receipt
    return _refused(sent.payload, ResendConflict([Problem("key", str(KEY_IN_USE))]))


@dataclass(frozen=True, slots=True)
class _Report:
    """A report as its sender sent it: who, which form, which station, what answers."""

    observer_id: int | None
    form: str
    version: int
    station: str
    answers: dict[str, Any]


def _is_resend(sent: Sent, stored: Receipt, report: _Report) -> bool:
    """Whether ``sent`` is the stored report sent again.

    An OpenRosa instance is the same if its XML is (its digest was stored with the
    first). Otherwise the report is compared with the stored one's first revision,
    as it arrived, so that a phone resending after a coordinator's correction is
    still a plain resend.
    """
    if sent.instance is not None:
        kept = stored.instance_sha256 or _stored_digest(sent.instance)
        return kept == sent.instance.sha256
    first = (
        SubmissionRevision.objects.filter(submission=stored.submission_id, number=1)
        .values_list(
            "submission__observer_id",
            "submission__form_version__form__code",
            "submission__form_version__version",
            "submission__station__code",
            "answers",
        )
        .first()
    )
    return first == (
        report.observer_id,
        report.form,
        report.version,
        report.station,
        report.answers,
    )


def parse_candidate(data: Any) -> Candidate:
    if not isinstance(data, dict):
        raise SubmissionRejected([Problem("", _("the submission must be a JSON object"))])
    # JSON escapes NUL as \u0000, so one C-speed encode rules it out for almost every payload.
    with_nul = paths_with_nul(data) if "\\u0000" in json.dumps(data, default=str) else []
    if with_nul:
        raise SubmissionRejected(
            [Problem(path, _("must not contain the NUL character (\\u0000)")) for path in with_nul]
        )
    problems = [
        Problem(name, _("is required"))
        for name in ("key", "form", "version", "station", "answers")
        if name not in data
    ]
    key = _parse_key(data["key"], problems) if "key" in data else None
    version = _parse_version(data["version"], problems) if "version" in data else None
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        problems.append(Problem("answers", _("must be an object of question code to answer")))
    device_time = _parse_device_time(data.get("device_time"), problems)
    for name in ("form", "station"):
        if name in data and (not isinstance(data[name], str) or not data[name].strip()):
            problems.append(Problem(name, _("must be a non-empty text")))
    if problems or key is None or version is None:
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
        problems.append(Problem("key", _("must be a UUID")))
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        problems.append(
            Problem("key", _("%(value)s is not a UUID") % {"value": repr(str(value)[:60])})
        )
        return None


def _parse_version(value: Any, problems: list[Problem]) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.append(Problem("version", _("must be a positive whole number")))
        return None
    return value


def _parse_device_time(value: Any, problems: list[Problem]) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, such as minute 61
        parsed = None
    if parsed is None or timezone.is_naive(parsed):
        problems.append(Problem("device_time", _("must be an ISO 8601 time with its UTC offset")))
        return None
    try:
        # Near year 1 or 9999 an offset can carry the time outside what a datetime holds.
        parsed.astimezone(datetime.UTC)
    except OverflowError:
        problems.append(Problem("device_time", _("must be between the years 1 and 9999 in UTC")))
        return None
    return parsed


class _Unstored(Enum):
    SENDER_CHANGED = "sender_changed"


SENDER_CHANGED = _Unstored.SENDER_CHANGED
# A validated submission, as sent, with the device token its remembered sender must hold.
_ToStore = tuple[Submission, Sent, str | None]
# A receipt; None where the station changed; SENDER_CHANGED where the sender did.
_StoreAnswer = Receipt | _Unstored | None


def _store_validated(sent: list[_ToStore]) -> list[_StoreAnswer]:
    """Store validated submissions in the order sent; None where the station changed,
    ``SENDER_CHANGED`` where the remembered sender no longer holds its device token.

    The one database path: PostgreSQL stores them all with ``intake_store_submissions``;
    SQLite runs the same steps through the ORM. A payload not stored yet is stored
    in the same transaction; if the transaction fails, on its own before the error
    goes on.
    """
    if not sent:
        return []
    try:
        if connection.vendor == "postgresql":
            return _store_gathered(sent)
        return [_store_through_the_orm(*item) for item in sent]
    except DatabaseError:
        _keep_unstored_payloads([item.payload for _, item, _ in sent])
        raise


def _store_gathered(sent: list[_ToStore]) -> list[_StoreAnswer]:
    """Stored in one call with what concurrent requests of this process are storing.

    Only outside a transaction: a caller's own transaction must hold its store.
    """
    if connection.in_atomic_block or not settings.POLLWATCH_INTAKE_GATHER:
        return _store_in_one_call(sent)
    return _GATHERING.store(sent)


_GATHERING: StoreGathering[_ToStore, _StoreAnswer] = StoreGathering(
    lambda sent: _store_in_one_call(sent),
    most_items=settings.POLLWATCH_INTAKE_GATHER_MOST,
)


def _keep_unstored_payloads(payloads: list[RawPayload]) -> None:
    """Store, as they arrived, the payloads a failed transaction took with it.

    The recovery worker reads them again later; the sender, told of the failure,
    sends again, and the key keeps the two from becoming two reports.
    """
    for payload in payloads:
        if payload.pk is None:
            payload.status = RawPayload.Status.STORED
            insert_one(payload)


class _StationChanged(Exception):
    """The station's figures are no longer those the answers were validated against."""


def _store_through_the_orm(submission: Submission, sent: Sent, device: str | None) -> _StoreAnswer:
    payload = sent.payload
    stored_before = payload.pk is not None
    try:
        with transaction.atomic():
            if device is not None and not _sent_by_holder(device, submission):
                return SENDER_CHANGED
            return _store_statement_by_statement(submission, sent)
    except BaseException as failed:
        if not stored_before:
            payload.pk = None  # its insert was undone with the rest
        if isinstance(failed, _StationChanged):
            return None
        if not isinstance(failed, IntegrityError):
            raise
    # Another request stored the same key first; answer with its receipt.
    return _answer_as_duplicate(submission.key, payload)


def _sent_by_holder(device: str, submission: Submission) -> bool:
    observer = submission.observer
    return observer is not None and holds_token(device, observer)


def _stored_digest(instance: InstanceRecord) -> str | None:
    """The digest kept for this instance id, if one is kept."""
    return (
        OpenRosaInstance.objects.filter(scope=instance.scope, instance_id=instance.instance_id)
        .values_list("sha256", flat=True)
        .first()
    )


def sending_member(user: User | None) -> Member:
    """The user's mission membership, with what storing a submission reads from it.

    Device-token authentication loads it with the user; a session login does not.
    """
    if user is None or not user.pk:
        member = None
    elif get_user_model().member.is_cached(user):
        member = getattr(user, "member", None)
    else:
        member = (
            Member.objects.filter(user=user).select_related("mission__election", "team").first()
        )
    if member is None:
        raise SubmissionRejected([Problem("", _("this account is not a member of a mission"))])
    return member


def _answer_as_duplicate(key: uuid.UUID, payload: RawPayload) -> Receipt:
    receipt = _receipt_for_key(key)
    if receipt is None:
        raise RuntimeError(f"submission {key} was reported stored but is not there")
    record_payload(payload, RawPayload.Status.DUPLICATE, submission_id=receipt.submission_id)
    return receipt


def _new_submission(
    candidate: Candidate,
    payload: RawPayload,
    user: User | None,
    member: Member,
    station: PollingStation,
    version: FormVersion,
    result: ValidationResult,
) -> Submission:
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
            version.form.phase,
            member.mission.election,
            now,
            candidate.device_time,
            form_code=version.form.code,
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


def _store_statement_by_statement(submission: Submission, sent: Sent) -> Receipt:
    """The ORM's way, for SQLite; PostgreSQL does the same in ``intake_store_submissions``."""
    current = PollingStation.objects.filter(pk=submission.station_id).values(*STATION_FIGURES)
    if list(current) != [figures_of(submission.station)]:
        raise _StationChanged
    payload = sent.payload
    if payload.pk is None:
        insert_one(payload)
    submission.save(force_insert=True)
    SubmissionRevision.objects.create(
        submission=submission,
        number=1,
        answers=submission.answers,
        author=submission.submitted_by,
        payload=payload,
    )
    if sent.instance is not None:
        OpenRosaInstance.objects.create(
            scope=sent.instance.scope,
            instance_id=sent.instance.instance_id,
            sha256=sent.instance.sha256,
            submission=submission,
        )
    _flag_conflicts(submission)
    lock_once(submission.form_version)
    log_action(**_audit_of(submission))
    record_payload(payload, RawPayload.Status.ACCEPTED, submission_id=submission.pk)
    return receipt_of(submission, duplicate=False)


def _store_in_one_call(sent: list[_ToStore]) -> list[_StoreAnswer]:
    """Store with the database function of migration intake 0008: one round trip."""
    rows = fetch_rows(
        "SELECT * FROM intake_store_submissions(%s)",
        [
            json.dumps(
                [_function_item(place, *item) for place, item in enumerate(sent)],
                default=_json_scalar,
            )
        ],
        [
            None,
            *((Submission, name) for name in ("id", "received_at", "status", "flags", "alerts")),
            None,
            None,
            None,
        ],
    )
    receipts: list[_StoreAnswer] = []
    for (submission, item, _device), row in zip(sent, rows, strict=True):
        _, stored_id, received_at, status, flags, alerts, outcome, payload_id, digest = row
        if outcome in ("station_changed", "sender_changed"):
            receipts.append(None if outcome == "station_changed" else SENDER_CHANGED)
            continue
        item.payload.pk = payload_id
        receipts.append(
            Receipt(
                key=str(submission.key),
                submission_id=stored_id,
                received_at=received_at,
                duplicate=outcome == "duplicate",
                status=status,
                flags=list(flags),
                alerts=list(alerts),
                instance_sha256=digest or "",
            )
        )
    return receipts


def _function_item(
    place: int, submission: Submission, sent: Sent, device: str | None
) -> dict[str, Any]:
    """One submission as ``intake_store_submissions`` reads it, with its payload and instance."""
    audit = audit_values(**_audit_of(submission))
    payload = sent.payload
    return {
        "place": place,
        "key": submission.key,
        "channel": submission.channel,
        "form_version": submission.form_version_id,
        "phase": submission.phase,
        "station": submission.station_id,
        "checked_figures": figures_of(submission.station),
        "mission": submission.mission_id,
        "team": submission.team_id,
        "observer": submission.observer_id,
        "author": submission.submitted_by_id,
        "device_time": submission.device_time,
        "received_at": submission.received_at,
        "answers": submission.answers,
        "alerts": submission.alerts,
        "flags": submission.flags,
        "payload": payload.pk,
        "device": device,
        **({} if payload.pk is not None else _payload_fields(payload)),
        **({} if sent.instance is None else _instance_fields(sent.instance)),
        "audit_action": audit["action"],
        "audit_target_type": audit["target_type"],
        "audit_label": audit["target_label"],
        "audit_data": audit["data"],
    }


def _payload_fields(payload: RawPayload) -> dict[str, Any]:
    return {
        "payload_received_at": payload.received_at,
        "payload_channel": payload.channel,
        "payload_claimed_key": payload.claimed_key,
        "payload_sender": payload.sender,
        "payload_user": payload.user_id,
        "payload_content_type": payload.content_type,
        "payload_body": payload.body,
    }


def _instance_fields(instance: InstanceRecord) -> dict[str, Any]:
    return {
        "instance_scope": instance.scope,
        "instance_id": instance.instance_id,
        "instance_sha256": instance.sha256,
    }


def _json_scalar(value: Any) -> str:
    """Keys and times as PostgreSQL reads them back, to the microsecond."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not stored as JSON")


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


def record_payload(
    payload: RawPayload,
    status: str,
    *,
    problems: list[Problem] | None = None,
    submission_id: int | None = None,
) -> None:
    """Give the payload its status: stored with it if not stored yet, else updated."""
    if payload.pk is None:
        payload.status = status
        payload.submission_id = submission_id
        if problems is not None:
            payload.problems = [p.as_dict() for p in problems]
        insert_one(payload)
        return
    _mark_payload(payload, status, problems=problems, submission_id=submission_id)


def _mark_payload(
    payload: RawPayload,
    status: str,
    *,
    problems: list[Problem] | None = None,
    submission_id: int | None = None,
) -> None:
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
    submission: Submission, answers: dict[str, Any], *, actor: User | None, reason: str
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
    submission: Submission, decision: str, *, reviewer: User, reason: str = ""
) -> Review:
    if decision not in Review.Decision.values:
        raise ValueError(
            f"unknown decision {decision!r}; use one of {', '.join(Review.Decision.values)}"
        )
    if decision == Review.Decision.REJECT and not reason.strip():
        raise SubmissionRejected([Problem("reason", _("give a reason for rejecting a report"))])
    review = Review.objects.create(
        submission=submission, decision=decision, reason=reason, reviewer=reviewer
    )
    status = {
        Review.Decision.ACCEPT: Submission.Status.ACCEPTED,
        Review.Decision.FLAG: Submission.Status.FLAGGED,
        Review.Decision.REJECT: Submission.Status.REJECTED,
    }[Review.Decision(decision)]
    Submission.objects.filter(pk=submission.pk).update(status=status)
    log_action(
        f"intake.submission_{status}", actor=reviewer, target=submission, data={"reason": reason}
    )
    return review


def correct_payload(
    payload: RawPayload, data: dict[str, Any], *, actor: User, reason: str
) -> Receipt:
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
    payload: RawPayload, submission: Submission, *, actor: User, reason: str
) -> SubmissionRevision:
    """Apply the answers of a changed resend to the stored report, as the reviewer's revision."""
    try:
        data = json.loads(payload.body)
    except json.JSONDecodeError:
        data = None
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, dict):
        raise SubmissionRejected([Problem("answers", _("this payload holds no answers to apply"))])
    revision = revise_submission(submission, answers, actor=actor, reason=reason)
    _mark_payload(payload, RawPayload.Status.CORRECTED, submission_id=submission.pk)
    return revision
