"""A refused report is explained in the sender's language, from the catalogues.

Each expected text is the catalogue's Russian, and must differ from the
English: a missing translation fails here rather than passing unnoticed.
The stable parts (status codes, field paths, problem types) stay as they are.
"""

import uuid

import pytest
from django.test import Client
from django.utils import translation

from pollwatch.accounts.models import remember_language
from pollwatch.intake.channels.openrosa.device_forms import offered_xform
from tests.intake.channels.test_observer_webform import post_instance
from tests.intake.channels.test_openrosa import ANSWERS, instance_from_xform
from tests.intake.test_api import item, post

pytestmark = pytest.mark.django_db


def in_russian(message: str, **values) -> str:
    """The catalogue's Russian for ``message``, checked to be a translation."""
    with translation.override("ru"):
        russian = translation.gettext(message)
    assert russian != message, f"the Russian catalogue lacks {message!r}"
    return russian % values if values else russian


def test_an_api_refusal_speaks_the_language_the_device_asks_for(client, checklist, observer_token):
    body = item(checklist, voters=-3)
    del body["station"]
    response = post(client, "/submissions", body, observer_token, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == in_russian("The submission was not accepted")
    assert problem["detail"].startswith(in_russian("Correct the fields listed and send it again."))
    assert {"field": "station", "reason": in_russian("is required")} in problem["errors"]


def test_an_answer_the_form_refuses_is_explained_in_russian_over_the_api(
    client, checklist, observer_token
):
    response = post(
        client,
        "/submissions",
        item(checklist, voters=-3),
        observer_token,
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    reason = in_russian("%(value)s is below the minimum %(min)s", value=-3, min=0)
    assert response.json()["errors"] == [{"field": "answers.voters", "reason": reason}]


def test_the_observers_outbox_gets_the_refusal_in_the_observers_language(observer_north, checklist):
    remember_language(observer_north, "ru")
    observer = Client(enforce_csrf_checks=True)
    observer.force_login(observer_north)
    observer.get("/observe/")
    xform = offered_xform(observer_north.member, "station_check").xml
    invalid = instance_from_xform(xform, ANSWERS | {"voters": "9000"}, f"uuid:{uuid.uuid4()}")
    refused = post_instance(observer, invalid)
    assert refused.status_code == 400
    reason = in_russian("%(value)s is above the maximum %(max)s", value=9000, max=5000)
    assert refused.json()["errors"] == [{"field": "answers.voters", "reason": reason}]
