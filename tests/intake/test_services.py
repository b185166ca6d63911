import datetime
import json
import uuid

import pytest
from django.utils import timezone

from pollwatch.audit.models import AuditEvent
from pollwatch.forms.models import FormVersion
from pollwatch.intake.models import Channel, RawPayload, Submission, SubmissionRevision
from pollwatch.intake.services import (
    ResendConflict,
    SubmissionRejected,
    receive_submission,
    review_submission,
    revise_submission,
    store_raw_payload,
)
from pollwatch.registry.models import PollingStation
from tests.builders import answers


def send(user, data):
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    return receive_submission(data, payload, user=user)


def submission(checklist, station="001", **overrides):
    return {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": station,
        "answers": answers(**overrides),
    }


def test_a_valid_submission_is_stored_with_its_first_revision(observer_north, checklist):
    receipt = send(observer_north, submission(checklist))
    stored = Submission.objects.get(pk=receipt.submission_id)
    assert stored.answers == answers()
    assert stored.team.code == "T1" and stored.phase == "voting"
    assert list(stored.revisions.values_list("number", flat=True)) == [1]
    assert RawPayload.objects.get(submission=stored).status == RawPayload.Status.ACCEPTED
    assert FormVersion.objects.get(pk=checklist.pk).is_locked


def test_the_same_key_twice_stores_one_submission_and_returns_the_first_receipt(
    observer_north, checklist
):
    data = submission(checklist)
    first = send(observer_north, data)
    second = send(observer_north, dict(data))
    assert second.duplicate and not first.duplicate
    assert second.submission_id == first.submission_id
    assert Submission.objects.count() == 1
    assert RawPayload.objects.filter(status=RawPayload.Status.DUPLICATE).count() == 1


def test_a_changed_resend_is_a_conflict_kept_for_review_and_changes_nothing(
    observer_north, checklist
):
    data = submission(checklist)
    send(observer_north, data)
    with pytest.raises(ResendConflict):
        send(observer_north, data | {"answers": answers(overall="bad")})
    assert Submission.objects.get().answers["overall"] == "good"
    kept = RawPayload.objects.get(status=RawPayload.Status.CONFLICT)
    assert json.loads(kept.body)["answers"]["overall"] == "bad"


def test_a_resend_after_a_correction_is_still_a_plain_resend(
    observer_north, coordinator_north, checklist
):
    data = submission(checklist)
    first = send(observer_north, data)
    stored = Submission.objects.get()
    revise_submission(stored, answers(overall="bad"), actor=coordinator_north, reason="call")
    again = send(observer_north, dict(data))
    assert again.duplicate and again.submission_id == first.submission_id


def test_another_accounts_key_never_returns_their_receipt(
    observer_north, observer_south, checklist
):
    data = submission(checklist, station="001")
    send(observer_north, data)
    with pytest.raises(ResendConflict) as caught:
        send(observer_south, data | {"station": "003"})
    assert "receipt" not in str(caught.value)
    with pytest.raises(ResendConflict):
        send(observer_south, dict(data))
    assert Submission.objects.count() == 1


def test_invalid_answers_are_refused_but_the_payload_is_kept(observer_north, checklist):
    data = submission(checklist, voters=9000, overall="splendid")
    with pytest.raises(SubmissionRejected) as caught:
        send(observer_north, data)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"answers.voters", "answers.overall"}
    kept = RawPayload.objects.get()
    assert kept.status == RawPayload.Status.INVALID
    assert json.loads(kept.body) == data
    assert {p["field"] for p in kept.problems} == fields
    assert not Submission.objects.exists()


def test_a_figure_above_the_stations_registered_voters_is_refused_naming_them(
    observer_north, checklist
):
    with pytest.raises(SubmissionRejected) as caught:
        send(observer_north, submission(checklist, station="002", voters=900))
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        ("answers.voters", "900 is above the 800 registered voters at station 002")
    ]
    assert send(observer_north, submission(checklist, station="001", voters=900)).submission_id


def test_a_refusal_carries_each_problems_question_kind_and_bounds(observer_north, checklist):
    with pytest.raises(SubmissionRejected) as caught:
        send(observer_north, submission(checklist, station="002", voters=900, overall=None))
    problems = {p.question: p for p in caught.value.problems}
    assert set(problems) == {"voters", "overall"}
    assert problems["voters"].kind == "above_station_max"
    bounds = problems["voters"].values
    assert (bounds["figure"], bounds["limit"], bounds["station"]) == (
        "registered_voters",
        800,
        "002",
    )
    assert bounds["max"] == 5000
    assert problems["overall"].kind == "required"


def test_an_unknown_station_is_a_problem_of_its_own_kind(observer_north, checklist):
    with pytest.raises(SubmissionRejected) as caught:
        send(observer_north, submission(checklist, station="999"))
    [problem] = caught.value.problems
    assert (problem.field, problem.kind, problem.question) == ("station", "unknown_station", "")
    assert problem.values == {"station": "999"}


def test_a_station_whose_voters_changed_after_it_was_first_read_is_checked_as_it_is_now(
    observer_north, checklist
):
    assert send(observer_north, submission(checklist, station="002", voters=700)).submission_id
    PollingStation.objects.filter(code="002").update(registered_voters=600)
    with pytest.raises(SubmissionRejected) as caught:
        send(observer_north, submission(checklist, station="002", voters=700))
    assert [p.reason for p in caught.value.problems] == [
        "700 is above the 600 registered voters at station 002"
    ]
    PollingStation.objects.filter(code="002").update(registered_voters=900)
    assert send(observer_north, submission(checklist, station="002", voters=850)).submission_id
    assert Submission.objects.count() == 2


