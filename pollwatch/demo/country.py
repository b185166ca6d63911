"""A fictional country for demonstrations: regions, districts, stations, a mission.

Everything is drawn from one seeded generator, so the same seed gives the same
country. Data goes in through the same import services a user would call.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from pollwatch.missions.importing import import_members
from pollwatch.missions.models import Member, Mission, Organisation, Team
from pollwatch.missions.services import log_meeting
from pollwatch.registry.areas import import_areas
from pollwatch.registry.boundaries import import_boundaries
from pollwatch.registry.importing import import_stations
from pollwatch.registry.models import Area, Election, PollingStation
from pollwatch.registry.services import create_election

ELECTION_SLUG = "veloria-2026"
# Veloria lies where the Caucasus is; its reports are timed in this zone.
TIME_ZONE = "Asia/Tbilisi"
MISSION_SLUG = "veloria-ieom-2026"
REGIONS = [
    ("R1", "Northern Highlands", 42.5, 44.1),
    ("R2", "Capital Region", 41.7, 44.8),
    ("R3", "Eastern Plains", 41.6, 45.9),
    ("R4", "River Valley", 42.1, 43.0),
    ("R5", "Coastal Lowlands", 41.9, 41.8),
    ("R6", "Southern Hills", 41.3, 43.6),
]
DISTRICT_NAMES = [
    "Ashford",
    "Brenna",
    "Corvel",
    "Dunmore",
    "Elsby",
    "Farrow",
    "Galen",
    "Harlow",
    "Istra",
    "Jarvik",
    "Kessel",
    "Lorne",
    "Marden",
    "Norvik",
    "Oakham",
    "Pelham",
    "Quarry",
    "Rosen",
    "Selwyn",
    "Tarn",
    "Ulm",
    "Varda",
    "Wexley",
    "Yarrow",
    "Zenith",
    "Amberly",
    "Birchwood",
    "Caldera",
    "Dover",
    "Eastwick",
    "Fennel",
    "Glenmore",
    "Highgate",
    "Ivel",
    "Juniper",
    "Kirkby",
    "Linden",
    "Millbrook",
    "Northam",
    "Orwell",
    "Penrose",
    "Ridley",
]
CANDIDATES = ["Alina Voss", "Boris Kell", "Clara Menon", "Dmitri Hale", "Elif Sarin"]
NATIONALITIES = [
    "Austria",
    "Canada",
    "Denmark",
    "Estonia",
    "France",
    "Georgia",
    "Ireland",
    "Japan",
    "Norway",
    "Poland",
    "Portugal",
    "Sweden",
]
FIRST_NAMES = [
    "Anna",
    "Ben",
    "Chiara",
    "David",
    "Eva",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaia",
    "Lars",
    "Mira",
    "Nils",
    "Olga",
    "Pavel",
    "Rosa",
    "Sami",
    "Tove",
    "Umar",
]
LAST_NAMES = [
    "Berg",
    "Costa",
    "Dahl",
    "Engel",
    "Fischer",
    "Gomez",
    "Holm",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nowak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Sato",
    "Tamm",
    "Urban",
]


@dataclass(frozen=True)
class DemoCountry:
    election: Election
    mission: Mission


def build_country(seed: int = 2026, stations: int = 3000) -> DemoCountry:
    rng = np.random.default_rng(seed)
    election = create_election(
        slug=ELECTION_SLUG,
        name="Veloria presidential election 2026",
        country="Veloria (fictional)",
        date=datetime.date(2026, 11, 22),
        kind=Election.Kind.PRESIDENTIAL,
        options=CANDIDATES,
    )
    election.time_zone = TIME_ZONE
    election.save(update_fields=["time_zone"])
    districts = _import_areas(election, rng)
    import_boundaries(election, _region_outlines(), filename="regions.geojson")
    _import_stations(election, districts, stations, rng)
    mission = _create_mission(election, rng)
    return DemoCountry(election=election, mission=mission)


def _import_areas(election: Election, rng: np.random.Generator) -> list[tuple[str, str, int]]:
    rows = [("code", "name", "parent_code", "level_name")]
    districts = []
    names = iter(DISTRICT_NAMES)
    for index, (code, name, _lat, _lon) in enumerate(REGIONS):
        rows.append((code, name, "", "region"))
        for number in range(1, (7 if index % 2 else 6) + 1):
            district_code = f"{code}-D{number}"
            rows.append((district_code, next(names), code, "district"))
            districts.append((district_code, code, index))
    import_areas(election, _as_csv(rows), filename="areas.csv")
    return districts


def _region_outlines() -> io.BytesIO:
    """Each region's outline: the land nearer its centre than any other's (a Voronoi
    cell), within a box around all of them, so the maps have a base layer."""
    centres = [(lon, lat) for _code, _name, lat, lon in REGIONS]
    lons, lats = [lon for lon, _ in centres], [lat for _, lat in centres]
    box = [
        (min(lons) - 1, min(lats) - 0.8),
        (max(lons) + 1, min(lats) - 0.8),
        (max(lons) + 1, max(lats) + 0.8),
        (min(lons) - 1, max(lats) + 0.8),
    ]
    features = []
    for (code, _name, _lat, _lon), own in zip(REGIONS, centres, strict=True):
        cell = box
        for other in centres:
            if other != own:
                cell = _nearer_to(cell, own, other)
        ring = [[round(lon, 4), round(lat, 4)] for lon, lat in cell]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        )
    return io.BytesIO(json.dumps({"type": "FeatureCollection", "features": features}).encode())


Point = tuple[float, float]


def _nearer_to(polygon: list[Point], own: Point, other: Point) -> list[Point]:
    """The part of a convex ``polygon`` nearer to ``own`` than to ``other``."""

    def side(point: Point) -> float:
        middle = ((own[0] + other[0]) / 2, (own[1] + other[1]) / 2)
        return (point[0] - middle[0]) * (other[0] - own[0]) + (point[1] - middle[1]) * (
            other[1] - own[1]
        )

    kept: list[Point] = []
    for start, end in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if side(start) <= 0:
            kept.append(start)
        if (side(start) <= 0) != (side(end) <= 0):
            share = side(start) / (side(start) - side(end))
            kept.append(
                (start[0] + share * (end[0] - start[0]), start[1] + share * (end[1] - start[1]))
            )
    return kept


def _import_stations(
    election: Election,
    districts: list[tuple[str, str, int]],
    count: int,
    rng: np.random.Generator,
) -> None:
    rows = [
        ("code", "name", "address", "area", "registered_voters", "latitude", "longitude", "kind")
    ]
    weights = rng.dirichlet(np.full(len(districts), 8.0))
    per_district = np.maximum(1, np.round(weights * count)).astype(int)
    voters = np.clip(rng.lognormal(np.log(1100), 0.55, per_district.sum()), 40, 3200).astype(int)
    position = 0
    for (district_code, _region, region_index), n in zip(districts, per_district, strict=True):
        _, _, lat, lon = REGIONS[region_index]
        for _ in range(n):
            number = position + 1
            kind = "special" if rng.random() < 0.02 else "regular"
            rows.append(
                (
                    f"{number:05d}",
                    f"Polling station {number}",
                    f"School {number % 40 + 1}, {district_code}",
                    district_code,
                    str(voters[position]),
                    f"{lat + rng.normal(0, 0.15):.6f}",
                    f"{lon + rng.normal(0, 0.2):.6f}",
                    kind,
                )
            )
            position += 1
    import_stations(election, _as_csv(rows), filename="stations.csv")


def _create_mission(election: Election, rng: np.random.Generator) -> Mission:
    mission = Mission.objects.create(
        slug=MISSION_SLUG,
        name="International Election Observation Mission, Veloria 2026",
        election=election,
        kind=Mission.Kind.INTERNATIONAL,
        arrival=datetime.date(2026, 10, 20),
        departure=datetime.date(2026, 12, 10),
        methodology=(
            "Teams of two observers of different nationalities visit polling stations "
            "drawn at random from the registry and fill in standard checklists."
        ),
    )
    mission.organisations.add(
        Organisation.objects.get_or_create(name="Observers Without Borders (fictional)")[0]
    )
    import_members(mission, _as_csv(_member_rows(rng)), filename="members.csv")
    _assign_areas(mission, election)
    _log_meetings(mission)
    return mission


def _member_rows(rng: np.random.Generator) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        (
            "full_name",
            "role",
            "nationality",
            "languages",
            "email",
            "phone",
            "accreditation_status",
            "accreditation_number",
            "accreditation_valid_until",
            "team",
        )
    ]
    people = [(f, last) for last in LAST_NAMES for f in FIRST_NAMES]
    order = rng.permutation(len(people))
    chosen = [people[i] for i in order[:50]]
    staff = (
        [("head_of_mission", ""), ("core_team", ""), ("core_team", "")]
        + [("coordinator", "")] * 6
        + [("support", "")]
    )
    for index, (role, team) in enumerate(staff + _observer_slots()):
        first, last = chosen[index]
        # Consecutive members (a team's pair) always get different nationalities.
        nationality = NATIONALITIES[(index * 5 + (index // 2)) % len(NATIONALITIES)]
        number = index + 1
        rows.append(
            (
                f"{first} {last}",
                role,
                nationality,
                "English",
                f"{first}.{last}.{number}@observers.example".lower(),
                f"+4420794609{number:02d}",
                # Observers are accredited once briefed and certified (demo/badges.py).
                "pending" if role == "observer" else "granted",
                "" if role == "observer" else f"ACC-{number:04d}",
                "" if role == "observer" else "2026-12-10",
                team,
            )
        )
    return rows


def _observer_slots() -> list[tuple[str, str]]:
    return [("observer", f"T{team:02d}") for team in range(1, 21) for _ in range(2)]


def _assign_areas(mission: Mission, election: Election) -> None:
    regions = list(Area.objects.filter(election=election, level=0).order_by("code"))
    for index, coordinator in enumerate(mission.members.filter(role="coordinator").order_by("id")):
        coordinator.areas.set([regions[index % len(regions)]])
    teams = list(Team.objects.filter(mission=mission).order_by("code"))
    for team, region in zip(teams, _region_of_each_team(regions, len(teams)), strict=True):
        team.areas.set([region])


def _region_of_each_team(regions: list[Area], teams: int) -> list[Area]:
    """Teams shared out over the regions in proportion to their stations (largest remainder).

    A random sample falls on the regions in the same proportion, so every team gets
    about the same number of sampled stations and none is left without a team.
    """
    stations = np.array(
        [PollingStation.objects.filter(area__path__startswith=r.path).count() for r in regions],
        dtype=float,
    )
    quota = teams * stations / stations.sum()
    counts = np.maximum(np.floor(quota).astype(int), 1)
    for index in np.argsort(counts - quota)[: max(teams - counts.sum(), 0)]:
        counts[index] += 1
    return [region for region, count in zip(regions, counts, strict=True) for _ in range(count)]


def _log_meetings(mission: Mission) -> None:
    head = mission.members.filter(role=Member.Role.HEAD_OF_MISSION).first()
    core = list(mission.members.filter(role=Member.Role.CORE_TEAM))
    meetings = [
        (
            datetime.date(2026, 10, 22),
            "Marta Lind",
            "Chair",
            "Central Election Commission",
            "preparations, accreditation of observers, voter lists",
        ),
        (
            datetime.date(2026, 10, 24),
            "Oskar Brandt",
            "Deputy Minister",
            "Ministry of Interior",
            "security on election day, police near polling stations",
        ),
        (
            datetime.date(2026, 10, 27),
            "Leyla Aras",
            "Campaign manager",
            "Alina Voss campaign",
            "campaign environment, access to media, misuse of state resources",
        ),
        (
            datetime.date(2026, 10, 29),
            "Piet Vos",
            "Director",
            "Veloria Civic Watch",
            "citizen observation, complaints, pressure on public employees",
        ),
        (
            datetime.date(2026, 11, 3),
            "Irina Gale",
            "Editor",
            "Free Press Council",
            "media monitoring, coverage of candidates",
        ),
    ]
    for date, name, position, institution, topics in meetings:
        log_meeting(
            mission,
            date=date,
            counterpart_name=name,
            counterpart_position=position,
            institution=institution,
            topics=topics,
            attendees=[m for m in [head, *core[:1]] if m is not None],
            follow_ups="Send the mission's accreditation list."
            if "Commission" in institution
            else "",
        )


def _as_csv(rows: Iterable[Sequence[object]]) -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    buffer = io.BytesIO(text.getvalue().encode("utf-8"))
    buffer.name = "demo.csv"
    return buffer
