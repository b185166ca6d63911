"""Who may draw plans and change routes (django-rules predicates)."""

import rules

from pollwatch.accounts.roles import Role, has_role
from pollwatch.accounts.scoping import can_manage_station


@rules.predicate
def draws_plans(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM)


@rules.predicate
def changes_routes(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM, Role.COORDINATOR)


@rules.predicate
def manages_route_station(user, station) -> bool:
    return station is not None and can_manage_station(user, station)


rules.add_perm("deployment.draw_plan", draws_plans)
rules.add_perm("deployment.change_routes", changes_routes)
rules.add_perm("deployment.change_station_route", manages_route_station)
