"""Whether a mission member has passed the briefing their mission requires.

Only a certified observer may be accredited and hold a device token. What
certification takes (which briefing modules, which pass marks) is decided by
the briefing app, above this one; it registers its rule here from its
``AppConfig.ready``, so the token issuer and the accreditation service ask
one question without knowing the briefing app.
"""

from __future__ import annotations

from collections.abc import Callable

from pollwatch.accounts.roles import Membership

CertificationRule = Callable[[Membership], bool]

_RULE: list[CertificationRule] = []


def register_certification_rule(rule: CertificationRule) -> None:
    """Set the rule; registering again replaces it (apps may be set up twice)."""
    _RULE[:] = [rule]


def is_certified(member: Membership) -> bool:
    """Whether ``member`` passed what their mission requires (everyone, while no rule is set)."""
    return all(rule(member) for rule in _RULE)
