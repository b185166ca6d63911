import json
import uuid

from pollwatch.audit.models import AuditEvent
from pollwatch.intake.batch import receive_batch
from pollwatch.intake.models import Channel, RawPayload, Submission, SubmissionRevision
from pollwatch.intake.services import receive_submission, store_raw_payload
from tests.builders import answers


def submission(checklist, station="001", **overrides):
    return {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": station,
        "answers": answers(**overrides),
    }


def send_one(user, data):
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    return receive_submission(data, payload, user=user)


def test_each_payload_points_at_the_submission_made_from_it(observer_north, checklist):
    items = [submission(checklist, station=code) for code in ("001", "002", "003")]
    results = receive_batch(items, user=observer_north)
    assert [r["result"] for r in results] == ["created"] * 3
    for item, result in zip(items, results, strict=True):
        stored = Submission.objects.get(key=item["key"])
        assert result["receipt"]["id"] == stored.pk
        payload = RawPayload.objects.get(claimed_key=item["key"])
        assert (payload.status, payload.submission_id) == (RawPayload.Status.ACCEPTED, stored.pk)
        assert SubmissionRevision.objects.get(submission=stored).payload_id == payload.pk
    events = AuditEvent.objects.filter(action="intake.submission_received")
    assert sorted(e.data["key"] for e in events) == sorted(item["key"] for item in items)
    assert not AuditEvent.objects.filter(action="intake.batch_received").exists()


def test_a_batch_item_above_its_stations_registered_voters_is_refused_alone(
    observer_north, checklist
):
    items = [submission(checklist, station=code, voters=900) for code in ("001", "002")]
    results = receive_batch(items, user=observer_north)
    assert [r["result"] for r in results] == ["created", "rejected"]
    assert results[1]["errors"] == [
        {
            "field": "answers.voters",
            "reason": "900 is above the 800 registered voters at station 002",
        }
    ]


def test_batch_report_conflicting_with_another_teams_report_flags_both(
    observer_north, observer_south, checklist
):
    first = send_one(observer_north, submission(checklist, overall="good"))
    results = receive_batch([submission(checklist, overall="very_bad")], user=observer_south)
    assert "conflict" in results[0]["receipt"]["flags"]
    assert "conflict" in Submission.objects.get(pk=first.submission_id).flags


def test_batch_reports_of_one_team_do_not_conflict_with_each_other(observer_north, checklist):
    items = [submission(checklist, overall="good"), submission(checklist, overall="very_bad")]
    results = receive_batch(items, user=observer_north)
    assert all("conflict" not in r["receipt"]["flags"] for r in results)


def test_batch_report_agreeing_with_another_team_is_not_flagged(
    observer_north, observer_south, checklist
):
    send_one(observer_north, submission(checklist))
    results = receive_batch([submission(checklist)], user=observer_south)
    assert "conflict" not in results[0]["receipt"]["flags"]
    assert all("conflict" not in s.flags for s in Submission.objects.all())
