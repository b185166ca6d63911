"""Each findings page reads every form's definition once, however many figures it shows.

A read is a query that selects ``forms_formversion.definition``; the form it
reads is named in the query's parameters. The pages hand the read form on to
every figure, label and question lookup instead of reading it again.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pollwatch.forms.services import publish_form_version
from tests.builders import CHECKLIST
from tests.findings.builders import random_plan
from tests.findings.test_pages import observed, voting  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

FORM_CODES = ("voting", "opening", "closing_counting", "station_check", "pvt_form2")
DEFINITION = re.compile(r'"forms_formversion"\."definition"')


@pytest.fixture
def assessed_phases(db):
    """The checklists of opening and counting, so the dashboard reads them too."""
    for code, phase in (("opening", "opening"), ("closing_counting", "counting")):
        publish_form_version({**CHECKLIST, "code": code, "phase": phase})


def definition_reads(client, url, params=None) -> dict[str, int]:
    """How many queries read the definition of each form during one request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    reads = [query["sql"] for query in captured.captured_queries if DEFINITION.search(query["sql"])]
    return {code: sum(f"'{code}'" in sql for sql in reads) for code in FORM_CODES}


@pytest.fixture
def signed_in(client, administrator, mission, observed, assessed_phases):  # noqa: F811
    north, south = observed
    random_plan(mission, {"N": (north, 10.0), "S": (south, 10.0)})
    client.force_login(administrator)
    client.get(reverse("findings:dashboard", args=[mission.slug]))  # the steady state
    return client


def assert_each_form_read_at_most_once(reads: dict[str, int]) -> None:
    assert reads["voting"] >= 1, "the page was expected to read the voting form"
    assert all(count <= 1 for count in reads.values()), reads


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"form": "voting", "export": "csv", "table": "questions"},
        {"form": "voting", "export": "xlsx", "table": "assessments"},
    ],
)
def test_a_dashboard_load_reads_each_form_once(signed_in, mission, params):
    url = reverse("findings:dashboard", args=[mission.slug])
    reads = definition_reads(signed_in, url, params)
    assert_each_form_read_at_most_once(reads)
    # The three assessed checklists are read too, and no more than once.
    assert reads["opening"] == reads["closing_counting"] == 1


@pytest.mark.parametrize("params", [{}, {"export": "csv"}])
def test_the_question_by_area_page_reads_the_form_once(signed_in, mission, params):
    url = reverse("findings:question", args=[mission.slug, "voting", "secrecy"])
    assert_each_form_read_at_most_once(definition_reads(signed_in, url, params))


@pytest.mark.parametrize("values", [["no"], []])
def test_the_drill_down_reads_the_form_once(signed_in, mission, values):
    url = reverse("findings:reports", args=[mission.slug])
    for export in (None, "csv"):
        params = {"form": "voting", "question": "stuffing", "value": values}
        if export:
            params["export"] = export
        assert_each_form_read_at_most_once(definition_reads(signed_in, url, params))


def test_the_pvt_page_reads_no_form_more_than_once(signed_in, mission):
    url = reverse("findings:pvt", args=[mission.slug])
    reads = definition_reads(signed_in, url)
    assert all(count <= 1 for count in reads.values()), reads
