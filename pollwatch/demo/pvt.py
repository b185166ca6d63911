"""A simulated parallel vote tabulation for the demo election, with a known truth.

Every station of the demo country gets a true result (votes per candidate
drawn around regional shares). A stratified random PVT sample of stations is
drawn by region (:func:`pollwatch.stats.sampling.draw_stratified_sample`)
by a citizen observer group, a mission of its own: one of its observers
stays at each sampled station, and most of them send PVT form 2 through the
intake once the count is over, with the figures of the true protocol. The
official results then published are the truth everywhere except in one
region, where the leader's votes were inflated during tabulation: the PVT
comparison flags the leader's official share and the station-by-station check
lists every inflated protocol.
"""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from dataclasses import dataclass

import numpy as np
from django.db.models import F

from pollwatch.demo.country import FIRST_NAMES, LAST_NAMES
from pollwatch.demo.election_day import install_library_forms, send_report, visit_time
from pollwatch.findings.models import PVTStation
from pollwatch.findings.services import create_pvt_sample, import_official_results, option_codes
from pollwatch.intake.models import Submission
from pollwatch.missions.importing import import_members
from pollwatch.missions.models import Member, Mission, Organisation
from pollwatch.registry.models import Election, PollingStation, Round
from pollwatch.stats.sampling import draw_stratified_sample

NATIONAL_SHARES = np.array([0.46, 0.29, 0.13, 0.08, 0.04])
RUNOFF_SHARES = np.array([0.53, 0.47])  # of the two candidates on the run-off's ballot
INFLATED_REGION = "R3"
INFLATION = 0.18  # of the registered voters, added to the leader's votes
SAMPLE_SIZE = 300  # or a third of the stations in a small demo country
REPORTING = 0.92
CORPS_SLUG = "veloria-civic-watch-2026"
CORPS_ORGANISATION = "Veloria Civic Watch (fictional)"


@dataclass(frozen=True, slots=True)
class DemoPVT:
    corps: Mission
    sampled: int
    reports: int
    inflated_region: str
    official_results: bytes


