"""Every finding picks the same report for a station: the rule of ``counted_report``.

The rule as ``docs/findings.md`` states it, written here as SQL (a window
over each station's reports, newest receipt first, then the higher id), is
the reference; the figures (from the encoded answers kept in memory), the
"any report" combination, the PVT arrays and the clock-time distribution
must all pick what it picks, on reports with tied receipt times, several
teams, several phases, rejected reports and filters.
"""

import datetime
import uuid
from collections import Counter

import numpy as np
import pytest
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.findings import answer_store
from pollwatch.findings.counted_report import counted_rows, latest_per_station
from pollwatch.findings.coverage import time_distribution
from pollwatch.findings.figures import Scope, form_figures_for, reports_behind
from pollwatch.findings.pvt import PVT_FORM, observed_figures
from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.models import Submission
from tests.findings.builders import NOON, add_stations

pytestmark = pytest.mark.django_db


@pytest.fixture
def form2(db):
    return publish_form_version(library_forms()[PVT_FORM].to_dict())


@pytest.fixture
def stations(election):
    return add_stations(election, "N1", 4, "C")


def documented_rule(reports) -> list[int]:
    """Ids of the report that counts for each station, as SQL: the rule in docs/findings.md."""
    ranked = reports.annotate(
        pick=Window(
            RowNumber(),
            partition_by=[F("station_id")],
            order_by=[F("received_at").desc(), F("id").desc()],
        )
    )
    return sorted(ranked.filter(pick=1).values_list("id", flat=True))


# A report: station, seconds and microseconds after noon (few values, so
# that times tie), team, phase, status, and its answer to ballot stuffing.
reports_drawn = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 2),
        st.sampled_from([0, 1, 999_999]),
        st.sampled_from(["T1", "T2", None]),
        st.sampled_from(["counting", "voting"]),
        st.sampled_from(["received", "accepted", "flagged", "rejected"]),
        st.sampled_from(["yes", "no", None]),
    ),
    min_size=1,
    max_size=20,
)
scopes_drawn = st.sampled_from(["all", "team", "phase", "since"])


def store(mission, form2, stations, drawn) -> None:
    Submission.objects.all().delete()
    answer_store.forget_all()  # ids are reused by the next example
    teams = {team.code: team for team in mission.teams.all()}
    for index, (station, seconds, micro, team, phase, status, stuffing) in enumerate(drawn):
        answers = {
            "count_observed": "yes",
            "registered": 1000 + index,
            "ballots_issued": 500,
            "valid": 400,
            "opened_at": f"{7 + index % 3:02d}:{(index * 7) % 60:02d}",
        }
        if stuffing is not None:
            answers["ballot_stuffing"] = stuffing
        Submission.objects.create(
            key=uuid.uuid4(),
            channel="web",
            form_version=form2,
            phase=phase,
            station=stations[station],
            mission=mission,
            team=teams.get(team),
            received_at=NOON + datetime.timedelta(seconds=seconds, microseconds=micro),
            answers=answers,
            status=status,
        )


def scope_of(mission, kind: str) -> Scope:
    if kind == "team":
        return Scope(mission=mission, team_id=mission.teams.get(code="T1").pk)
    if kind == "phase":
        return Scope(mission=mission, phase="counting")
    if kind == "since":
        return Scope(mission=mission, since=NOON + datetime.timedelta(microseconds=1))
    return Scope(mission=mission)


def stations_seeing_stuffing(reports) -> Counter:
    """Per the "any report" rule: yes when any report said yes, else the latest answer."""
    answered = sorted(
        (r for r in reports if r.answers.get("ballot_stuffing")),
        key=lambda r: (r.received_at, r.id),
    )
    latest: dict[int, str] = {}
    for r in answered:
        latest[r.station_id] = r.answers["ballot_stuffing"]
    for r in answered:
        if r.answers["ballot_stuffing"] == "yes":
            latest[r.station_id] = "yes"
    return Counter(latest.values())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=reports_drawn, kind=scopes_drawn)
def test_every_finding_picks_the_report_the_documented_rule_picks(
    mission, form2, stations, drawn, kind
):
    store(mission, form2, stations, drawn)
    scope = scope_of(mission, kind)
    reports = scope.submissions(PVT_FORM)
    expected = documented_rule(reports)

    # The figures: the base of a question every report answers.
    assert sorted(reports_behind(scope, PVT_FORM, "count_observed")) == expected
    # The PVT: the same reports, with their own figures.
    observed = observed_figures(mission, [], scope)
    assert sorted(observed["id"].tolist()) == expected
    chosen = {r.id: r for r in reports.filter(id__in=expected)}
    registered = [chosen[int(i)].answers["registered"] for i in observed["id"]]
    assert observed["figures"][:, 0].tolist() == registered
    # The clock-time distribution counts the same reports' answers.
    bins = time_distribution(scope, PVT_FORM, "opened_at")
    clocks = Counter(
        (r.answers["opened_at"][:2], int(r.answers["opened_at"][3:5]) // 15)
        for r in chosen.values()
    )
    assert {(b.start, b.count) for b in bins} == {
        (f"{hour}:{quarter * 15:02d}", count) for (hour, quarter), count in clocks.items()
    }
    # "Any report": a station whose reports never said yes takes its latest answer.
    stuffing = form_figures_for(scope, PVT_FORM, "ballot_stuffing")
    counts = {v.value: v.figure.count for v in stuffing.values}
    seen = stations_seeing_stuffing(list(reports))
    assert counts.get("yes", 0) == seen["yes"] and counts.get("no", 0) == seen["no"]


def test_counted_rows_come_newest_first(mission, form2, stations):
    drawn = [(0, 0, 0, None, "counting", "received", None)] * 2 + [
        (1, 1, 0, None, "counting", "received", None)
    ]
    store(mission, form2, stations, drawn)
    rows = counted_rows(Submission.objects.all())
    ids = sorted(Submission.objects.values_list("id", flat=True))
    assert [row[0] for row in rows] == [ids[2], ids[1]]


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=30),
    st.randoms(use_true_random=False),
)
def test_the_rule_picks_the_last_received_then_the_higher_id(rows, shuffler):
    shuffler.shuffle(rows)
    stations = np.array([s for s, _ in rows], dtype=np.int64)
    received = np.array([t for _, t in rows], dtype=np.int64)
    ids = np.array(shuffler.sample(range(1, 1000), len(rows)), dtype=np.int64)
    picked = latest_per_station(ids, stations, received)
    assert sorted(stations[picked].tolist()) == sorted(set(stations.tolist()))
    for index in picked:
        own = stations == stations[index]
        assert (received[index], ids[index]) == max(
            zip(received[own].tolist(), ids[own].tolist(), strict=True)
        )


def test_a_microsecond_later_counts_even_with_the_lower_id(mission, form2, stations):
    # 12:00:01.000000 (stored first) against 12:00:00.999999: rounded to the
    # millisecond they would tie, and the higher id would wrongly count.
    drawn = [(0, 1, 0, None, "counting", "received", "no")]
    drawn += [(0, 0, 999_999, None, "counting", "received", "yes")]
    store(mission, form2, stations, drawn)
    later = Submission.objects.order_by("id").first().pk
    assert [row[0] for row in counted_rows(Submission.objects.all())] == [later]
    assert reports_behind(Scope(mission=mission), PVT_FORM, "count_observed") == [later]
