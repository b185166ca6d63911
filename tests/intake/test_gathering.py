"""Concurrent sends of one process stored in one call: each still gets its own answer."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from django.db import OperationalError, connection

from pollwatch.intake import services
from pollwatch.intake.gathering import StoreGathering
from pollwatch.intake.models import Channel, RawPayload, Submission
from pollwatch.intake.services import new_payload, receive_submission
from tests.builders import report


class HeldStore:
    """Wraps the store function: holds its first call open until released, counts calls.

    While the first call is held, the requests that arrive wait, and are then stored
    together in the next call.
    """

    def __init__(self, monkeypatch, *, fail_call: int | None = None):
        self.original = services._store_in_one_call
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls: list[list[str]] = []
        self.fail_call = fail_call
        monkeypatch.setattr(services, "_store_in_one_call", self)

    def __call__(self, sent):
        self.calls.append([str(submission.key) for submission, *_ in sent])
        if len(self.calls) == 1:
            self.started.set()
            assert self.release.wait(10)
        if len(self.calls) == self.fail_call:
            raise OperationalError("the server closed the connection")
        return self.original(sent)


def send_in_thread(data, user, outcomes):
    def send():
        try:
            payload = new_payload(json.dumps(data), channel=Channel.API, user=user)
            outcomes[data["key"], threading.get_ident()] = receive_submission(
                data, payload, user=user
            )
        except Exception as error:  # asserted by the test
            outcomes[data["key"], threading.get_ident()] = error
        finally:
            connection.close()

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def wait_for_waiting(count):
    deadline = time.monotonic() + 10
    while len(services._GATHERING._waiting) < count:
        assert time.monotonic() < deadline, "the requests never queued"
        time.sleep(0.01)


def held_then_gathered(held, first, gathered, user):
    """Send ``first`` (held in its call), then ``gathered`` while it is held; all answers."""
    outcomes: dict = {}
    threads = [send_in_thread(first, user, outcomes)]
    assert held.started.wait(10)
    threads += [send_in_thread(data, user, outcomes) for data in gathered]
    wait_for_waiting(len(gathered))
    held.release.set()
    for thread in threads:
        thread.join(20)
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_are_stored_in_one_call_and_each_gets_its_own_receipt(
    monkeypatch, observer_north, checklist
):
    held = HeldStore(monkeypatch)
    first = report(checklist, "001")
    others = [report(checklist, station) for station in ("001", "002", "003", "002", "003")]

    outcomes = held_then_gathered(held, first, others, observer_north)

    assert len(held.calls) == 2 and sorted(held.calls[1]) == sorted(d["key"] for d in others)
    receipts = {key: receipt for (key, _), receipt in outcomes.items()}
    assert all(not isinstance(r, Exception) for r in receipts.values()), receipts
    stored = dict(Submission.objects.values_list("key", "id"))
    assert {uuid.UUID(key): r.submission_id for key, r in receipts.items()} == stored
    assert all(r.key == key and not r.duplicate for key, r in receipts.items())
    assert RawPayload.objects.filter(status="accepted").count() == 6


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_resend_in_the_same_gathered_call_gets_the_first_receipt(
    monkeypatch, observer_north, checklist
):
    held = HeldStore(monkeypatch)
    data = report(checklist, "002")

    outcomes = held_then_gathered(
        held, report(checklist, "001"), [data, dict(data)], observer_north
    )

    assert len(held.calls) == 2 and held.calls[1] == [data["key"], data["key"]]
    twice = [receipt for (key, _), receipt in outcomes.items() if key == data["key"]]
    assert sorted(r.duplicate for r in twice) == [False, True]
    assert twice[0].submission_id == twice[1].submission_id
    assert twice[0].received_at == twice[1].received_at
    assert Submission.objects.filter(key=data["key"]).count() == 1
    assert sorted(RawPayload.objects.filter(claimed_key="").values_list("status", flat=True)) == [
        "accepted",
        "accepted",
        "duplicate",
    ]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_failed_call_fails_only_its_own_requests_and_keeps_their_payloads(
    monkeypatch, observer_north, checklist
):
    held = HeldStore(monkeypatch, fail_call=2)
    first = report(checklist, "001")
    failing = [report(checklist, "002"), report(checklist, "003")]

    outcomes = held_then_gathered(held, first, failing, observer_north)

    by_key = {key: outcome for (key, _), outcome in outcomes.items()}
    assert not isinstance(by_key[first["key"]], Exception)
    assert all(isinstance(by_key[d["key"]], OperationalError) for d in failing)
    assert list(Submission.objects.values_list("key", flat=True)) == [uuid.UUID(first["key"])]
    kept = sorted(RawPayload.objects.filter(status="stored").values_list("body", flat=True))
    assert kept == sorted(json.dumps(d) for d in failing)
    # The next call stores again.
    again = report(checklist, "002")
    payload = new_payload(json.dumps(again), channel=Channel.API, user=observer_north)
    assert not receive_submission(again, payload, user=observer_north).duplicate


def test_an_idle_gathering_stores_at_once_and_limits_a_call():
    calls = []

    def store(items):
        calls.append(list(items))
        if len(calls) == 1:
            time.sleep(0.3)
        return [item * 10 for item in items]

    gathering: StoreGathering[int, int] = StoreGathering(store, most_items=3)
    answers_of: dict[int, list[int]] = {}

    def send(items):
        answers_of[items[0]] = gathering.store(items)

    threads = [threading.Thread(target=send, args=([1],))]
    threads[0].start()
    time.sleep(0.1)
    for items in ([2, 3], [4], [5, 6], [7]):
        threads.append(threading.Thread(target=send, args=(items,)))
        threads[-1].start()
        time.sleep(0.02)
    for thread in threads:
        thread.join(5)

    assert calls == [[1], [2, 3, 4], [5, 6, 7]]
    assert answers_of == {1: [10], 2: [20, 30], 4: [40], 5: [50, 60], 7: [70]}
