"""A form's media files for ODK devices: listed in its manifest, each fetched under the token."""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from pollwatch.forms.form_import import import_form
from pollwatch.forms.services import publish_imported_form
from tests.intake.channels.test_openrosa_form_list import rival_observer  # noqa: F401

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parents[2] / "forms" / "corpus"
FORM = CORPUS / "collect-external-csv-form.xml"
MEDIA = CORPUS / "media" / "collect-external-csv-form"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"


@pytest.fixture
def media_form(db):
    media = {path.name: path for path in MEDIA.iterdir()}
    return publish_imported_form(import_form(FORM.read_bytes(), FORM.name, media=media))


def manifest_entries(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200
    assert response["X-OpenRosa-Version"] == "1.0"
    root = ElementTree.fromstring(response.content)
    return [
        (
            entry.findtext(f"{MANIFEST}filename"),
            entry.findtext(f"{MANIFEST}hash"),
            entry.findtext(f"{MANIFEST}downloadUrl"),
        )
        for entry in root.iter(f"{MANIFEST}mediaFile")
    ]


def test_the_manifest_lists_each_media_file_with_its_hash_and_address(
    client, observer_token, media_form
):
    code = media_form.form.code
    entries = manifest_entries(client.get(f"/odk/{observer_token}/forms/{code}/manifest"))
    assert [name for name, _, _ in entries] == sorted(path.name for path in MEDIA.iterdir())
    for name, digest, url in entries:
        content = (MEDIA / name).read_bytes()
        assert digest == f"md5:{hashlib.md5(content).hexdigest()}"
        assert url == f"http://testserver/odk/{observer_token}/forms/{code}/media/{name}"


def test_each_listed_file_downloads_with_the_listed_hash_and_its_type(
    client, observer_token, media_form
):
    code = media_form.form.code
    entries = manifest_entries(client.get(f"/odk/{observer_token}/forms/{code}/manifest"))
    assert entries
    for name, digest, url in entries:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert f"md5:{hashlib.md5(response.content).hexdigest()}" == digest
        assert response.content == (MEDIA / name).read_bytes()


def test_a_form_without_media_has_an_empty_manifest(client, observer_token, checklist):
    response = client.get(f"/odk/{observer_token}/forms/station_check/manifest")
    assert manifest_entries(response) == []


def test_only_the_newest_versions_media_are_served(client, observer_token, media_form):
    code = media_form.form.code
    changed = b"name,label\nx,X\n"
    media = {path.name: path for path in MEDIA.iterdir()} | {"external_csv_cities.csv": changed}
    newer = publish_imported_form(import_form(FORM.read_bytes(), FORM.name, media=media))
    assert newer.version == media_form.version + 1
    served = client.get(f"/odk/{observer_token}/forms/{code}/media/external_csv_cities.csv")
    assert served.content == changed


def test_a_media_file_named_in_another_script_is_listed_and_served(client, observer_token):
    media = {path.name: path for path in MEDIA.iterdir()} | {"города (1).csv": b"name\nx\n"}
    version = publish_imported_form(import_form(FORM.read_bytes(), FORM.name, media=media))
    code = version.form.code
    entries = manifest_entries(client.get(f"/odk/{observer_token}/forms/{code}/manifest"))
    [url] = [url for name, _, url in entries if name == "города (1).csv"]
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response.content == b"name\nx\n"


@pytest.mark.parametrize("name", ["nothing.csv", "..", "external_csv_cities.CSV"])
def test_an_unknown_media_file_is_not_found(client, observer_token, media_form, name):
    code = media_form.form.code
    response = client.get(f"/odk/{observer_token}/forms/{code}/media/{name}")
    assert response.status_code == 404


def test_media_of_an_unknown_form_is_not_found(client, observer_token, media_form):
    url = f"/odk/{observer_token}/forms/no_such_form/media/external_csv_cities.csv"
    assert client.get(url).status_code == 404


def test_a_revoked_device_gets_no_media(client, observer_token, observer_north, media_form):
    observer_north.device_tokens.get().revoke()
    code = media_form.form.code
    assert client.get(f"/odk/{observer_token}/forms/{code}/manifest").status_code == 403
    url = f"/odk/{observer_token}/forms/{code}/media/external_csv_cities.csv"
    assert client.get(url).status_code == 403


def test_an_unknown_token_gets_no_media(client, media_form):
    url = f"/odk/not-a-token/forms/{media_form.form.code}/media/external_csv_cities.csv"
    assert client.get(url).status_code == 403


def test_forms_are_shared_so_another_missions_device_gets_the_same_media(
    client,
    observer_token,
    rival_observer,  # noqa: F811
    media_form,
):
    url = f"/forms/{media_form.form.code}/media/external_csv_countries.csv"
    ours = client.get(f"/odk/{observer_token}{url}")
    theirs = client.get(f"/odk/{rival_observer}{url}")
    assert ours.status_code == theirs.status_code == 200
    assert ours.content == theirs.content


# The observer's web form gets the same files under the observer's login.

FORMS_URL = "/observe/forms/"


@pytest.fixture
def observer_client(client, observer_north):
    client.force_login(observer_north)
    return client


def test_the_web_form_lists_each_forms_media_with_its_hash_and_address(
    observer_client, media_form, checklist
):
    listing = {form["code"]: form for form in observer_client.get(FORMS_URL).json()["forms"]}
    code = media_form.form.code
    assert listing["station_check"]["media"] == []
    media = listing[code]["media"]
    assert [item["name"] for item in media] == sorted(path.name for path in MEDIA.iterdir())
    for item in media:
        assert item["url"] == f"{FORMS_URL}{code}/media/{item['name']}"
        response = observer_client.get(item["url"])
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv"
        assert response.content == (MEDIA / item["name"]).read_bytes()
        assert hashlib.md5(response.content).hexdigest() == item["md5"]


def test_the_web_form_finds_no_unknown_media(observer_client, media_form):
    code = media_form.form.code
    assert observer_client.get(f"{FORMS_URL}{code}/media/nothing.csv").status_code == 404
    url = f"{FORMS_URL}no_such_form/media/external_csv_cities.csv"
    assert observer_client.get(url).status_code == 404


def test_the_web_forms_media_need_a_login_and_a_mission(client, outsider, media_form):
    url = f"{FORMS_URL}{media_form.form.code}/media/external_csv_cities.csv"
    assert client.get(url).status_code == 401
    client.force_login(outsider)
    assert client.get(url).status_code == 403
