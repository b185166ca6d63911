import json
import uuid

import pytest

from pollwatch.intake.models import RawPayload, Submission
from tests.builders import answers


def post(client, path, body, token=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/api/v1{path}", data, content_type="application/json", **headers, **extra)


def item(checklist, **overrides):
    return {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": "001",
        "answers": answers(**overrides),
    }


def test_submit_then_resend_returns_201_then_200_with_the_same_receipt(
    client, checklist, observer_token
):
    body = item(checklist)
    first = post(client, "/submissions", body, observer_token)
    again = post(client, "/submissions", body, observer_token)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["duplicate"] is True
    assert Submission.objects.count() == 1


def test_no_token_is_a_401_problem(client, checklist):
    response = post(client, "/submissions", item(checklist))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Authentication required"


def test_revoked_token_is_refused(client, checklist, observer_north):
    from pollwatch.accounts.models import DeviceToken

    device, token = DeviceToken.issue(observer_north, "lost phone")
    device.revoke()
    assert post(client, "/submissions", item(checklist), token).status_code == 401


def test_validation_errors_name_the_field_path(client, checklist, observer_token):
    response = post(client, "/submissions", item(checklist, voters=-3), observer_token)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == [{"field": "answers.voters", "reason": "-3 is below the minimum 0"}]
    assert f"payload {RawPayload.objects.get().pk}" in body["detail"]


def test_a_figure_above_the_stations_registered_voters_is_a_422_naming_them(
    client, checklist, observer_token
):
    body = item(checklist, voters=1201)
    response = post(client, "/submissions", body, observer_token)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "answers.voters",
            "reason": "1201 is above the 1200 registered voters at station 001",
        }
    ]


def test_malformed_json_is_kept_and_explained(client, checklist, observer_token):
    response = post(client, "/submissions", '{"key": "abc", ', observer_token)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    assert response.json()["errors"][0]["reason"].startswith("not valid JSON")
    assert RawPayload.objects.get().body == '{"key": "abc", '


def test_batch_reports_each_item_in_order(client, checklist, observer_token):
    good = item(checklist)
    post(client, "/submissions", good, observer_token)
    batch = [item(checklist), good, item(checklist, overall="awful"), item(checklist)]
    response = post(client, "/submissions/batch", {"submissions": batch}, observer_token)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["created", "duplicate", "rejected", "created"]
    assert results[2]["errors"][0]["field"] == "answers.overall"
    assert Submission.objects.count() == 3
    assert RawPayload.objects.count() == 5


def test_batch_with_the_same_key_twice_stores_it_once(client, checklist, observer_token):
    one = item(checklist)
    response = post(client, "/submissions/batch", {"submissions": [one, one]}, observer_token)
    assert [r["result"] for r in response.json()["results"]] == ["created", "duplicate"]
    assert Submission.objects.count() == 1


def test_batch_over_the_limit_is_refused(client, checklist, observer_token):
    response = post(
        client, "/submissions/batch", {"submissions": [item(checklist)] * 501}, observer_token
    )
    assert response.status_code == 422
    assert "at most 500" in response.json()["errors"][0]["reason"]


def test_submission_status(client, checklist, observer_token):
    body = item(checklist)
    post(client, "/submissions", body, observer_token)
    response = client.get(
        f"/api/v1/submissions/{body['key']}", HTTP_AUTHORIZATION=f"Bearer {observer_token}"
    )
    assert response.json()["status"] == "received"
    missing = client.get(
        "/api/v1/submissions/nonsense", HTTP_AUTHORIZATION=f"Bearer {observer_token}"
    )
    assert missing.status_code == 404


