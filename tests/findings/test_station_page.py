"""The station page: every report, incident, file, PVT tally and official figure of one station."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.findings.services import import_official_results
from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.models import Attachment, Channel, Submission
from pollwatch.intake.services import receive_submission, store_raw_payload
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Member
from pollwatch.registry.models import PollingStation
from tests.builders import answers
from tests.conftest import PASSWORD, csv_file, mission_on
from tests.findings.builders import report


def send(user, checklist, station="001", **overrides) -> Submission:
    data = {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": station,
        "answers": answers(**overrides),
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    return Submission.objects.get(pk=receive_submission(data, payload, user=user).submission_id)


def _page(client, mission, code="001"):
    return client.get(reverse("findings:station", args=[mission.slug, code]))


@pytest.fixture
def station_001(election):
    return PollingStation.objects.get(election=election, code="001")


@pytest.fixture
def everything(mission, checklist, observer_north, station_001, settings, tmp_path):
    """At station 001: a report, an incident with a photo, a PVT tally and official figures."""
    settings.MEDIA_ROOT = tmp_path
    plain = send(observer_north, checklist)
    incident = send(observer_north, checklist, stuffing="yes")
    photo = Attachment.objects.create(
        instance_id="uuid:x",
        submission=incident,
        name="protocol.jpg",
        file=ContentFile(b"\xff\xd8\xff\xe0photo", name="cd34.jpg"),
        content_type="image/jpeg",
        size=9,
        sha256="0" * 64,
    )
    form2 = publish_form_version(library_forms()["pvt_form2"].to_dict())
    tally = report(
        mission,
        form2,
        station_001,
        {
            "registered": 1200,
            "ballots_issued": 512,
            "valid": 497,
            "votes_ann": 301,
            "votes_bob": 196,
        },
    )
    import_official_results(
        mission,
        csv_file("station,registered,ballots_issued,valid,ann,bob\n001,1200,515,500,303,197\n"),
    )
    return plain, incident, photo, tally


def test_the_station_page_shows_everything_the_mission_knows_of_the_station(
    client, mission, core_team, everything
):
    plain, incident, photo, tally = everything
    client.force_login(core_team)
    response = _page(client, mission)
    assert response.status_code == 200
    record = response.context["record"]
    assert {s.pk for s in record.reports} == {tally.pk, incident.pk, plain.pk}
    assert [s.pk for s in record.incidents] == [incident.pk]
    assert record.attachments == [photo]
    assert [(r.valid, r.votes) for r in record.official] == [(500, {"ann": 303, "bob": 197})]
    assert dict(record.tallies[0].figures)["votes_ann"] == 301
    body = response.content.decode()
    for report_ in (plain, incident, tally):
        assert reverse("intake:submission", args=[report_.pk]) in body
    assert reverse("channels:attachment", args=[photo.pk]) in body
    assert reverse("intake:triage", args=[incident.pk]) in body
    assert reverse("findings:pvt", args=[mission.slug]) in body
    assert "303" in body and "301" in body


def test_a_coordinator_sees_their_areas_station_without_official_figures(
    client, mission, coordinator_north, everything
):
    client.force_login(coordinator_north)
    record = _page(client, mission).context["record"]
    assert len(record.reports) == 3
    assert record.official is None


def test_a_station_outside_the_viewers_areas_is_not_found(
    client, mission, coordinator_south, observer_south, everything
):
    for user in (coordinator_south, observer_south):
        client.force_login(user)
        assert _page(client, mission).status_code == 404


def test_an_observer_sees_their_teams_reports_and_no_triage_link(
    client, mission, observer_north, everything
):
    _plain, incident, _photo, tally = everything
    client.force_login(observer_north)
    response = _page(client, mission)
    record = response.context["record"]
    assert tally.pk not in [s.pk for s in record.reports]  # sent by no team
    assert [s.pk for s in record.incidents] == [incident.pk]
    assert reverse("intake:triage", args=[incident.pk]) not in response.content.decode()


def test_another_missions_reports_at_the_same_station_are_not_shown(
    client, mission, election, checklist, core_team, observer_north
):
    other = mission_on(election, "other-mission", {"T1": "N1"})
    member = Member.objects.create(
        mission=other, full_name="Other Obs", role="observer", team=other.teams.get(code="T1")
    )
    other_observer = create_user("other-obs", PASSWORD, Role.OBSERVER, member=member)
    theirs = send(other_observer, checklist, stuffing="yes")
    ours = send(observer_north, checklist)
    client.force_login(core_team)
    record = _page(client, mission).context["record"]
    assert [s.pk for s in record.reports] == [ours.pk]
    assert record.incidents == []
    assert theirs.mission_id == other.pk
    assert _page(client, other).status_code == 404


def test_the_station_page_takes_as_many_queries_for_many_reports_as_for_one(
    client, mission, checklist, core_team, observer_north, django_assert_max_num_queries
):
    client.force_login(core_team)
    send(observer_north, checklist, stuffing="yes")
    with CaptureQueriesContext(connection) as one:
        _page(client, mission)
    for _ in range(4):
        send(observer_north, checklist, stuffing="yes")
        send(observer_north, checklist)
    with django_assert_max_num_queries(len(one.captured_queries)):
        _page(client, mission)


def test_an_unknown_station_code_is_not_found(client, mission, core_team):
    client.force_login(core_team)
    assert _page(client, mission, "999").status_code == 404


def test_report_lists_link_each_station_code_to_its_page(
    client, mission, checklist, core_team, observer_north
):
    send(observer_north, checklist, stuffing="yes")
    client.force_login(core_team)
    station_url = reverse("findings:station", args=[mission.slug, "001"])
    for page in (
        reverse("intake:submissions"),
        reverse("intake:incidents", args=[mission.slug]),
        reverse("findings:incidents", args=[mission.slug]),
    ):
        assert station_url in client.get(page).content.decode(), page


def _embedded_place(page) -> dict:
    found = re.search(
        r'<script id="station-map-data" type="application/json">(.*?)</script>',
        page.content.decode(),
        re.S,
    )
    assert found is not None
    return json.loads(found.group(1))


def test_a_located_station_is_mapped_with_the_nearest_outline_of_its_areas(
    client, mission, core_team, station_001, election
):
    station_001.latitude, station_001.longitude = Decimal("42.5"), Decimal("44.5")
    station_001.save()
    ring = [[44, 42], [45, 42], [45, 43], [44, 43], [44, 42]]
    election.areas.filter(code="N").update(geometry={"type": "Polygon", "coordinates": [ring]})
    client.force_login(core_team)

    page = _page(client, mission)
    place = _embedded_place(page)

    assert place["station"] == {"code": "001", "name": "School One", "lat": 42.5, "lon": 44.5}
    assert [f["properties"]["code"] for f in place["areas"]["features"]] == ["N"]
    assert b'data-kind="station"' in page.content

    election.areas.filter(code="N1").update(geometry={"type": "Polygon", "coordinates": [ring]})
    place = _embedded_place(_page(client, mission))
    assert [f["properties"]["code"] for f in place["areas"]["features"]] == ["N1"]


def test_a_station_without_coordinates_has_no_map(client, mission, core_team, station_001):
    client.force_login(core_team)
    page = _page(client, mission)
    assert page.context["place_map"] is None
    assert b"station-map-data" not in page.content
