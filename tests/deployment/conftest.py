"""A small field for deployment tests: 63 stations in three districts, four teams."""

from __future__ import annotations

import pytest

from pollwatch.accounts.roles import Role
from pollwatch.deployment.services import DesignChoices, build_routes, draw_plan
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Team
from pollwatch.registry.importing import import_stations
from pollwatch.registry.models import PollingStation
from tests.conftest import PASSWORD, csv_file

DISTRICTS = {"N1": (30, 42.0, 44.0), "N2": (15, 42.5, 45.0), "S1": (15, 40.0, 44.0)}


def station_rows() -> str:
    lines = ["code,name,area,registered_voters,latitude,longitude"]
    number = 100
    for district, (count, latitude, longitude) in DISTRICTS.items():
        for index in range(count):
            number += 1
            lines.append(
                f"{number},Station {number},{district},{300 + 37 * (number % 23)},"
                f"{latitude + 0.01 * (index % 6):.6f},{longitude + 0.013 * (index // 6):.6f}"
            )
    return "\n".join(lines) + "\n"


@pytest.fixture
def field(mission):
    """T1 and T3 share district N1, T4 has N2, T2 has S1 (in region S)."""
    election = mission.election
    import_stations(election, csv_file(station_rows()))
    t3 = Team.objects.create(mission=mission, code="T3")
    t3.areas.set(election.areas.filter(code="N1"))
    t4 = Team.objects.create(mission=mission, code="T4")
    t4.areas.set(election.areas.filter(code="N2"))
    return mission


@pytest.fixture
def core_user(mission):
    return create_user("core-member", PASSWORD, Role.CORE_TEAM, mission=mission)


@pytest.fixture
def routed_plan(field, core_user):
    plan = draw_plan(
        field,
        DesignChoices(size=24, strata_levels=(0,), reserve_per_stratum=4),
        seed=20261124,
        actor=core_user,
    )
    build_routes(plan, actor=core_user)
    return plan


def station(code: str) -> PollingStation:
    return PollingStation.objects.get(code=code)