def test_forms_and_assignment(client, checklist, observer_token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {observer_token}"}
    forms = client.get("/api/v1/forms", **auth).json()
    assert [(f["code"], f["version"]) for f in forms] == [("station_check", 1)]
    definition = client.get("/api/v1/forms/station_check/1", **auth).json()
    assert definition["code"] == "station_check"
    assignment = client.get("/api/v1/assignment", **auth).json()
    assert assignment["team"] == "T1"
    assert [s["code"] for s in assignment["stations"]] == ["001"]


def test_session_login_works_for_the_web_form(client, checklist, observer_north):
    client.force_login(observer_north)
    response = client.get("/api/v1/assignment")
    assert response.status_code == 200


def test_openapi_document_describes_the_submission_body(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/submissions"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["required"][0] == "key"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_duplicate_key_sent_concurrently_stores_one_submission(checklist, observer_north):
    import threading

    from django.db import connection

    from pollwatch.intake.services import receive_submission, store_raw_payload

    body = item(checklist)
    barrier = threading.Barrier(8)
    receipts, errors = [], []

    def send():
        try:
            barrier.wait()
            payload = store_raw_payload(json.dumps(body), channel="api", user=observer_north)
            receipts.append(receive_submission(body, payload, user=observer_north))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Submission.objects.filter(key=body["key"]).count() == 1
    assert len({r.submission_id for r in receipts}) == 1
    assert sum(not r.duplicate for r in receipts) == 1


def test_a_changed_resend_is_a_409_problem_and_kept_for_review(client, checklist, observer_token):
    body = item(checklist)
    post(client, "/submissions", body, observer_token)
    changed = body | {"answers": answers(overall="bad")}
    response = post(client, "/submissions", changed, observer_token)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == "key" and "id" not in problem
    kept = RawPayload.objects.get(status=RawPayload.Status.CONFLICT)
    assert json.loads(kept.body)["answers"]["overall"] == "bad"
    assert Submission.objects.get().answers["overall"] == "good"


def test_another_accounts_key_is_a_409_without_their_receipt(
    client, checklist, observer_token, observer_south
):
    from pollwatch.accounts.models import DeviceToken

    body = item(checklist)
    first = post(client, "/submissions", body, observer_token).json()
    intruder = DeviceToken.issue(observer_south, "phone")[1]
    response = post(client, "/submissions", body, intruder)
    assert response.status_code == 409
    problem = response.json()
    assert "id" not in problem and "received_at" not in problem
    assert first["received_at"] not in response.content.decode()


def test_a_batch_marks_a_changed_resend_as_a_conflict(client, checklist, observer_token):
    body = item(checklist)
    post(client, "/submissions", body, observer_token)
    changed = body | {"answers": answers(overall="bad")}
    results = post(
        client, "/submissions/batch", {"submissions": [changed, item(checklist)]}, observer_token
    ).json()["results"]
    assert [r["result"] for r in results] == ["conflict", "created"]


def test_the_assignment_marks_the_phases_the_team_has_reported_at_each_station(
    client, checklist, observer_token, observer_north
):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {observer_token}"}

    def reported():
        stations = client.get("/api/v1/assignment", **auth).json()["stations"]
        return {station["code"]: station["reported"] for station in stations}

    assert reported() == {"001": []}
    assert post(client, "/submissions", item(checklist), observer_token).status_code == 201
    assert reported() == {"001": [checklist.form.phase]}

    sent = Submission.objects.filter(station__code="001")
    sent.update(status=Submission.Status.REJECTED)
    assert reported() == {"001": []}, "a refused report leaves the station to be reported"
    sent.update(
        status=Submission.Status.ACCEPTED, team=observer_north.member.mission.teams.get(code="T2")
    )
    assert reported() == {"001": []}, "another team's report is theirs"


def test_the_receipt_is_what_the_openapi_document_describes(client, checklist, observer_token):
    from pollwatch.intake.channels.api.views import ReceiptOut

    body = item(checklist)
    first = post(client, "/submissions", body, observer_token)
    again = post(client, "/submissions", body, observer_token)

    for response in (first, again):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert ReceiptOut.model_validate(response.json()).model_dump() == response.json()
    schema = client.get("/api/v1/openapi.json").json()
    answers_of = schema["paths"]["/api/v1/submissions"]["post"]["responses"]
    assert {"200", "201"} <= set(answers_of)