def test_an_invalid_resend_of_a_stored_report_is_a_conflict(observer_north, checklist):
    data = submission(checklist)
    send(observer_north, data)
    with pytest.raises(ResendConflict):
        send(observer_north, data | {"station": "999", "answers": answers(voters=-1)})
    assert RawPayload.objects.filter(status=RawPayload.Status.CONFLICT).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"key": "not-a-uuid"}, "key", "'not-a-uuid' is not a UUID"),
        ({"station": "999"}, "station", "no polling station with code '999' in this election"),
        ({"version": 0}, "version", "must be a positive whole number"),
        ({"form": "nope"}, "form", "no form 'nope' version 1"),
        (
            {"device_time": "yesterday"},
            "device_time",
            "must be an ISO 8601 time with its UTC offset",
        ),
    ],
)
def test_each_bad_field_is_named(observer_north, checklist, change, field, reason):
    with pytest.raises(SubmissionRejected) as caught:
        send(observer_north, submission(checklist) | change)
    assert [(p.field, p.reason) for p in caught.value.problems] == [(field, reason)]


def test_missing_fields_are_all_listed(observer_north, checklist):
    with pytest.raises(SubmissionRejected) as caught:
        send(observer_north, {"form": "station_check"})
    assert [p.field for p in caught.value.problems] == ["key", "version", "station", "answers"]


def test_critical_answers_raise_alerts(observer_north, checklist):
    receipt = send(observer_north, submission(checklist, stuffing="yes"))
    assert receipt.alerts == [{"question": "stuffing", "answer": "yes"}]


def test_conflicting_reports_from_two_teams_are_both_flagged(
    observer_north, observer_south, checklist, mission
):
    south_team = mission.teams.get(code="T2")
    observer_south.member.team = mission.teams.get(code="T1")
    observer_south.member.save()
    first = send(observer_north, submission(checklist, overall="good"))
    observer_south.member.team = south_team
    observer_south.member.save()
    second = send(observer_south, submission(checklist, overall="very_bad"))
    assert "conflict" in second.flags
    assert "conflict" in Submission.objects.get(pk=first.submission_id).flags


def test_agreeing_reports_are_not_flagged(observer_north, observer_south, checklist):
    send(observer_north, submission(checklist))
    second = send(observer_south, submission(checklist))
    assert "conflict" not in second.flags


def test_device_clock_ahead_of_the_server_is_flagged(observer_north, checklist):
    ahead = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    receipt = send(observer_north, submission(checklist) | {"device_time": ahead})
    assert "device_clock_ahead" in receipt.flags


def test_report_outside_the_phase_hours_is_flagged(observer_north, checklist, election):
    # The fixture's election day is in the past, so a report received now is outside.
    receipt = send(observer_north, submission(checklist))
    assert "outside_phase_hours" in receipt.flags
    on_the_day = datetime.datetime.combine(election.date, datetime.time(11, 0), datetime.UTC)
    late_sync = send(
        observer_north, submission(checklist) | {"device_time": on_the_day.isoformat()}
    )
    assert "outside_phase_hours" not in late_sync.flags


def test_revisions_keep_the_original(observer_north, coordinator_north, checklist):
    receipt = send(observer_north, submission(checklist))
    stored = Submission.objects.get(pk=receipt.submission_id)
    revise_submission(
        stored, answers(overall="bad"), actor=coordinator_north, reason="observer called: typo"
    )
    stored.refresh_from_db()
    assert stored.answers["overall"] == "bad" and stored.revision == 2
    revisions = SubmissionRevision.objects.filter(submission=stored).order_by("number")
    assert [r.answers["overall"] for r in revisions] == ["good", "bad"]
    assert AuditEvent.objects.filter(action="intake.submission_revised").count() == 1


def test_a_revision_is_held_to_the_stations_registered_voters(
    observer_north, coordinator_north, checklist
):
    receipt = send(observer_north, submission(checklist, station="002"))
    stored = Submission.objects.get(pk=receipt.submission_id)
    with pytest.raises(SubmissionRejected) as caught:
        revise_submission(stored, answers(voters=801), actor=coordinator_north, reason="typo")
    assert [p.reason for p in caught.value.problems] == [
        "801 is above the 800 registered voters at station 002"
    ]
    stored.refresh_from_db()
    assert stored.revision == 1


def test_review_decisions_are_recorded(observer_north, coordinator_north, checklist):
    stored = Submission.objects.get(pk=send(observer_north, submission(checklist)).submission_id)
    with pytest.raises(SubmissionRejected):
        review_submission(stored, "reject", reviewer=coordinator_north)
    review_submission(stored, "reject", reviewer=coordinator_north, reason="wrong station")
    stored.refresh_from_db()
    assert stored.status == Submission.Status.REJECTED
    assert AuditEvent.objects.filter(action="intake.submission_rejected").count() == 1
    with pytest.raises(ValueError, match="use one of accept, flag, reject"):
        review_submission(stored, "approve", reviewer=coordinator_north)


def test_account_without_a_mission_is_refused_and_kept(outsider, checklist):
    with pytest.raises(SubmissionRejected, match="not a member of a mission"):
        send(outsider, submission(checklist))
    assert RawPayload.objects.get().status == RawPayload.Status.INVALID
