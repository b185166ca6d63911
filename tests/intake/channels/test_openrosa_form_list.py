"""OpenRosa form discovery: formList, each form's download and manifest, for one device."""

from __future__ import annotations

import copy
import logging
from xml.etree import ElementTree

import pytest

from pollwatch.accounts.models import DeviceToken
from pollwatch.accounts.roles import Role
from pollwatch.forms.models import Form, FormVersion
from pollwatch.forms.services import publish_form_version
from pollwatch.registry.services import create_election
from tests.builders import CHECKLIST
from tests.conftest import _user_with_member, mission_on

pytestmark = pytest.mark.django_db

LIST = "{http://openrosa.org/xforms/xformsList}"


def listed_ids(response) -> list[str]:
    assert response.status_code == 200
    listing = ElementTree.fromstring(response.content)
    return [xform.findtext(f"{LIST}formID") for xform in listing.iter(f"{LIST}xform")]


@pytest.fixture
def second_form(checklist):
    other = copy.deepcopy(CHECKLIST) | {"code": "opening_check", "phase": "opening"}
    return publish_form_version(other)


@pytest.fixture
def broken_form(db):
    """A stored version whose definition no longer loads, as after a careless import."""
    form = Form.objects.create(code="broken", phase="voting", title="Broken")
    return FormVersion.objects.create(form=form, version=1, definition={"code": "broken"})


def test_form_id_lists_only_that_form(client, observer_token, second_form):
    everything = client.get(f"/odk/{observer_token}/formList")
    assert listed_ids(everything) == ["opening_check", "station_check"]
    one = client.get(f"/odk/{observer_token}/formList", {"formID": "station_check"})
    assert listed_ids(one) == ["station_check"]


@pytest.mark.parametrize("form_id", ["no_such_form", "Station_Check", "station_check/../x"])
def test_an_unknown_form_id_is_an_empty_list(client, observer_token, checklist, form_id):
    response = client.get(f"/odk/{observer_token}/formList", {"formID": form_id})
    assert listed_ids(response) == []


@pytest.mark.parametrize(
    "query",
    [
        {"verbose": "true"},
        {"listAllVersions": "true"},
        {"verbose": "true", "listAllVersions": "true", "formID": "station_check"},
        {"deviceID": "collect:Xy7Qk", "formID": ""},
    ],
)
def test_verbose_and_list_all_versions_are_accepted(client, observer_token, checklist, query):
    response = client.get(f"/odk/{observer_token}/formList", query)
    assert listed_ids(response) == ["station_check"]
    assert b"<descriptionText" not in response.content


def test_list_all_versions_lists_the_one_version_served(client, observer_token, checklist):
    newer = copy.deepcopy(CHECKLIST)
    newer["title"] = {"en": "Station check, revised"}
    publish_form_version(newer)
    response = client.get(f"/odk/{observer_token}/formList", {"listAllVersions": "true"})
    listing = ElementTree.fromstring(response.content)
    assert [x.findtext(f"{LIST}version") for x in listing.iter(f"{LIST}xform")] == ["2"]


# Who sees what. Forms are shared by every mission; what a form carries that is a
# mission's own (the ballot options of its election, its observers' stations) is
# bound to the requesting device's member, and the download and manifest follow
# the same rule as the list.


@pytest.fixture
def rival_observer(election, checklist):
    """An observer with a valid device in another mission, on another election."""
    elsewhere = create_election(
        slug="elsewhere-2026",
        name="Elsewhere 2026",
        country="Elsewhere",
        date=election.date,
        kind="presidential",
        options=["Carol", "Dave"],
    )
    rival = mission_on(elsewhere, "rival-mission", {})
    user = _user_with_member("rival-obs", Role.OBSERVER, rival, member_role="observer")
    return DeviceToken.issue(user, "phone")[1]


def test_another_missions_device_gets_its_own_election_and_none_of_our_stations(
    client, observer_token, rival_observer
):
    ours = client.get(f"/odk/{observer_token}/forms/station_check/form.xml")
    theirs = client.get(f"/odk/{rival_observer}/forms/station_check/form.xml")
    assert ours.status_code == theirs.status_code == 200
    assert b"School One" in ours.content
    assert b"School One" not in theirs.content and b"pollwatch_stations" not in theirs.content


def test_every_listed_form_downloads_and_nothing_unlisted_does(client, observer_token, second_form):
    listing = ElementTree.fromstring(client.get(f"/odk/{observer_token}/formList").content)
    for xform in listing.iter(f"{LIST}xform"):
        code = xform.findtext(f"{LIST}formID")
        assert client.get(f"/odk/{observer_token}/forms/{code}/form.xml").status_code == 200
        assert client.get(f"/odk/{observer_token}/forms/{code}/manifest").status_code == 200
    assert client.get(f"/odk/{observer_token}/forms/no_such_form/form.xml").status_code == 404
    assert client.get(f"/odk/{observer_token}/forms/no_such_form/manifest").status_code == 404


