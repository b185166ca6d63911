"""A report with repeats, as ODK Collect sends it for a real public form with nested repeats."""

from __future__ import annotations

import uuid
import warnings
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.forms.form_import import import_form
from pollwatch.forms.services import publish_imported_form
from pollwatch.intake.models import Submission

pytestmark = pytest.mark.django_db

FORM = Path(__file__).parents[2] / "forms" / "corpus" / "onadata-nested-repeats.xlsx"
HEADERS = {"HTTP_X_OPENROSA_VERSION": "1.0"}
FIRST_CHILD = (
    "<kids_details><kids_name>Ann</kids_name><kids_age>7</kids_age>"
    "<kids_immunization><immunization_info>polio</immunization_info></kids_immunization>"
    "<kids_immunization><immunization_info>measles</immunization_info></kids_immunization>"
    "</kids_details>"
)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def version(db):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl on a real workbook
        return publish_imported_form(import_form(FORM.read_bytes(), FORM.name))


def instance(version, second_child_age: str) -> bytes:
    return (
        f'<data id="{version.form.code}" version="{version.version}">'
        "<pollwatch_station>001</pollwatch_station>"
        f"<kids><has_kids>1</has_kids>{FIRST_CHILD}"
        f"<kids_details><kids_name>Bob</kids_name><kids_age>{second_child_age}</kids_age>"
        "</kids_details>"
        "<nested_group><nested_name/><nested_age/></nested_group></kids>"
        "<address>Main Street 1</address><gps>41.7151 44.8271 520.0 4.5</gps>"
        "<web_browsers>firefox chrome</web_browsers>"
        f"<meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>"
    ).encode()


def post(client, token, xml: bytes):
    upload = SimpleUploadedFile("report.xml", xml, "text/xml")
    return client.post(f"/odk/{token}/submission", {"xml_submission_file": upload}, **HEADERS)


def test_a_report_with_nested_repeats_is_stored_with_its_entries(client, observer_token, version):
    response = post(client, observer_token, instance(version, "9"))
    assert response.status_code == 201, response.content
    answers = Submission.objects.get().answers
    assert answers["kids_details"] == [
        {
            "kids_name": "Ann",
            "kids_age": 7,
            "kids_immunization": [{"immunization_info": "polio"}, {"immunization_info": "measles"}],
        },
        {"kids_name": "Bob", "kids_age": 9},
    ]
    assert answers["gps"] == {"lat": 41.7151, "lon": 44.8271, "alt": 520.0, "accuracy": 4.5}
    assert answers["web_browsers"] == ["firefox", "chrome"]


def test_a_wrong_answer_in_an_entry_is_refused_naming_the_entry(client, observer_token, version):
    response = post(client, observer_token, instance(version, "nine"))
    assert response.status_code == 400
    assert b"kids_details[2].kids_age" in response.content
    assert not Submission.objects.exists()
