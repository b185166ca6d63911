"""Inbound coded SMS: store, identify the observer, parse, submit, reply.

Every gateway hands its message to ``receive_sms``, which keeps the message
before anything else, then goes through the one submission service like
every other channel. Whatever happens, the observer gets a reply.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from pollwatch.audit.services import log_action
from pollwatch.intake.channels.sms import replies
from pollwatch.intake.channels.sms.forms import sms_forms, syntax_for
from pollwatch.intake.channels.sms.syntax import (
    ParsedSms,
    SmsSyntax,
    SmsSyntaxError,
    parse_message,
    split_form_code,
)
from pollwatch.intake.models import Channel, SmsMessage
from pollwatch.intake.rejections import Problem, SubmissionRejected
from pollwatch.intake.services import new_payload, receive_submission, refuse
from pollwatch.lib.bad_input import storable_text
from pollwatch.lib.plain_sql import db_value, given_id, insert_statement
from pollwatch.missions.importing import normalise_phone
from pollwatch.missions.lookup import members_with_missions_and
from pollwatch.missions.models import Member

# Keys of SMS reports are uuid5 names in this namespace, so a retried message
# maps to the same submission key and the key's unique constraint dedupes it.
SMS_KEY_NAMESPACE = uuid.UUID("5d0c8f1e-61a4-4a4f-9a43-3f0c2a7b9e11")
Status = SmsMessage.Status


def failure_limit() -> int:
    return int(getattr(settings, "POLLWATCH_SMS_FAILURE_LIMIT", 5))


def failure_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "POLLWATCH_SMS_FAILURE_MINUTES", 15)))


def duplicate_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "POLLWATCH_SMS_DUPLICATE_MINUTES", 60)))


@dataclass(frozen=True, slots=True)
class InboundSms:
    """One message as a gateway delivered it; ``message_id`` is the gateway's own id."""

    gateway: str
    sender: str
    text: str
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class SmsOutcome:
    message: SmsMessage
    reply: str
    redelivered: bool = False


def receive_sms(
    inbound: InboundSms,
    *,
    replay_of: SmsMessage | None = None,
    actor: User | None = None,
    console_member: Member | None = None,
) -> SmsOutcome:
    """Store, parse and submit one SMS; a message id seen before gets its first reply.

    ``actor`` is the coordinator who replays a message (recorded as who entered
    the report). ``console_member`` is the coordinator testing the SMS syntax
    from the console: the message is theirs, whatever sender it names, and the
    report is marked as entered by the console, never attributed to an observer.
    """
    asynchronous = _may_commit_asynchronously(replay_of, console_member)
    message = _store_message(inbound, replay_of=replay_of, actor=actor, asynchronous=asynchronous)
    # A message found already answered is the gateway retrying a delivery; one still
    # marked stored was interrupted before its reply, so it is answered now.
    if message.status != Status.STORED:
        return SmsOutcome(message, message.reply, redelivered=True)
    status, reply, submission_id = _answer(
        message, replayed=replay_of is not None, actor=actor, console_member=console_member
    )
    message.status, message.reply, message.submission_id = status, reply, submission_id
    _record_answer(message, asynchronous=asynchronous and _answered_alike_if_lost(message))
    if replay_of is not None:
        log_action(
            "intake.sms_replayed",
            actor=actor,
            target=message,
            data={"replay_of": replay_of.pk, "status": status},
        )
    return SmsOutcome(message, reply)


# Sent with a statement that commits on its own, in the same round trip (Django
# binds values on the client, so the two go as one string, in one transaction):
# that commit then does not wait for the write-ahead log to reach the disk. SET
# LOCAL ends with the statement's own transaction.
WITHOUT_WAITING_FOR_THE_DISK = "SET LOCAL synchronous_commit TO OFF; "


def _may_commit_asynchronously(replay_of: SmsMessage | None, console_member: Member | None) -> bool:
    """Whether a gateway's message may be inserted without waiting for the disk.

    On PostgreSQL a message is answered only after a later commit that waits for
    the disk (the store call's, or the reply's update), which flushes the log up
    to and including the message's insert: an answered message is never lost,
    and one lost unanswered is delivered again by its gateway. Replays and the
    console commit as usual, as does a caller's own transaction, which the
    setting would cover whole.
    """
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and replay_of is None
        and console_member is None
    )


def _answered_alike_if_lost(message: SmsMessage) -> bool:
    """Whether the reply's update may be lost in a crash without harm.

    Only when the store call committed the report (or found it stored) after the
    message, waiting for the disk, under the key the gateway's message id names:
    the message then stays stored, and the gateway's retry of it, however late,
    finds the same key and is answered with the report as a duplicate. Every
    other answer (unknown sender, throttled, refused) is the last commit
    before the reply, so it waits for the disk and takes the message with it.
    """
    return (
        message.status in (Status.ACCEPTED, Status.DUPLICATE)
        and bool(message.gateway_message_id)
        and message.payload is not None
        and message.payload.claimed_key == str(_key_of(message))
    )


