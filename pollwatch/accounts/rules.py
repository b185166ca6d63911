"""Permission predicates (django-rules), checked with ``user.has_perm``."""

import rules

from pollwatch.accounts.roles import Role, has_role
from pollwatch.accounts.scoping import can_manage_station, can_review_submission


@rules.predicate
def is_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


@rules.predicate
def manages_registry(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM)


@rules.predicate
def manages_people(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM, Role.COORDINATOR)


@rules.predicate
def reads_mission(user) -> bool:
    return has_role(user, *Role)


@rules.predicate
def manages_station(user, station) -> bool:
    return station is not None and can_manage_station(user, station)


@rules.predicate
def reviews_submission(user, submission) -> bool:
    return submission is not None and can_review_submission(user, submission)


@rules.predicate
def analyses_results(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM, Role.ANALYST)


rules.add_perm("registry.import_stations", manages_registry)
rules.add_perm("statements.edit_statement", manages_registry)
rules.add_perm("forensics.upload_results", analyses_results)
rules.add_perm("intake.review_submission", reviews_submission)
rules.add_perm("intake.correct_payload", manages_people)
rules.add_perm("registry.change_station", manages_station)
rules.add_perm("missions.view_mission", reads_mission)
rules.add_perm("missions.import_members", manages_people)
rules.add_perm("missions.log_meeting", manages_people)
