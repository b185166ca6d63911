"""Permission predicates (django-rules), checked with ``user.has_perm(name, obj)``.

Every permission is about an object whose mission is known (:func:`mission_of`):
a role counts only in its own mission, so a coordinator of one mission holds no
permission on anything of another. Reading lists is narrowed by each model's
``visible_to(user)``; acting on one object is checked here.
"""

from __future__ import annotations

from typing import Any

import rules
from rules.predicates import Predicate

from pollwatch.accounts.roles import AnyUser, Role, has_role, is_administrator, own_mission_id
from pollwatch.accounts.scoping import can_manage_station, can_review_submission


def mission_of(obj: Any) -> int | None:
    """The id of the mission an object belongs to; None for objects of no mission.

    A mission answers its own id as ``mission_id``, like everything it owns.
    """
    if obj is None:
        return None
    if hasattr(obj, "mission_id"):
        return obj.mission_id
    if hasattr(obj, "statement"):
        return obj.statement.mission_id
    if hasattr(obj, "plan"):
        return obj.plan.mission_id
    return None


def role_in_mission_of(*roles: Role) -> Predicate:
    """A predicate: the user holds one of ``roles`` in the mission of the object."""

    def check(user: AnyUser, obj: Any) -> bool:
        mission = mission_of(obj)
        return mission is not None and has_role(user, *roles, mission=mission)

    check.__name__ = "role_in_mission_of_" + "_or_".join(r.name.lower() for r in roles)
    return rules.predicate(check)


def observes_election(*roles: Role) -> Predicate:
    """A predicate on an election: administrators, or ``roles`` of a mission observing it."""

    def check(user: AnyUser, election: Any) -> bool:
        if election is None:
            return False
        if is_administrator(user):
            return True
        mission = own_mission_id(user)
        return (
            mission is not None
            and has_role(user, *roles)
            and election.missions.filter(pk=mission).exists()
        )

    check.__name__ = "observes_election_as_" + "_or_".join(r.name.lower() for r in roles)
    return rules.predicate(check)


@rules.predicate
def manages_field_work(user: AnyUser) -> bool:
    """The core team or a coordinator of the user's own mission (or an administrator)."""
    return has_role(user, Role.CORE_TEAM, Role.COORDINATOR)


@rules.predicate
def manages_station(user: AnyUser, station: Any) -> bool:
    return station is not None and can_manage_station(user, station)


@rules.predicate
def reviews_submission(user: AnyUser, submission: Any) -> bool:
    return submission is not None and can_review_submission(user, submission)


@rules.predicate
def corrects_payload(user: AnyUser, payload: Any) -> bool:
    if payload is None:
        return False
    return type(payload).objects.visible_to(user).filter(pk=payload.pk).exists()


ANYONE_IN_MISSION = (Role.CORE_TEAM, Role.COORDINATOR, Role.ANALYST, Role.OBSERVER)
STAFF = (Role.CORE_TEAM, Role.COORDINATOR, Role.ANALYST)
MANAGERS = (Role.CORE_TEAM, Role.COORDINATOR)
READERS = (Role.CORE_TEAM, Role.ANALYST)

PERMISSIONS = {
    # missions: the page itself (each sees the people scoping lets them see)
    "missions.view_mission": role_in_mission_of(*ANYONE_IN_MISSION),
    "missions.view_meetings": role_in_mission_of(*STAFF),
    "missions.log_meeting": role_in_mission_of(*MANAGERS),
    "missions.import_members": role_in_mission_of(*MANAGERS),
    "missions.export_members": role_in_mission_of(*MANAGERS),
    "missions.manage_delegations": role_in_mission_of(Role.CORE_TEAM),
    "missions.record_documents": role_in_mission_of(Role.CORE_TEAM),
    "missions.change_coalition": role_in_mission_of(Role.CORE_TEAM),
    # registry: stations are shared by every mission on the election
    "registry.import_stations": observes_election(Role.CORE_TEAM),
    "registry.change_rounds": observes_election(Role.CORE_TEAM),
    "registry.change_station": manages_station,
    # deployment
    "deployment.view_plan": role_in_mission_of(*STAFF),
    "deployment.draw_plan": role_in_mission_of(Role.CORE_TEAM),
    "deployment.change_routes": role_in_mission_of(*MANAGERS),
    # intake
    "intake.review_submission": reviews_submission,
    "intake.correct_payload": corrects_payload,
    "intake.review_payloads": manages_field_work,
    # incidents are triaged by whoever may review the report
    "intake.triage_incidents": role_in_mission_of(*MANAGERS),
    "intake.triage_incident": reviews_submission,
    # field channels: the SMS log, console and broadcasts act within one's own mission
    "channels.use_console": manages_field_work,
    # findings and PVT
    "findings.view_findings": role_in_mission_of(*STAFF),
    "findings.view_pvt": role_in_mission_of(*READERS),
    # the mission dashboard: those who run election day
    "findings.view_mission_dashboard": role_in_mission_of(*MANAGERS),
    "findings.change_results": role_in_mission_of(Role.CORE_TEAM),
    # forensics: an analysis is its author's mission's own work
    "forensics.upload_results": observes_election(Role.CORE_TEAM, Role.ANALYST),
    # statements
    "statements.view_statement": role_in_mission_of(*READERS),
    "statements.edit_statement": role_in_mission_of(Role.CORE_TEAM),
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
