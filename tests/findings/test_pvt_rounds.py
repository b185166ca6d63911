"""The PVT of a run-off: only the round's candidates, its own reports and official results."""

import datetime

import numpy as np
import pytest
from django.urls import reverse

from pollwatch.findings import figures
from pollwatch.findings.pvt import mismatches, pvt_estimate
from pollwatch.findings.services import create_pvt_sample, import_official_results
from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.registry.models import BallotOption, Round
from pollwatch.registry.services import add_round
from tests.conftest import csv_file
from tests.findings.builders import add_stations, report

TWO_WEEKS = 14 * 24 * 60  # minutes after the first round's reports


@pytest.fixture
def form2(db):
    return publish_form_version(library_forms()["pvt_form2"].to_dict())


@pytest.fixture
def rounds(election):
    """Three candidates in the first round; Ann and Bob in the run-off."""
    contest = election.contests.get()
    BallotOption.objects.create(contest=contest, code="cem", name="Cem", position=3)
    ann, bob = BallotOption.objects.filter(code__in=["ann", "bob"]).order_by("position")
    first = election.rounds.get()
    runoff = add_round(
        election,
        kind=Round.Kind.RUNOFF,
        voting_day=datetime.date(2026, 5, 15),
        options=[bob, ann],
    )
    return first, runoff


@pytest.fixture
def census(mission, election):
    """A PVT sample of every station of two strata: the estimate is the truth itself."""
    north = add_stations(election, "N1", 12, "N")
    south = add_stations(election, "S1", 8, "S")
    create_pvt_sample(
        mission,
        north + south,
        ["N"] * 12 + ["S"] * 8,
        {"N": 12, "S": 8},
        description="every station",
        seed=1,
    )
    return north + south


def protocol(votes: dict[str, int], registered: int = 1000) -> dict[str, object]:
    valid = sum(votes.values())
    return {
        "ballot_stuffing": "no",
        "observer_access": "full",
        "count_observed": "yes",
        "copy_received": "yes",
        "registered": registered,
        "ballots_issued": valid + 10,
        "ballots_in_boxes": valid + 10,
        "invalid": 10,
        "valid": valid,
        **{f"votes_{code}": count for code, count in votes.items()},
    }


def scope_of(mission, round_):
    return figures.Scope(mission=mission, round=round_)


def send_rounds(mission, form2, stations, rng):
    """First round: three candidates. Run-off: Ann and Bob, Cem's column 0 or missing."""
    first = rng.multinomial(600, [0.4, 0.35, 0.25], size=len(stations))
    second = rng.multinomial(550, [0.52, 0.48], size=len(stations))
    for index, station in enumerate(stations):
        ann, bob, cem = (int(v) for v in first[index])
        report(mission, form2, station, protocol({"ann": ann, "bob": bob, "cem": cem}))
        runoff = {"ann": int(second[index][0]), "bob": int(second[index][1])}
        if index % 2:
            runoff["cem"] = 0
        report(mission, form2, station, protocol(runoff), minutes=TWO_WEEKS)
    return first, second


def test_a_runoff_pvt_gives_the_true_shares_of_its_two_candidates(mission, form2, rounds, census):
    first_round, runoff = rounds
    first, second = send_rounds(mission, form2, census, np.random.default_rng(7))
    result = pvt_estimate(mission, scope_of(mission, runoff))
    assert [code for code, _name in result.options] == ["ann", "bob"]
    assert result.usable == len(census) and result.off_ballot == 0
    truth = second.sum(axis=0) / second.sum()
    shares = {share.name: share.value for share in result.estimate.shares}
    assert shares == pytest.approx({"ann": truth[0], "bob": truth[1]})
    assert result.estimate.share("ann").margin_95 == pytest.approx(0, abs=1e-9)
    earlier = pvt_estimate(mission, scope_of(mission, first_round))
    assert [code for code, _name in earlier.options] == ["ann", "bob", "cem"]
    assert earlier.estimate.share("cem").value == pytest.approx(first[:, 2].sum() / first.sum())


