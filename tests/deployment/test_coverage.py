import json
import uuid

import pytest

from pollwatch.deployment.coverage import coverage_by_area, coverage_by_stratum
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.models import Channel, Submission
from pollwatch.intake.services import receive_submission, review_submission, store_raw_payload
from tests.builders import CHECKLIST, answers


@pytest.fixture
def forms(db):
    opening = CHECKLIST | {"code": "opening_check", "phase": "opening"}
    return {
        "voting": publish_form_version(CHECKLIST),
        "opening": publish_form_version(opening),
    }


def report(user, version, station_code):
    data = {
        "key": str(uuid.uuid4()),
        "form": version.form.code,
        "version": version.version,
        "station": station_code,
        "answers": answers(),
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    return Submission.objects.get(pk=receive_submission(data, payload, user=user).submission_id)


def planned(plan, area_code):
    return list(
        plan.sampled.planned()
        .filter(station__area__code=area_code)
        .select_related("station")
        .order_by("station__code")
    )


def test_coverage_counts_reporting_planned_stations_per_area_and_phase(
    routed_plan, forms, observer_north, administrator
):
    north = planned(routed_plan, "N1") + planned(routed_plan, "N2")
    south = planned(routed_plan, "S1")
    for row in north[:10]:
        report(observer_north, forms["opening"], row.station.code)
    for row in north[:4]:
        report(observer_north, forms["voting"], row.station.code)
    report(observer_north, forms["voting"], north[0].station.code)  # a second report
    rejected = report(observer_north, forms["voting"], north[5].station.code)
    review_submission(rejected, "reject", reviewer=administrator, reason="wrong station")
    for row in south[:3]:
        report(observer_north, forms["voting"], row.station.code)
    outside = routed_plan.mission.election.stations.exclude(
        pk__in=routed_plan.sampled.values("station")
    ).first()
    report(observer_north, forms["voting"], outside.code)

    table = coverage_by_area(routed_plan, level=0)
    assert table.phases == ("opening", "voting")
    rows = {row.label: row for row in table.rows}
    assert rows["North"].planned == len(north) and rows["South"].planned == len(south)
    assert [p.reported for p in rows["North"].phases] == [10, 4]
    assert [p.reported for p in rows["South"].phases] == [0, 3]
    voters = sum(row.station.registered_voters for row in north[:4])
    assert rows["North"].phases[1].reported_voters == voters
    assert rows["North"].planned_voters == sum(r.station.registered_voters for r in north)
    assert [p.reported for p in table.total.phases] == [10, 7]


def test_an_area_that_loses_too_many_points_is_flagged(routed_plan, forms, observer_north):
    north = planned(routed_plan, "N1") + planned(routed_plan, "N2")
    south = planned(routed_plan, "S1")
    for row in north:
        report(observer_north, forms["voting"], row.station.code)
    for row in south[:4]:
        report(observer_north, forms["voting"], row.station.code)
    table = coverage_by_area(routed_plan, level=0, max_loss=0.2)
    assert table.checked_phase == "voting"
    assert [row.label for row in table.warnings] == ["South"]
    assert len(south) - 4 > 0.2 * len(south)
    relaxed = coverage_by_area(routed_plan, level=0, max_loss=0.5)
    assert relaxed.warnings == ()


def test_coverage_by_district_and_by_stratum(routed_plan, forms, observer_north):
    first = planned(routed_plan, "N2")[0]
    report(observer_north, forms["voting"], first.station.code)
    districts = {row.label: row for row in coverage_by_area(routed_plan, level=1).rows}
    assert districts["Hill"].planned == len(planned(routed_plan, "N2"))
    assert districts["Hill"].phases[-1].reported == 1
    strata = {row.label: row for row in coverage_by_stratum(routed_plan).rows}
    assert set(strata) == {"North", "South"}
    assert strata["North"].phases[-1].reported == 1


def test_a_replaced_station_leaves_the_planned_count_and_its_replacement_joins(
    routed_plan, forms, observer_north, administrator
):
    from pollwatch.deployment.services import replace_from_reserve

    lost = planned(routed_plan, "S1")[0]
    before = {r.label: r.planned for r in coverage_by_area(routed_plan).rows}
    record = replace_from_reserve(routed_plan, lost.station, reason="closed", actor=administrator)
    report(observer_north, forms["voting"], lost.station.code)
    report(observer_north, forms["voting"], record.replacement.code)
    rows = {r.label: r for r in coverage_by_area(routed_plan).rows}
    assert rows["South"].planned == before["South"]
    assert rows["South"].phases[-1].reported == 1


def test_the_coverage_page_polls_and_shows_the_warning(
    client, routed_plan, forms, analyst, observer_north
):
    client.force_login(analyst)
    page = client.get("/missions/test-mission/deployment/coverage/").content.decode()
    assert 'hx-trigger="every 30s"' in page and "North" in page
    assert "too many points lost" not in page
    for row in planned(routed_plan, "N1"):
        report(observer_north, forms["voting"], row.station.code)
    page = client.get("/missions/test-mission/deployment/coverage/").content.decode()
    print(page[page.find("<main") : page.find("<table")])
    assert 'role="alert"' in page
    assert "2 rows have lost more than 20% of their points in the voting phase" in page
    assert page.count('<span class="flag">too many points lost</span>') == 3, "and the total"
    partial = client.get(
        "/missions/test-mission/deployment/coverage/?by=stratum", headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial and "Stratum" in partial
