"""PostgreSQL only: a gateway delivering the same message several times at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import SmsMessage, Submission

from .conftest import OBSERVER_PHONE


def run_at_once(count, task):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(task())
        except Exception as error:  # collected and asserted by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_gateway_message_delivered_concurrently_stores_one_message_and_report(
    sms_observer, sms_code
):
    inbound = InboundSms("generic", OBSERVER_PHONE, "SC 001 AA1 AB2 AD2", message_id="same-id")
    outcomes, errors = run_at_once(6, lambda: receive_sms(inbound))
    assert errors == []
    assert SmsMessage.objects.count() == 1
    assert Submission.objects.count() == 1
    assert all(outcome.reply for outcome in outcomes)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_resend_after_concurrent_copies_is_answered_as_a_duplicate(sms_observer, sms_code):
    counter = iter(range(100))

    def send():
        number = next(counter)
        return receive_sms(
            InboundSms("generic", OBSERVER_PHONE, "SC 001 AA1 AB2 AD2", message_id=f"id-{number}")
        )

    _, errors = run_at_once(4, send)
    assert errors == []
    assert SmsMessage.objects.count() == 4
    # Resends in flight at the same moment may not see each other; one arriving
    # later, within the duplicate window, is recognised.
    later = receive_sms(
        InboundSms("generic", OBSERVER_PHONE, "SC 001 AA1 AB2 AD2", message_id="id-late")
    )
    assert later.message.status == SmsMessage.Status.DUPLICATE
