"""The demo's citizen observers form a coalition of two members, each with its coordinator
and its observers in teams of its own."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.models import User

from pollwatch.accounts.roles import Role
from pollwatch.demo.coalition import COALITION_MEMBERS, form_citizen_coalition
from pollwatch.demo.pvt import CORPS_SLUG
from pollwatch.demo.users import ensure_demo_users
from pollwatch.findings.services import create_pvt_sample
from pollwatch.intake.models import Submission
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import PollingStation
from tests.conftest import PASSWORD, mission_on
from tests.intake.test_services import send, submission

STATIONS = ("001", "002", "003")  # North, North, South


@pytest.fixture
def corps(election, checklist):
    """A small citizen corps: an observer at each station of its PVT sample, with a report."""
    corps = mission_on(election, CORPS_SLUG, {})
    stations = [PollingStation.objects.get(election=election, code=code) for code in STATIONS]
    create_pvt_sample(corps, stations, ["all"] * 3, {"all": 3}, description="every station")
    for number, code in enumerate(STATIONS):
        observer = create_user(f"citizen-{number}", PASSWORD, Role.OBSERVER, mission=corps)
        send(User.objects.get(pk=observer.pk), submission(checklist, code))
    return corps


def test_the_corps_becomes_a_coalition_of_two_members_sharing_aggregates(corps):
    delegations = form_citizen_coalition(corps)
    corps = Mission.objects.get(pk=corps.pk)
    assert corps.coalition and corps.coalition_sharing == Mission.CoalitionSharing.AGGREGATES
    assert [str(d) for d in delegations] == [m.organisation for m in COALITION_MEMBERS]
    observers = corps.members.filter(role=Member.Role.OBSERVER)
    assert Counter(observers.values_list("delegation", flat=True)) == {
        delegations[0].pk: 2,
        delegations[1].pk: 1,
    }
    teams = dict(observers.order_by("id").values_list("user__username", "team__code"))
    assert teams == {"citizen-0": "VCW-N", "citizen-1": "CBV-N", "citizen-2": "VCW-S"}
    for delegation in delegations:
        assert delegation.head.role == Member.Role.COORDINATOR
        assert delegation.head.delegation == delegation


def test_each_members_coordinator_logs_in_and_reads_only_their_observers_reports(
    corps, mission, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    delegations = form_citizen_coalition(corps)
    logins = ensure_demo_users(mission)
    for member, delegation in zip(COALITION_MEMBERS, delegations, strict=True):
        assert member.login in logins
        coordinator = User.objects.get(username=member.login)
        assert coordinator.check_password(logins[member.login])
        assert coordinator.member.delegation == delegation
        reports = Submission.objects.visible_to(coordinator)
        assert set(reports.values_list("observer__delegation", flat=True)) == {delegation.pk}
        assert Submission.objects.counted_for(coordinator).count() == 3
        people = Member.objects.visible_to(coordinator).filter(role=Member.Role.OBSERVER)
        assert set(people) == set(delegation.members.filter(role=Member.Role.OBSERVER))
        assert reports.count() == people.count()
    assert ensure_demo_users(mission) == logins
