"""Shared builders and the cast of users every test can draw on."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import translation
from hypothesis import settings

from pollwatch.accounts.models import DeviceToken
from pollwatch.accounts.roles import Role
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.definitions import forget_cached_forms
from pollwatch.intake.stations import forget_stations
from pollwatch.missions.devices import forget_remembered_devices
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Member, Mission, Team
from pollwatch.registry.areas import import_areas
from pollwatch.registry.importing import import_stations
from pollwatch.registry.services import create_election
from pollwatch.registry.voting_days import forget_voting_days
from tests.builders import CHECKLIST

PASSWORD = "correct-horse-battery-42"

# Property tests check behaviour, not speed: on a loaded machine one example may take
# longer than hypothesis's default 200 ms deadline, which would fail a correct test.
settings.register_profile("pollwatch", deadline=None)
settings.load_profile("pollwatch")


def csv_file(text: str, name: str = "file.csv") -> io.BytesIO:
    buffer = io.BytesIO(text.encode("utf-8"))
    buffer.name = name
    return buffer


# Argon2 is slow on purpose; tests log in hundreds of people. The production
# hasher is checked on its own in tests/accounts/test_login.py.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(scope="session")
def _media_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _uploaded_files_kept_out_of_the_data_folder(settings, _media_folder):
    # Building the demo stores its official results and their forensic report.
    settings.MEDIA_ROOT = _media_folder


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    # A request activates its language in the thread and Django leaves it active
    # afterwards, so a Russian page in one test would make the next one speak Russian.
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _forms_and_stations_remembered_by_an_earlier_test_forgotten():
    # Each test's database is rolled back, and SQLite then hands out the same ids again.
    forget_cached_forms()
    forget_stations()
    forget_voting_days()
    forget_remembered_devices()


@pytest.fixture
def election(db):
    election = create_election(
        slug="testland-2026",
        name="Testland 2026",
        country="Testland",
        date=datetime.date(2026, 5, 1),
        kind="presidential",
        options=["Ann", "Bob"],
    )
    import_areas(
        election,
        csv_file(
            "code,name,parent_code,level_name\n"
            "N,North,,region\nN1,Lake,N,district\nN2,Hill,N,district\n"
            "S,South,,region\nS1,Lake,S,district\n"
        ),
    )
    import_stations(
        election,
        csv_file(
            "code,name,area,registered_voters\n"
            "001,School One,N1,1200\n002,School Two,N2,800\n003,Library,S1,950\n"
        ),
    )
    return election


@pytest.fixture
def mission(election):
    return mission_on(election, "test-mission", {"T1": "N1", "T2": "S1"}, kind="international")


def mission_on(election, slug: str, teams: dict[str, str], *, kind: str = "citizen") -> Mission:
    """A mission observing ``election`` with teams (code → area code), in April–May 2026."""
    mission = Mission.objects.create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        election=election,
        kind=kind,
        arrival=datetime.date(2026, 4, 1),
        departure=datetime.date(2026, 5, 5),
    )
    for code, area in teams.items():
        Team.objects.create(mission=mission, code=code).areas.set(election.areas.filter(code=area))
    return mission


def _user_with_member(username, role, mission, *, member_role, team=None, areas=()):
    member = Member.objects.create(
        mission=mission, full_name=username.title(), role=member_role, team=team
    )
    member.areas.set(areas)
    return create_user(username, PASSWORD, role, member=member)


@pytest.fixture
def administrator(db):
    return create_user("root-admin", PASSWORD, Role.ADMINISTRATOR)


@pytest.fixture
def analyst(mission):
    return _user_with_member("analyst", Role.ANALYST, mission, member_role="analyst")


@pytest.fixture
def core_team(mission):
    return _user_with_member("core", Role.CORE_TEAM, mission, member_role="core_team")


@pytest.fixture
def coordinator_north(mission):
    return _user_with_member(
        "coord-north",
        Role.COORDINATOR,
        mission,
        member_role="coordinator",
        areas=mission.election.areas.filter(code="N"),
    )


@pytest.fixture
def coordinator_south(mission):
    return _user_with_member(
        "coord-south",
        Role.COORDINATOR,
        mission,
        member_role="coordinator",
        areas=mission.election.areas.filter(code="S"),
    )


@pytest.fixture
def observer_north(mission):
    return _user_with_member(
        "obs-north",
        Role.OBSERVER,
        mission,
        member_role="observer",
        team=mission.teams.get(code="T1"),
    )


@pytest.fixture
def observer_south(mission):
    return _user_with_member(
        "obs-south",
        Role.OBSERVER,
        mission,
        member_role="observer",
        team=mission.teams.get(code="T2"),
    )


@pytest.fixture
def outsider(db):
    """A login that belongs to no mission."""
    return User.objects.create_user("outsider", password=PASSWORD)


@pytest.fixture
def checklist(db):
    """A short voting checklist with a critical item and the overall assessment."""
    return publish_form_version(CHECKLIST)


@pytest.fixture
def observer_token(observer_north):
    return DeviceToken.issue(observer_north, "phone")[1]
