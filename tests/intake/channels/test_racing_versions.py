"""PostgreSQL only: two versions of one report arriving at the same moment.

ODK Collect may send an instance twice at once (a retry while the first POST is
still open), and a phone may send a changed copy under the same instanceID
while another copy is in flight. Of two racing copies exactly one is stored;
an identical copy is answered as the first was, a changed one is refused with
a conflict, and the digest kept for the instance always belongs to the stored
answers, so that a later honest resend is recognised.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid

import pytest
from django.db import connection

from pollwatch.intake.channels.openrosa.services import (
    InstanceConflict,
    receive_instance,
    scope_of,
)
from pollwatch.intake.models import OpenRosaInstance, RawPayload, Submission
from pollwatch.intake.rejections import ResendConflict
from pollwatch.intake.services import new_payload, receive_submission
from tests.builders import answers

from .test_openrosa import (  # noqa: F401  (fixtures)
    ANSWERS,
    instance_from_xform,
    media_in_tmp,
    version,
    xform_xml,
)

RACES = 200


def race(*tasks):
    """Run the tasks at the same moment, each on its own connection; their outcomes."""
    barrier = threading.Barrier(len(tasks))
    outcomes: list = [None] * len(tasks)

    def run(position, task):
        try:
            barrier.wait()
            outcomes[position] = task()
        except Exception as error:  # the outcome under test
            outcomes[position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def acknowledged(outcome) -> bool:
    return not isinstance(outcome, Exception)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_two_racing_odk_copies_one_is_stored_and_a_changed_one_gets_a_conflict(
    observer_north,
    xform_xml,  # noqa: F811  (the fixture)
):
    member = observer_north.member
    scope = scope_of(member)
    for number in range(RACES):
        changed = number % 2 == 0
        instance_id = f"uuid:{uuid.uuid4()}"
        first = instance_from_xform(xform_xml, ANSWERS, instance_id)
        second = (
            instance_from_xform(xform_xml, ANSWERS | {"voters": "15"}, instance_id)
            if changed
            else first
        )

        outcomes = race(
            lambda xml=first: receive_instance(xml, [], member=member),
            lambda xml=second: receive_instance(xml, [], member=member),
        )

        unexpected = [o for o in outcomes if isinstance(o, Exception)]
        unexpected = [o for o in unexpected if not isinstance(o, InstanceConflict)]
        assert unexpected == [], unexpected
        if changed:
            assert sum(map(acknowledged, outcomes)) == 1, f"race {number}: {outcomes}"
        else:
            assert all(map(acknowledged, outcomes)), f"race {number}: {outcomes}"
            assert sorted(o.duplicate for o in outcomes) == [False, True]
        stored = OpenRosaInstance.objects.get(scope=scope, instance_id=instance_id)
        kept = first if stored.sha256 == hashlib.sha256(first).hexdigest() else second
        assert stored.sha256 == hashlib.sha256(kept).hexdigest()
        expected_voters = 14 if kept is first else 15
        assert stored.submission.answers["voters"] == expected_voters, f"race {number}"
        # A later honest resend of what was kept is answered as a duplicate.
        assert receive_instance(kept, [], member=member).duplicate
    assert Submission.objects.count() == RACES


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_two_racing_api_copies_one_is_stored_and_a_changed_one_gets_a_conflict(
    observer_north, checklist
):
    for number in range(RACES):
        key = str(uuid.uuid4())
        first = {
            "key": key,
            "form": "station_check",
            "version": checklist.version,
            "station": "001",
            "answers": answers(),
        }
        second = first | {"answers": answers(voters=15)} if number % 2 == 0 else first

        def send(data):
            payload = new_payload(json.dumps(data), channel="api", user=observer_north)
            return receive_submission(data, payload, user=observer_north)

        outcomes = race(lambda data=first: send(data), lambda data=second: send(data))

        unexpected = [o for o in outcomes if isinstance(o, Exception)]
        assert all(isinstance(o, ResendConflict) for o in unexpected), unexpected
        assert sum(map(acknowledged, outcomes)) == (1 if second is not first else 2)
        stored = Submission.objects.get(key=key)
        assert stored.answers in (first["answers"], second["answers"])
    assert RawPayload.objects.count() == 2 * RACES
    assert Submission.objects.count() == RACES
