"""Check a statement: its categorical claims and the criteria of a credible statement.

The one entry point that the ``pollwatch statement check`` command and the
application's page share. Framework-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from pollwatch.statements.claims import ClaimCheck, check_claims
from pollwatch.statements.coverage import CoverageFacts
from pollwatch.statements.criteria import Criterion, assess_criteria


@dataclass(frozen=True, slots=True)
class StatementCheck:
    """The verdict on one statement.

    Attributes
    ----------
    claims : tuple of ClaimCheck
        Every categorical claim found, in reading order, supported or not.
    criteria : tuple of Criterion
        The criteria of a credible statement, in the order of ``CRITERIA``.
    """

    claims: tuple[ClaimCheck, ...]
    criteria: tuple[Criterion, ...]

    @property
    def flagged(self) -> tuple[ClaimCheck, ...]:
        """The claims the facts do not support."""
        return tuple(check for check in self.claims if not check.supported)

    def as_json(self) -> dict[str, list[dict[str, object]]]:
        """``{"claims": [...], "criteria": [...]}``, as the command writes it."""
        return {
            "claims": [check.as_json() for check in self.claims],
            "criteria": [criterion.as_json() for criterion in self.criteria],
        }


def check_statement(text: str, facts: CoverageFacts) -> StatementCheck:
    """Check the claims in ``text`` against ``facts`` and judge it against the criteria."""
    claims = check_claims(text, facts)
    return StatementCheck(claims=claims, criteria=assess_criteria(text, facts, claims))
