import json
import uuid

from django.urls import reverse

from pollwatch.audit.models import AuditEvent
from pollwatch.intake.models import Channel, RawPayload, Submission
from pollwatch.intake.services import SubmissionRejected, receive_submission, store_raw_payload
from tests.builders import answers


def send(user, checklist, station="001", **overrides):
    data = {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": station,
        "answers": answers(**overrides),
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    try:
        return receive_submission(data, payload, user=user)
    except SubmissionRejected:
        return None


def test_coordinator_sees_reports_of_their_area_only(
    client, checklist, observer_north, observer_south, coordinator_north
):
    send(observer_north, checklist, "001")
    send(observer_south, checklist, "003")
    client.force_login(coordinator_north)
    page = client.get(reverse("intake:submissions")).context["page"]
    assert [s.station.code for s in page.object_list] == ["001"]


def test_filter_by_critical_alerts(client, checklist, observer_north, administrator):
    send(observer_north, checklist, stuffing="yes")
    send(observer_north, checklist)
    client.force_login(administrator)
    page = client.get(reverse("intake:submissions"), {"flag": "alerts"}).context["page"]
    assert [s.alerts for s in page.object_list] == [[{"question": "stuffing", "answer": "yes"}]]


def test_filter_by_flag(client, checklist, observer_north, administrator):
    send(observer_north, checklist)
    client.force_login(administrator)
    url = reverse("intake:submissions")
    assert len(client.get(url, {"flag": "outside_phase_hours"}).context["page"].object_list) == 1
    assert len(client.get(url, {"flag": "conflict"}).context["page"].object_list) == 0


def test_coordinator_reviews_a_report_and_it_is_recorded(
    client, checklist, observer_north, coordinator_north
):
    receipt = send(observer_north, checklist)
    client.force_login(coordinator_north)
    url = reverse("intake:submission", args=[receipt.submission_id])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert "give a reason" in response.content.decode()
    client.post(url, {"decision": "flag", "reason": "call the team"})
    assert Submission.objects.get().status == "flagged"
    assert AuditEvent.objects.filter(action="intake.submission_flagged").exists()


def test_coordinator_of_another_area_cannot_review(
    client, checklist, observer_north, coordinator_south
):
    receipt = send(observer_north, checklist)
    client.force_login(coordinator_south)
    response = client.post(
        reverse("intake:submission", args=[receipt.submission_id]), {"decision": "accept"}
    )
    assert response.status_code == 404
    assert Submission.objects.get().status == "received"


def test_refused_payload_is_corrected_for_its_sender(
    client, checklist, observer_north, coordinator_north
):
    assert send(observer_north, checklist, overall="splendid") is None
    payload = RawPayload.objects.get(status=RawPayload.Status.INVALID)
    client.force_login(coordinator_north)
    url = reverse("intake:payload", args=[payload.pk])
    fixed = json.loads(payload.body)
    fixed["answers"]["overall"] = "good"
    response = client.post(url, {"body": json.dumps(fixed), "reason": "observer phoned in"})
    stored = Submission.objects.get()
    assert response.status_code == 302
    assert stored.observer.user == observer_north and stored.answers["overall"] == "good"
    assert stored.submitted_by == coordinator_north, "who entered the correction is recorded"
    assert stored.revisions.get().author == coordinator_north
    payload.refresh_from_db()
    assert payload.status == RawPayload.Status.CORRECTED
    assert payload.problems, "the original problems stay on record"
    assert json.loads(payload.body)["answers"]["overall"] == "splendid"


def test_observers_cannot_open_the_payload_review(client, observer_north):
    client.force_login(observer_north)
    assert client.get(reverse("intake:payloads")).status_code == 403


def test_the_sms_log_and_the_payloads_show_times_on_the_missions_clock(client, core_team, mission):
    from pollwatch.intake.models import RawPayload, SmsMessage

    mission.election.time_zone = "Asia/Tbilisi"
    mission.election.save()
    member = core_team.member
    SmsMessage.objects.create(gateway="console", sender="+10000000001", text="x", member=member)
    RawPayload.objects.create(
        channel="api", sender="t", body="{", user=core_team, status=RawPayload.Status.INVALID
    )
    client.force_login(core_team)
    assert "(Asia/Tbilisi)" in client.get(reverse("channels:sms_log")).content.decode()
    assert "(Asia/Tbilisi)" in client.get(reverse("intake:payloads")).content.decode()
