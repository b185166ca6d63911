"""Who may do what with a mission's briefing (found by django-rules' autodiscovery).

Everyone in a mission reads its briefing and takes its tests; the core team
writes the modules, sees who is briefed, certified and accredited, and gives
certified members their device tokens.
"""

import rules

from pollwatch.accounts.roles import Role
from pollwatch.accounts.rules import ANYONE_IN_MISSION, role_in_mission_of

PERMISSIONS = {
    "briefing.view_briefing": role_in_mission_of(*ANYONE_IN_MISSION),
    "briefing.manage_briefing": role_in_mission_of(Role.CORE_TEAM),
    "briefing.view_overview": role_in_mission_of(Role.CORE_TEAM),
    "briefing.issue_token": role_in_mission_of(Role.CORE_TEAM),
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
