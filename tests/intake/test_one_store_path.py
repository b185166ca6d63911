"""Single sends and a batch store the same scenario identically.

Both go through one validation, one store path, one conflict rule and one
audit entry per submission; this compares everything they leave behind.
"""

import json
import uuid

import pytest
from django.db import OperationalError, transaction

from pollwatch.audit.models import AuditEvent
from pollwatch.intake.batch import receive_batch
from pollwatch.intake.definitions import forget_cached_forms
from pollwatch.intake.models import Channel, RawPayload, Submission, SubmissionRevision
from pollwatch.intake.services import (
    ResendConflict,
    SubmissionRejected,
    new_payload,
    receive_submission,
    store_raw_payload,
)
from pollwatch.intake.stations import forget_stations
from pollwatch.registry.models import PollingStation
from tests.builders import answers, report


class _Undo(Exception):
    """Raised to roll one run of the scenario back after its snapshot is taken."""


def scenario(checklist, earlier_key):
    """A batch's worth of reports by one observer, with every outcome a send can have."""
    first, second, same_team = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    return [
        report(checklist, "001", first, overall="very_bad"),  # conflicts with the other team
        report(checklist, "002", second),
        report(checklist, "002", voters=900),  # above the station's registered voters
        report(checklist, "002", second),  # the same report again: a duplicate
        report(checklist, "001", first, overall="bad"),  # the key reused, changed: a conflict
        report(checklist, "999"),  # no such station
        {"key": "not-a-uuid", "form": "station_check"},
        report(checklist, "003", same_team, overall="good"),
        report(checklist, "003", overall="very_bad"),  # the same team: no conflict
        report(checklist, "003", earlier_key, overall="good"),  # another account's key
    ]


def send_one_by_one(items, user):
    outcomes = []
    for item in items:
        payload = store_raw_payload(
            json.dumps(item), channel=Channel.API, user=user, claimed_key=str(item.get("key"))
        )
        try:
            receipt = receive_submission(item, payload, user=user)
        except SubmissionRejected as rejected:
            outcomes.append("conflict" if isinstance(rejected, ResendConflict) else "rejected")
        else:
            outcomes.append("duplicate" if receipt.duplicate else "created")
    return outcomes


def send_as_batch(items, user):
    return [result["result"] for result in receive_batch(items, user=user)]


def snapshot():
    """What storing left behind, with database ids replaced by keys and codes."""
    key_of = dict(Submission.objects.values_list("pk", "key"))
    submissions = {
        str(s.key): (
            s.station.code,
            s.phase,
            s.team_id,
            s.observer_id,
            s.channel,
            s.answers,
            s.alerts,
            sorted(s.flags),
            s.status,
            s.revision,
        )
        for s in Submission.objects.select_related("station")
    }
    revisions = sorted(
        (str(r.submission.key), r.number, json.dumps(r.answers, sort_keys=True), r.author_id)
        for r in SubmissionRevision.objects.select_related("submission")
    )
    payloads = sorted(
        (
            p.claimed_key,
            p.status,
            json.dumps(p.problems, sort_keys=True),
            str(key_of.get(p.submission_id)),
        )
        for p in RawPayload.objects.all()
    )
    audit = sorted(
        (
            e.action,
            e.target_type,
            str(key_of.get(int(e.target_id))) if e.target_id.isdigit() else e.target_id,
            json.dumps(e.data, sort_keys=True),
            e.actor_id,
        )
        for e in AuditEvent.objects.filter(action__startswith="intake.")
    )
    return {
        "submissions": submissions,
        "revisions": revisions,
        "payloads": payloads,
        "audit": audit,
    }


def run(send, items, user):
    """One run of the scenario, its outcomes and snapshot, then everything undone."""
    try:
        with transaction.atomic():
            outcomes = send(items, user)
            taken = snapshot()
            raise _Undo
    except _Undo:
        pass
    # Rolled back: what the process remembers of forms and stations goes with it.
    forget_cached_forms()
    forget_stations()
    return outcomes, taken