def simulate_pvt(election: Election, seed: int = 2026) -> DemoPVT:
    """The citizen observers' PVT: sample, observers, form 2 reports, then the official results.

    The official results are returned too, as the per-station file the election
    commission published, for the forensic tests.
    """
    rng = np.random.default_rng(seed + 29)
    mission = _citizen_corps(election)
    stations = list(
        PollingStation.objects.filter(election=election).select_related("area").order_by("code")
    )
    regions = np.array([station.area.code.split("-")[0] for station in stations])
    registered = np.array([station.registered_voters for station in stations])
    truth = _true_results(regions, registered, rng, NATIONAL_SHARES)
    size = min(SAMPLE_SIZE, len(stations) // 3)
    draw = draw_stratified_sample(regions, size, seed, stratified_by=("region",))
    labels, sizes = np.unique(regions, return_counts=True)
    create_pvt_sample(
        mission,
        [stations[i] for i in draw.selected],
        regions[draw.selected].tolist(),
        dict(zip(labels.tolist(), sizes.tolist(), strict=True)),
        description=draw.describe(),
        seed=seed,
    )
    codes = [code for code, _name in option_codes(election)]
    observers = _enlist_observers(mission, len(draw.selected), rng)
    reports = _send_reports(observers, stations, draw.selected, truth, codes, rng)
    _as_sent(observers)
    official = _results_csv(stations, _inflated(truth, regions), codes)
    import_official_results(mission, io.BytesIO(official), filename="official.csv")
    return DemoPVT(
        corps=mission,
        sampled=len(draw.selected),
        reports=reports,
        inflated_region=INFLATED_REGION,
        official_results=official,
    )


def _citizen_corps(election: Election) -> Mission:
    mission = Mission.objects.create(
        slug=CORPS_SLUG,
        name="Veloria Civic Watch: citizen observers, 2026",
        election=election,
        kind=Mission.Kind.CITIZEN,
        arrival=election.date,
        departure=election.date,
        methodology=(
            "One citizen observer stays all day at each polling station of a random "
            "sample and copies the official count protocol: a parallel vote tabulation."
        ),
    )
    mission.organisations.add(Organisation.objects.get_or_create(name=CORPS_ORGANISATION)[0])
    return mission


def _enlist_observers(mission: Mission, count: int, rng: np.random.Generator) -> list[Member]:
    """One citizen observer for each sampled station, in the order of the sample."""
    people = [(first, last) for last in LAST_NAMES for first in FIRST_NAMES]
    order = rng.permutation(len(people))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(("full_name", "role", "nationality", "email"))
    for number in range(1, count + 1):
        first, last = people[order[(number - 1) % len(people)]]
        email = f"{first}.{last}.{number}@civicwatch.example".lower()
        writer.writerow((f"{first} {last}", "observer", "Veloria", email))
    members = io.BytesIO(text.getvalue().encode("utf-8"))
    import_members(mission, members, filename="observers.csv")
    return list(
        Member.objects.filter(mission=mission, role=Member.Role.OBSERVER)
        .select_related("team", "mission__election")
        .order_by("id")
    )


def _true_results(
    regions: np.ndarray,
    registered: np.ndarray,
    rng: np.random.Generator,
    national: np.ndarray,
) -> dict[str, np.ndarray]:
    """Registered, issued, valid and votes per candidate (``national`` shares) at every station."""
    count = len(regions)
    lean = {region: rng.dirichlet(national * 200) for region in np.unique(regions)}
    shares = np.array([rng.dirichlet(lean[region] * 300) for region in regions])
    turnout = np.clip(rng.beta(12, 8, size=count), 0.2, 0.95)
    issued = np.round(registered * turnout).astype(np.int64)
    invalid = rng.binomial(issued, 0.02)
    valid = issued - invalid
    votes = np.array([rng.multinomial(v, p) for v, p in zip(valid, shares, strict=True)])
    return {"registered": registered, "issued": issued, "invalid": invalid, "votes": votes}


def _inflated(truth: dict[str, np.ndarray], regions: np.ndarray) -> dict[str, np.ndarray]:
    inside = regions == INFLATED_REGION
    room = truth["registered"] - truth["issued"]
    extra = np.where(inside, np.minimum(np.round(truth["registered"] * INFLATION), room), 0)
    extra = extra.astype(np.int64)
    votes = truth["votes"].copy()
    votes[:, 0] += extra
    return {
        "registered": truth["registered"],
        "issued": truth["issued"] + extra,
        "invalid": truth["invalid"],
        "votes": votes,
    }


def _send_reports(
    observers: list[Member],
    stations: list[PollingStation],
    selected: np.ndarray,
    truth: dict[str, np.ndarray],
    codes: list[str],
    rng: np.random.Generator,
    voting_day: datetime.date | None = None,
) -> int:
    """Form 2 from most sampled stations, each timed after the count, as its phone would."""
    version = install_library_forms()["pvt_form2"]
    sent = 0
    for observer, index in zip(observers, selected, strict=True):
        if rng.random() > REPORTING:
            continue
        election = observer.mission.election
        data = {
            "key": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
            "form": "pvt_form2",
            "version": version.version,
            "station": stations[index].code,
            "device_time": visit_time(election, "pvt_form2", rng, voting_day).isoformat(),
            "answers": _form2_answers(truth, index, codes),
        }
        send_report(observer, data)
        sent += 1
    return sent


def _as_sent(observers: list[Member]) -> None:
    """Each report arrived when it was sent on election night, not when the demo ran."""
    if observers:
        Submission.objects.filter(mission=observers[0].mission, device_time__isnull=False).update(
            received_at=F("device_time")
        )


def _form2_answers(truth: dict[str, np.ndarray], index: int, codes: list[str]) -> dict[str, object]:
    issued = int(truth["issued"][index])
    invalid = int(truth["invalid"][index])
    votes = truth["votes"][index]
    return {
        "ballot_stuffing": "no",
        "observer_access": "full",
        "count_observed": "yes",
        "copy_received": "yes",
        "registered": int(truth["registered"][index]),
        "ballots_issued": issued,
        "ballots_in_boxes": issued,
        "invalid": invalid,
        "valid": int(votes.sum()),
        **{f"votes_{code}": int(value) for code, value in zip(codes, votes, strict=True)},
    }


def _results_csv(
    stations: list[PollingStation], results: dict[str, np.ndarray], codes: list[str]
) -> bytes:
    lines = ["station,registered,ballots_issued,valid," + ",".join(codes)]
    valid = results["votes"].sum(axis=1)
    for index, station in enumerate(stations):
        votes = ",".join(str(int(v)) for v in results["votes"][index])
        lines.append(
            f"{station.code},{int(results['registered'][index])},"
            f"{int(results['issued'][index])},{int(valid[index])},{votes}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def simulate_runoff_pvt(corps: Mission, runoff: Round, seed: int = 2026) -> int:
    """The citizen observers' PVT of the run-off: the same sample, its two candidates.

    The observers stay at the stations of the mission's PVT sample, as in the
    first round, and copy the run-off's count protocol: votes for the options
    on the round's ballot, 0 for the others (the phone's form lists every
    option). The official results of the run-off are the true ones.
    How many reports were sent.
    """
    rng = np.random.default_rng(seed + 31)
    election = corps.election
    stations = list(
        PollingStation.objects.filter(election=election).select_related("area").order_by("code")
    )
    index_of = {station.pk: index for index, station in enumerate(stations)}
    regions = np.array([station.area.code.split("-")[0] for station in stations])
    registered = np.array([station.registered_voters for station in stations])
    on_ballot = [code for code, _name in option_codes(election, runoff)]
    every = [code for code, _name in option_codes(election)]
    shares = RUNOFF_SHARES if len(on_ballot) == len(RUNOFF_SHARES) else np.ones(len(on_ballot))
    truth = _true_results(regions, registered, rng, shares / shares.sum())
    truth = {**truth, "votes": _with_every_option(truth["votes"], on_ballot, every)}
    sampled = PVTStation.objects.filter(sample__mission=corps).order_by("id")
    selected = np.array([index_of[pk] for pk in sampled.values_list("station_id", flat=True)])
    observers = list(
        Member.objects.filter(mission=corps, role=Member.Role.OBSERVER)
        .select_related("team", "mission__election")
        .order_by("id")
    )
    sent = _send_reports(observers, stations, selected, truth, every, rng, runoff.voting_day)
    _as_sent(observers)
    official = _results_csv(
        stations, {**truth, "votes": _only(truth["votes"], on_ballot, every)}, on_ballot
    )
    import_official_results(
        corps, io.BytesIO(official), filename="official-runoff.csv", round_=runoff
    )
    return sent


def _with_every_option(votes: np.ndarray, on_ballot: list[str], every: list[str]) -> np.ndarray:
    """Votes in the columns of every option of the election, 0 for those not on the ballot."""
    full = np.zeros((votes.shape[0], len(every)), dtype=np.int64)
    for column, code in enumerate(on_ballot):
        full[:, every.index(code)] = votes[:, column]
    return full


def _only(votes: np.ndarray, on_ballot: list[str], every: list[str]) -> np.ndarray:
    return votes[:, [every.index(code) for code in on_ballot]]