def _record_answer(message: SmsMessage, *, asynchronous: bool) -> None:
    # Plain SQL: this runs for every message on election day.
    _execute(
        f"UPDATE {SmsMessage._meta.db_table} SET status = %s, reply = %s,"
        " submission_id = %s, member_id = %s, payload_id = %s WHERE id = %s",
        [
            message.status,
            message.reply,
            message.submission_id,
            message.member_id,
            message.payload_id,
            message.pk,
        ],
        asynchronous=asynchronous,
    )


def _execute(sql: str, params: list[Any], *, asynchronous: bool) -> list[Any]:
    """The rows of one statement; ``asynchronous``: its commit does not wait for the disk.

    Only for a statement that commits on its own, outside any transaction.
    """
    with connection.cursor() as cursor:
        if asynchronous:
            cursor.execute(WITHOUT_WAITING_FOR_THE_DISK + sql, params)
            cursor.nextset()
        else:
            cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def normalised_sender(sender: str) -> str:
    try:
        return normalise_phone(sender.strip())
    except ValueError:
        return sender.strip()[:40]


def _store_message(
    inbound: InboundSms, *, replay_of: SmsMessage | None, actor: User | None, asynchronous: bool
) -> SmsMessage:
    message = SmsMessage(
        gateway=storable_text(inbound.gateway)[:20],
        gateway_message_id=storable_text(inbound.message_id)[:100],
        sender=normalised_sender(storable_text(inbound.sender)),
        text=storable_text(inbound.text),
        text_digest=text_digest(storable_text(inbound.text)),
        replay_of=replay_of,
        replayed_by=actor if getattr(actor, "pk", None) else None,
    )
    # Nothing inserted when the gateway's message id is stored already: a redelivery.
    sql, values = insert_statement(message, unless_taken=True)
    inserted = _execute(sql, values, asynchronous=asynchronous)
    if inserted:
        given_id(message, inserted[0][0])
        return message
    return SmsMessage.objects.get(
        gateway=message.gateway, gateway_message_id=message.gateway_message_id
    )