@pytest.mark.parametrize("path", ["formList", "forms/station_check/form.xml"])
def test_a_revoked_device_sees_no_form(client, observer_token, observer_north, checklist, path):
    observer_north.device_tokens.get().revoke()
    assert client.get(f"/odk/{observer_token}/{path}").status_code == 403
    assert client.get(f"/odk/{observer_token}/forms/station_check/manifest").status_code == 403


def test_a_device_of_someone_who_left_sees_no_form(
    client, observer_token, observer_north, checklist
):
    observer_north.is_active = False
    observer_north.save()
    for path in ["formList", "forms/station_check/form.xml", "forms/station_check/manifest"]:
        assert client.get(f"/odk/{observer_token}/{path}").status_code == 403


# A form that cannot be built spoils nothing else.


def test_a_form_that_cannot_be_built_is_left_out_of_the_list_and_logged(
    client, observer_token, checklist, broken_form, caplog
):
    with caplog.at_level(logging.WARNING, logger="pollwatch.intake.channels.openrosa"):
        response = client.get(f"/odk/{observer_token}/formList")
    assert listed_ids(response) == ["station_check"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "broken" in warnings[0].getMessage()


def test_downloading_a_form_that_cannot_be_built_is_a_clear_refusal(
    client, observer_token, checklist, broken_form, caplog
):
    with caplog.at_level(logging.WARNING, logger="pollwatch.intake.channels.openrosa"):
        response = client.get(f"/odk/{observer_token}/forms/broken/form.xml")
    assert response.status_code == 503
    assert response["X-OpenRosa-Version"] == "1.0"
    assert b"<OpenRosaResponse" in response.content and b"broken" in response.content
    assert b"Traceback" not in response.content
    assert any("broken" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    manifest = client.get(f"/odk/{observer_token}/forms/broken/manifest")
    assert manifest.status_code == 503


# Language names: ODK Collect's language menu shows the itext ``lang`` attribute.

XF = "{http://www.w3.org/2002/xforms}"


def in_languages(definition: dict, names: dict[str, str] | None = None) -> dict:
    """``definition`` with every English text copied into the other languages."""
    languages = ["en", *[code for code in (names or {}) if code != "en"]]

    def translate(node):
        if isinstance(node, dict) and set(node) == {"en"}:
            return {code: node["en"] for code in languages}
        if isinstance(node, dict):
            return {key: translate(value) for key, value in node.items()}
        if isinstance(node, list):
            return [translate(item) for item in node]
        return node

    translated = translate(copy.deepcopy(definition))
    return translated | {"languages": languages}


def itext_languages(client, token, code="station_check") -> list[str]:
    xml = client.get(f"/odk/{token}/forms/{code}/form.xml").content
    itext = ElementTree.fromstring(xml).find(f".//{XF}itext")
    return [translation.get("lang") for translation in itext.iter(f"{XF}translation")]


def test_a_language_missing_from_any_fixed_table_is_named_not_shown_as_a_code(
    client, observer_token, db
):
    publish_form_version(in_languages(CHECKLIST, {"mn": "", "kaa": ""}))
    assert sorted(itext_languages(client, observer_token)) == [
        "English (en)",
        "Kara-Kalpak (kaa)",
        "Mongolian (mn)",
    ]


def test_the_forms_own_name_for_a_language_is_the_one_shown(client, observer_token, db):
    definition = in_languages(CHECKLIST, {"ka": "", "ru": ""})
    definition["language_names"] = {"ka": "ქართული", "ru": "Русский"}
    publish_form_version(definition)
    assert sorted(itext_languages(client, observer_token)) == [
        "English (en)",
        "Русский (ru)",
        "ქართული (ka)",
    ]


def test_a_code_no_source_knows_keeps_the_name_and_code_form(client, observer_token, db):
    publish_form_version(in_languages(CHECKLIST, {"qaa": ""}))
    assert sorted(itext_languages(client, observer_token)) == ["English (en)", "qaa (qaa)"]


def queries_of_a_warm_form_list(client, token) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(f"/odk/{token}/formList")  # builds and remembers each XForm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/odk/{token}/formList").status_code == 200
    return len(queries)


def test_the_form_list_costs_no_query_per_form(client, observer_token, checklist):
    one_form = queries_of_a_warm_form_list(client, observer_token)
    for code in ("opening_check", "closing_check", "counting_check"):
        publish_form_version(copy.deepcopy(CHECKLIST) | {"code": code})
    assert queries_of_a_warm_form_list(client, observer_token) == one_form
