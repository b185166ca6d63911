import pytest
from django.core.management import CommandError, call_command

from pollwatch.accounts.roles import Role, mission_role, own_mission_id
from pollwatch.missions.models import Member


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_a_coordinator_login_belongs_to_one_mission(mission):
    output = run("create", "nino", "--role", "coordinator", "--mission", mission.slug)
    member = Member.objects.get(user__username="nino")
    assert member.mission == mission and member.role == "coordinator"
    assert mission_role(member.user) is Role.COORDINATOR
    assert own_mission_id(member.user) == mission.pk
    assert "shown once" in output


def test_an_existing_member_gets_the_login(mission):
    Member.objects.create(mission=mission, full_name="Ana Lee", role="head_of_mission")
    run("create", "ana", "--role", "core-team", "--mission", mission.slug, "--member", "Ana Lee")
    member = Member.objects.get(full_name="Ana Lee")
    assert member.user.username == "ana" and member.role == "head_of_mission"
    assert "ana\thead of mission" in run("list", "--mission", mission.slug)


def test_a_role_without_a_mission_is_refused(db):
    with pytest.raises(CommandError, match="holds that role in one mission"):
        run("create", "floating", "--role", "analyst")


def test_an_unknown_mission_is_named(db):
    with pytest.raises(CommandError, match="no mission 'nope'"):
        run("create", "x", "--role", "observer", "--mission", "nope")
