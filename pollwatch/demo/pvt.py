"""A simulated parallel vote tabulation for the demo mission, with a known truth.

Every station of the demo country gets a true result (votes per candidate
drawn around regional shares). A stratified random PVT sample of stations is
drawn by region (:func:`pollwatch.stats.sampling.draw_stratified_sample`);
observers at most sampled stations send PVT form 2 through the intake with
the figures of the true protocol. The official results then published are
the truth everywhere except in one region, where the leader's votes were
inflated during tabulation: the PVT comparison flags the leader's official
share and the station-by-station check lists every inflated protocol.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

import numpy as np

from pollwatch.demo.election_day import install_library_forms, send_report
from pollwatch.findings.services import create_pvt_sample, import_official_results, option_codes
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import PollingStation
from pollwatch.stats.sampling import draw_stratified_sample

NATIONAL_SHARES = np.array([0.46, 0.29, 0.13, 0.08, 0.04])
INFLATED_REGION = "R3"
INFLATION = 0.18  # of the registered voters, added to the leader's votes
SAMPLE_SIZE = 300  # or a third of the stations in a small demo country
REPORTING = 0.92


@dataclass(frozen=True, slots=True)
class DemoPVT:
    sampled: int
    reports: int
    inflated_region: str


def simulate_pvt(mission: Mission, seed: int = 2026) -> DemoPVT:
    """Draw the PVT sample, send the observers' form 2 reports and publish official results."""
    rng = np.random.default_rng(seed + 29)
    stations = list(
        PollingStation.objects.filter(election=mission.election)
        .select_related("area")
        .order_by("code")
    )
    regions = np.array([station.area.code.split("-")[0] for station in stations])
    registered = np.array([station.registered_voters for station in stations])
    truth = _true_results(regions, registered, rng)
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
    codes = [code for code, _name in option_codes(mission.election)]
    reports = _send_reports(mission, stations, draw.selected, truth, codes, rng)
    official = _inflated(truth, regions)
    import_official_results(
        mission, _results_csv(stations, official, codes), filename="official.csv"
    )
    return DemoPVT(sampled=len(draw.selected), reports=reports, inflated_region=INFLATED_REGION)


def _true_results(
    regions: np.ndarray, registered: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Registered, issued, valid and votes per candidate at every station."""
    count = len(regions)
    lean = {region: rng.dirichlet(NATIONAL_SHARES * 200) for region in np.unique(regions)}
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
    mission: Mission,
    stations: list[PollingStation],
    selected: np.ndarray,
    truth: dict[str, np.ndarray],
    codes: list[str],
    rng: np.random.Generator,
) -> int:
    observers = list(
        Member.objects.filter(mission=mission, role=Member.Role.OBSERVER, team__isnull=False)
        .select_related("team", "mission__election")
        .order_by("id")
    )
    if not observers:
        return 0
    version = install_library_forms()["pvt_form2"]
    sent = 0
    for position, index in enumerate(selected):
        if rng.random() > REPORTING:
            continue
        member = observers[position % len(observers)]
        data = {
            "key": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
            "form": "pvt_form2",
            "version": version.version,
            "station": stations[index].code,
            "answers": _form2_answers(truth, index, codes),
        }
        send_report(member, data)
        sent += 1
    return sent


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
) -> io.BytesIO:
    lines = ["station,registered,ballots_issued,valid," + ",".join(codes)]
    valid = results["votes"].sum(axis=1)
    for index, station in enumerate(stations):
        votes = ",".join(str(int(v)) for v in results["votes"][index])
        lines.append(
            f"{station.code},{int(results['registered'][index])},"
            f"{int(results['issued'][index])},{int(valid[index])},{votes}"
        )
    buffer = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    buffer.name = "official.csv"
    return buffer
