"""Who may accredit members and issue badges: the core team of the member's mission.

Added to the permissions of :mod:`pollwatch.accounts.rules` when django-rules
discovers each app's ``rules`` module, and built from the same predicates.
"""

from __future__ import annotations

import rules

from pollwatch.accounts.roles import Role
from pollwatch.accounts.rules import role_in_mission_of

rules.add_perm("accreditation.manage_accreditation", role_in_mission_of(Role.CORE_TEAM))
