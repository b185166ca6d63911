"""Round trips of one load of the findings dashboard, as docs/performance.md gives them.

The count is of a load in the steady state (the server process has read the
form's reports once) and must not grow with the number of stations or reports:
a query per station or per report would show here first.
"""

import pytest
from django.urls import reverse

from tests.findings.builders import add_stations, random_plan, report
from tests.findings.test_pages import _answers, observed, voting  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


# The same on PostgreSQL and SQLite; one of them reads the definitions of the
# forms the page shows, all at once, and one the election's rounds
# (docs/performance.md, "Findings").
DASHBOARD_QUERIES = 25


def test_a_dashboard_load_costs_the_same_queries_however_many_reports(
    client,
    administrator,
    mission,
    election,
    observed,  # noqa: F811
    voting,  # noqa: F811
    django_assert_num_queries,
):
    north, south = observed
    random_plan(mission, {"N": (north, 10.0), "S": (south, 10.0)})
    client.force_login(administrator)
    url = reverse("findings:dashboard", args=[mission.slug])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(DASHBOARD_QUERIES):
        page = client.get(url)
    assert "of 10 polling stations observed" in page.content.decode()

    more = add_stations(election, "N1", 10, "M")
    for index, station in enumerate(more):
        report(mission, voting, station, _answers(index < 3), team=mission.teams.get(code="T1"))
    assert client.get(url).status_code == 200
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(url).status_code == 200