def test_single_sends_and_a_batch_leave_the_same_submissions_flags_revisions_and_audit(
    observer_north, observer_south, checklist
):
    earlier = report(checklist, "001", overall="good")
    send_one_by_one([earlier], observer_south)
    items = scenario(checklist, earlier["key"])

    one_by_one = run(send_one_by_one, items, observer_north)
    batch = run(send_as_batch, items, observer_north)

    assert one_by_one[0] == [
        "created",
        "created",
        "rejected",
        "duplicate",
        "conflict",
        "rejected",
        "rejected",
        "created",
        "created",
        "conflict",
    ]
    assert batch[0] == one_by_one[0]
    for part in ("submissions", "revisions", "payloads", "audit"):
        assert batch[1][part] == one_by_one[1][part], part
    assert len(one_by_one[1]["audit"]) == 1 + 4  # the earlier report, then one per created


def test_a_batch_validates_again_against_a_station_changed_since_it_was_remembered(
    observer_north, checklist
):
    # Remember station 002 as it is now, then lower its registered voters.
    send_one_by_one([report(checklist, "002", voters=10)], observer_north)
    PollingStation.objects.filter(code="002").update(registered_voters=100)
    items = [
        report(checklist, "001", voters=500),
        report(checklist, "002", voters=500),  # valid for the station as remembered
        report(checklist, "002", voters=50),
        report(checklist, "003", voters=500),
    ]

    results = receive_batch(items, user=observer_north)

    assert [r["result"] for r in results] == ["created", "rejected", "created", "created"]
    assert results[1]["errors"][0]["field"] == "answers.voters"
    stored = {str(s.key): s.answers["voters"] for s in Submission.objects.all()}
    assert [stored.get(item["key"]) for item in items] == [500, None, 50, 500]


def test_a_payload_is_stored_with_its_report_in_one_transaction(observer_north, checklist):
    data = report(checklist, "001")
    payload = new_payload(json.dumps(data), channel=Channel.API, user=observer_north)
    assert payload.pk is None

    receipt = receive_submission(data, payload, user=observer_north)

    stored = RawPayload.objects.get(pk=payload.pk)
    assert (stored.status, stored.submission_id) == ("accepted", receipt.submission_id)
    assert stored.body == json.dumps(data)
    revision = SubmissionRevision.objects.get(submission=receipt.submission_id)
    assert revision.payload_id == payload.pk


def test_when_storing_fails_the_payload_is_kept_on_its_own(observer_north, checklist, monkeypatch):
    from pollwatch.intake import services

    def failing(*_args, **_kwargs):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(services, "_store_in_one_call", failing)
    monkeypatch.setattr(services, "_store_through_the_orm", failing)
    data = report(checklist, "001")
    payload = new_payload(json.dumps(data), channel=Channel.API, user=observer_north)

    with pytest.raises(OperationalError):
        receive_submission(data, payload, user=observer_north)

    kept = RawPayload.objects.get()
    assert (kept.status, kept.body, kept.claimed_key) == ("stored", json.dumps(data), "")
    assert not Submission.objects.exists()


def test_a_refused_payload_not_stored_yet_is_stored_once_with_its_problems(
    observer_north, checklist
):
    data = report(checklist, "999")
    payload = new_payload(json.dumps(data), channel=Channel.API, user=observer_north)

    with pytest.raises(SubmissionRejected):
        receive_submission(data, payload, user=observer_north)

    kept = RawPayload.objects.get()
    assert kept.status == "invalid" and kept.problems[0]["field"] == "station"


def test_a_resend_that_no_longer_passes_validation_is_still_a_resend(observer_north, checklist):
    data = report(checklist, "002", voters=700)
    first = send_one_by_one([data], observer_north)
    # A re-import lowers the station's registered voters below the stored answer.
    PollingStation.objects.filter(code="002").update(registered_voters=600)

    again = send_one_by_one([data], observer_north)

    assert (first, again) == (["created"], ["duplicate"])
    assert RawPayload.objects.filter(status="conflict").count() == 0


def test_a_changed_report_under_a_stored_key_that_fails_validation_is_a_conflict(
    observer_north, checklist
):
    data = report(checklist, "002", voters=10)
    send_one_by_one([data], observer_north)
    changed = data | {"answers": answers(voters=9000)}

    assert send_one_by_one([changed], observer_north) == ["conflict"]