def test_a_sampled_runoff_covers_its_known_truth(mission, election, form2, rounds):
    """Twelve of sixty stations per stratum: the 95% interval holds the true share."""
    _first, runoff = rounds
    rng = np.random.default_rng(11)
    stations = add_stations(election, "N1", 60, "N") + add_stations(election, "S1", 60, "S")
    lean = np.r_[np.full(60, 0.58), np.full(60, 0.44)]
    valid = rng.integers(300, 700, size=120)
    ann = rng.binomial(valid, lean)
    truth = ann.sum() / valid.sum()
    drawn = np.r_[rng.choice(60, 12, replace=False), 60 + rng.choice(60, 12, replace=False)]
    create_pvt_sample(
        mission,
        [stations[i] for i in drawn],
        ["N"] * 12 + ["S"] * 12,
        {"N": 60, "S": 60},
        description="twelve per region",
        seed=2,
    )
    for i in drawn:
        votes = {"ann": int(ann[i]), "bob": int(valid[i] - ann[i])}
        report(mission, form2, stations[i], protocol(votes), minutes=TWO_WEEKS)
    share = pvt_estimate(mission, scope_of(mission, runoff)).estimate.share("ann")
    assert share.contains(truth)
    assert abs(share.value - truth) < 0.03


def test_a_runoff_report_with_votes_for_a_candidate_out_of_the_runoff_is_left_out_and_said(
    client, administrator, mission, form2, rounds, census
):
    _first, runoff = rounds
    send_rounds(mission, form2, census[1:], np.random.default_rng(3))
    report(
        mission,
        form2,
        census[0],
        protocol({"ann": 200, "bob": 200, "cem": 50}),
        minutes=TWO_WEEKS,
    )
    result = pvt_estimate(mission, scope_of(mission, runoff))
    assert result.off_ballot == 1 and result.left_out == 1
    client.force_login(administrator)
    page = client.get(reverse("findings:pvt", args=[mission.slug]), {"round": 2})
    text = page.content.decode()
    assert "not on this round's ballot" in text
    assert "Votes for Cem" not in text and "Cem" not in str(page.context["estimates"])


def test_official_results_are_of_the_round_they_were_imported_for(mission, form2, rounds, census):
    first_round, runoff = rounds
    _first, second = send_rounds(mission, form2, census, np.random.default_rng(5))
    import_official_results(
        mission,
        csv_file(
            "figure,value\nregistered,20000\nballots_issued,12200\nvalid,12000\n"
            "ann,4800\nbob,4200\ncem,3000\n"
        ),
        round_=first_round,
    )
    rows = ["station,registered,ballots_issued,valid,ann,bob"]
    for index, station in enumerate(census):
        ann, bob = (int(v) for v in second[index])
        if index == 0:
            ann += 30
        rows.append(f"{station.code},1000,{ann + bob + 10},{ann + bob},{ann},{bob}")
    import_official_results(mission, csv_file("\n".join(rows) + "\n"), round_=runoff)
    later = pvt_estimate(mission, scope_of(mission, runoff))
    assert [c.option for c in later.comparison] == ["ann", "bob"]
    assert later.official.round.number == 2
    earlier = pvt_estimate(mission, scope_of(mission, first_round))
    assert [c.option for c in earlier.comparison] == ["ann", "bob", "cem"]
    assert earlier.comparison[0].official == pytest.approx(0.4)
    found = mismatches(mission, later.official, scope_of(mission, runoff))
    assert {(m.station_code, m.figure) for m in found} == {
        (census[0].code, "ballots_issued"),
        (census[0].code, "valid"),
        (census[0].code, "votes_ann"),
    }


def test_the_pvt_page_imports_official_results_for_the_round_it_shows(
    client, administrator, mission, rounds, census
):
    client.force_login(administrator)
    url = reverse("findings:pvt", args=[mission.slug])
    national = (
        "figure,value\nregistered,20000\nballots_issued,11000\nvalid,10800\nann,5600\nbob,5200\n"
    )
    response = client.post(f"{url}?round=2", {"file": csv_file(national, "runoff.csv")})
    assert response.status_code == 302 and response["Location"].endswith("?round=2")
    assert mission.official_results.get().round.number == 2
    refused = client.post(f"{url}?round=1", {"file": csv_file(national, "first.csv")})
    assert "missing figures: cem" in refused.content.decode()