def _answer(
    message: SmsMessage,
    *,
    replayed: bool,
    actor: User | None = None,
    console_member: Member | None = None,
) -> tuple[str, str, int | None]:
    found = _sender_and_recent(message, console_member)
    default_language = replies.reply_language(settings.LANGUAGE_CODE)
    if found is None:
        return Status.UNKNOWN_SENDER, replies.render(default_language, "unknown_sender"), None
    member, recent = found
    language = replies.reply_language(member.languages, default_language)
    message.member = member
    if not replayed and recent.failures >= failure_limit():
        minutes = int(failure_window().total_seconds() // 60)
        return Status.THROTTLED, replies.render(language, "throttled", minutes=minutes), None
    if member.user_id is None:
        return Status.UNKNOWN_SENDER, replies.render(language, "no_account"), None
    channel = Channel.CONSOLE if console_member is not None else Channel.SMS
    return _submit(message, member, language, recent, actor or member.user, channel)


@dataclass(frozen=True, slots=True)
class _Recent:
    """What the sender's earlier messages decide: the throttle, and a resend's key."""

    failures: int
    resent_key: uuid.UUID | None


# The sender's recent failures and an earlier identical report, both read through
# indexes on the sender however many messages the sender has sent: at most the
# failures that trip the throttle, and the newest earlier message with the same
# text (case and spacing aside) that became a report within the duplicate window.
_FAILURES = (
    f"(SELECT COUNT(*) FROM (SELECT 1 FROM {SmsMessage._meta.db_table} AS message"
    " WHERE message.sender = %s AND message.status = %s AND message.received_at >= %s"
    " AND message.id <> %s ORDER BY message.received_at DESC LIMIT %s) AS failures)"
)
# The key as text on both databases (SQLite keeps a UUID as its hex digits).
_RESENT_KEY = (
    f"(SELECT CAST(submission.key AS TEXT) FROM {SmsMessage._meta.db_table} AS message"
    " JOIN intake_submission AS submission ON submission.id = message.submission_id"
    " WHERE message.sender = %s AND message.text_digest = %s AND message.received_at >= %s"
    " AND message.id <> %s ORDER BY message.received_at DESC LIMIT 1)"
)


def _sender_and_recent(
    message: SmsMessage, console_member: Member | None
) -> tuple[Member, _Recent] | None:
    """Who sent the message, and what the sender's recent messages decide, in one query.

    A console message is the coordinator's own; any other is from the member of
    the newest mission with the sender's number, if there is one.
    """
    found_by: Any
    if console_member is not None:
        conditions, found_by = "WHERE m.id = %s", console_member.pk
    else:
        conditions = "WHERE m.phone = %s ORDER BY mi.arrival DESC, m.id LIMIT 1"
        found_by = message.sender
    now = timezone.now()
    found = members_with_missions_and(
        [(_FAILURES, None), (_RESENT_KEY, None)],
        conditions,
        [
            message.sender,
            Status.INVALID,
            db_value(SmsMessage, "received_at", now - failure_window()),
            message.pk,
            failure_limit(),
            message.sender,
            message.text_digest,
            db_value(SmsMessage, "received_at", now - duplicate_window()),
            message.pk,
            found_by,
        ],
    )
    if not found:
        return None
    member, (failures, resent_key) = found[0]
    return member, _Recent(failures, uuid.UUID(str(resent_key)) if resent_key else None)


def text_digest(text: str) -> str:
    """The SHA-256 of the text with case and spacing evened out, as resends are compared."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()


def _submit(
    message: SmsMessage,
    member: Member,
    language: str,
    recent: _Recent,
    user: User | None,
    channel: Channel,
) -> tuple[str, str, int | None]:
    # Stored with the submission, or with its refusal: in the same round trip as either.
    payload = new_payload(
        message.text,
        channel=channel,
        user=user,
        sender=message.sender,
        content_type="text/plain",
        claimed_key=str(recent.resent_key or _key_of(message)),
    )
    message.payload = payload
    forms = sms_forms()
    try:
        form_code, start = split_form_code(message.text, forms)
        form = forms[form_code]
        syntax = syntax_for(form, member.mission.election)
        parsed = parse_message(message.text, syntax, start)
    except SmsSyntaxError as error:
        problem = _syntax_problem(error, language, sorted(forms))
        refuse(payload, [Problem(error.code or "text", str(error))])
        return Status.INVALID, replies.render(language, "rejected", problems=problem), None
    data = {
        "key": payload.claimed_key,
        "form": form.code,
        "version": form.version,
        "station": parsed.station,
        "answers": parsed.answers,
    }
    try:
        receipt = receive_submission(data, payload, user=user, member=member)
    except SubmissionRejected as rejected:
        problems = _rejection_problems(rejected, syntax, parsed, language)
        return Status.INVALID, replies.render(language, "rejected", problems=problems), None
    form_title = syntax.definition.title.get(language) or next(
        iter(syntax.definition.title.values())
    )
    values = {"form": form_title, "station": parsed.station, "ref": receipt.submission_id}
    if receipt.duplicate:
        return (
            Status.DUPLICATE,
            replies.render(language, "duplicate", **values),
            receipt.submission_id,
        )
    return Status.ACCEPTED, replies.render(language, "accepted", **values), receipt.submission_id


def _key_of(message: SmsMessage) -> uuid.UUID:
    """The key of a report no earlier message made: derived from this message."""
    name = (
        f"{message.gateway}:{message.gateway_message_id}"
        if message.gateway_message_id
        else f"sms:{message.pk}"
    )
    return uuid.uuid5(SMS_KEY_NAMESPACE, name)


def _syntax_problem(error: SmsSyntaxError, language: str, codes: list[str]) -> str:
    values = {
        "token": error.details.get("token", ""),
        "codes": ", ".join(codes),
        "example": f"{codes[0] if codes else 'VT'} 1234 AA1",
        "message": str(error),
        **error.details,
    }
    text = replies.render(language, error.reason, **values)
    return f"{error.code}: {text}" if error.code else text


def _rejection_problems(
    rejected: SubmissionRejected, syntax: SmsSyntax, parsed: ParsedSms, language: str
) -> str:
    texts = []
    for problem in rejected.problems:
        if problem.kind == "unknown_station":
            texts.append(replies.render(language, "unknown_station", station=parsed.station))
        elif problem.question:
            text = _answer_problem(problem, syntax, parsed, language)
            texts.append(f"{syntax.sms_code_of(problem.question)}: {text}")
        else:
            texts.append(replies.render(language, "other", message=problem.reason))
    return "; ".join(texts)


def _answer_problem(problem: Problem, syntax: SmsSyntax, parsed: ParsedSms, language: str) -> str:
    if problem.kind.startswith("check_failed:"):
        check_code = problem.kind.split(":", 1)[1]
        for check in syntax.definition.checks:
            if check.code == check_code:
                return check.message.get(language) or problem.reason
    answer = parsed.answers.get(problem.question, "")
    values = {**problem.values, "value": answer, "answer": answer, "message": problem.reason}
    if "figure" in values:
        values["figure"] = replies.render(language, f"figure.{values['figure']}")
    key = problem.kind if problem.kind in replies.MESSAGES else "other"
    if (
        key in ("below_min", "above_max")
        and values.get("min") is None
        and values.get("max") is None
    ):
        key = "other"
    return replies.render(language, key, **values)
