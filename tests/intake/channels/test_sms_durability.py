"""PostgreSQL only: an SMS is answered only once its message is on disk, whatever the answer.

The message's insert commits without waiting for the disk; a later commit that
waits flushes the write-ahead log up to and including it before the reply
leaves. Each test notes where the log ended once the message was stored, and
checks that the log was flushed at least that far when the reply came back.
The tests' cluster does not wait for the disk by default, so the session asks
for it, as a durable server does. Replays and the test console commit as usual.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pollwatch.intake.channels.sms import services as sms_services
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import SmsMessage
from pollwatch.missions.models import Member

from .conftest import OBSERVER_PHONE

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

Status = SmsMessage.Status
NO_ACCOUNT_PHONE = "+995555123499"


def wal_position(function: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}()")
        return str(cursor.fetchone()[0])


def flushed_at_least(position: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_flush_lsn() >= %s::pg_lsn", [position])
        return bool(cursor.fetchone()[0])


@pytest.fixture
def message_end(monkeypatch) -> list[str]:
    """Where the write-ahead log ended once each message was stored."""
    ends: list[str] = []
    store = sms_services._store_message

    def stored_and_noted(*args, **kwargs):
        message = store(*args, **kwargs)
        ends.append(wal_position("pg_current_wal_insert_lsn"))
        return message

    monkeypatch.setattr(sms_services, "_store_message", stored_and_noted)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
    yield ends
    with connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")


def answered_on_disk(message_end: list[str], text: str, sender: str = OBSERVER_PHONE) -> str:
    message_end.clear()
    outcome = receive_sms(
        InboundSms("generic", sender=sender, text=text, message_id=f"id-{len(text)}-{sender}")
    )
    assert len(message_end) == 1
    assert flushed_at_least(message_end[0]), outcome.message.status
    return outcome.message.status


def test_an_accepted_report(sms_observer, sms_code, message_end):
    assert answered_on_disk(message_end, "SC 001 AA1 AB2 AD2") == Status.ACCEPTED


def test_a_resent_report(sms_observer, sms_code, message_end):
    answered_on_disk(message_end, "SC 001 AA1 AB2 AD2")
    assert answered_on_disk(message_end, "sc 001  aa1 ab2 ad2") == Status.DUPLICATE


def test_an_unknown_sender(sms_code, message_end):
    assert answered_on_disk(message_end, "SC 001 AA1", sender="+995555000000") == (
        Status.UNKNOWN_SENDER
    )


def test_a_member_without_an_account(mission, sms_code, message_end):
    Member.objects.create(
        mission=mission, full_name="No Login", role="observer", phone=NO_ACCOUNT_PHONE
    )
    assert answered_on_disk(message_end, "SC 001 AA1", sender=NO_ACCOUNT_PHONE) == (
        Status.UNKNOWN_SENDER
    )


def test_a_throttled_sender(sms_observer, sms_code, message_end, settings):
    settings.POLLWATCH_SMS_FAILURE_LIMIT = 1
    answered_on_disk(message_end, "SC 001 ZZ1")
    assert answered_on_disk(message_end, "SC 001 AA1 AB2 AD2") == Status.THROTTLED


def test_a_message_off_the_syntax(sms_observer, sms_code, message_end):
    assert answered_on_disk(message_end, "SC 001 AA1 AB7") == Status.INVALID


def test_a_report_refused_by_validation(sms_observer, sms_code, message_end):
    assert answered_on_disk(message_end, "SC 999 AA1 AB2 AD2") == Status.INVALID


def commits_not_waiting(send) -> list[str]:
    """The first word of each statement sent to commit without waiting for the disk."""
    with CaptureQueriesContext(connection) as captured:
        send()
    asynchronous = sms_services.WITHOUT_WAITING_FOR_THE_DISK
    return [
        query["sql"].removeprefix(asynchronous).split()[0]
        for query in captured.captured_queries
        if query["sql"].startswith(asynchronous)
    ]


def test_only_a_gateways_message_and_its_own_report_commit_without_waiting(
    sms_observer, sms_code, coordinator_north
):
    def gateway(message_id: str, text: str = "SC 001 AA1 AB2 AD2"):
        return lambda: receive_sms(InboundSms("generic", OBSERVER_PHONE, text, message_id))

    assert commits_not_waiting(gateway("first")) == ["INSERT", "UPDATE"]
    # A resend answered through the first message's key: a late retry of it would
    # no longer find that message, so its update waits.
    assert commits_not_waiting(gateway("resent", "sc 001 aa1 ab2 ad2")) == ["INSERT"]
    assert commits_not_waiting(gateway("refused", "SC 001 AA1 AB7")) == ["INSERT"]
    original = SmsMessage.objects.get(gateway_message_id="refused")
    replay = InboundSms("console", sender=OBSERVER_PHONE, text="SC 001 AA2 AB2 AD2")
    assert (
        commits_not_waiting(
            lambda: receive_sms(replay, replay_of=original, actor=coordinator_north)
        )
        == []
    )
    console = InboundSms("console", sender="console:coord-north", text="SC 001 AA1 AB1 AD1")
    assert (
        commits_not_waiting(
            lambda: receive_sms(
                console, actor=coordinator_north, console_member=coordinator_north.member
            )
        )
        == []
    )
