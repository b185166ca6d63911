"""Which round a findings page shows, and how a round's shares changed since the previous one.

A report belongs to the round in whose reporting window the server received
it (:meth:`pollwatch.registry.models.Round.reports_until`); the device never
says which round it reports on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Max
from django.utils import timezone

from pollwatch.findings import figures
from pollwatch.findings.newest_forms import NewestForms
from pollwatch.findings.tables import Table
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Round
from pollwatch.stats.share_difference import ShareDifference, difference_of_shares


def election_rounds(mission: Mission) -> list[Round]:
    """The rounds of the mission's election, in order, each knowing its neighbours."""
    return Round.objects.filter(election=mission.election_id).in_order()


def default_round(mission: Mission, rounds: list[Round]) -> Round | None:
    """The latest round that has reports, or else the round being observed now."""
    if len(rounds) < 2:
        return rounds[0] if rounds else None
    newest = Submission.objects.filter(mission=mission).aggregate(at=Max("received_at"))["at"]
    moment = newest if newest is not None else timezone.now()
    opened = [r for r in rounds if r.reports_from is None or r.reports_from <= moment]
    return opened[-1] if opened else rounds[0]


def chosen_round(mission: Mission, rounds: list[Round], number: str | None) -> Round | None:
    """The round the page asks for by number (``?round=2``), else :func:`default_round`."""
    asked = next((r for r in rounds if str(r.number) == (number or "")), None)
    return asked if asked is not None else default_round(mission, rounds)


def round_scope(mission: Mission, number: str | None = None) -> figures.Scope:
    """Every report of the round asked for by number (or the default round), nothing else."""
    rounds = election_rounds(mission)
    return figures.Scope(mission=mission, round=chosen_round(mission, rounds, number))


def with_round(table: Table, round_: Round | None) -> Table:
    """The table with the round in its download's name and in a last column."""
    if round_ is None:
        return table
    return replace(
        table,
        name=f"{table.name}_round{round_.number}",
        header=(*table.header, "round"),
        rows=tuple((*row, round_.number) for row in table.rows),
    )


@dataclass(frozen=True, slots=True)
class RoundChange:
    """One answer of one question: its share in a round and the previous one."""

    question: str
    value: str
    later: figures.ShareFigure
    earlier: figures.ShareFigure
    change: ShareDifference | None

    @property
    def difference(self) -> float:
        return self.later.share - self.earlier.share


def round_changes(
    scope: figures.Scope, form_code: str, forms: NewestForms | None = None
) -> list[RoundChange]:
    """Every answer of the form's choice questions, in ``scope.round`` and the round before.

    The same form code and question in both rounds; the other filters (area,
    team, phase) apply to both. A change has an interval only when both
    rounds' stations were drawn at random.
    """
    if scope.round is None or scope.round.previous_round is None:
        return []
    before = replace(scope, round=scope.round.previous_round, known={})
    later = figures.form_figures(scope, form_code, forms=forms)
    earlier = {
        (q.code, v.value): v.figure
        for q in figures.form_figures(before, form_code, forms=forms)
        for v in q.values
    }
    changes = []
    for question in later:
        for value in question.values:
            previous = earlier.get((question.code, value.value))
            if previous is None or previous.base == 0 or value.figure.base == 0:
                continue
            changes.append(
                RoundChange(
                    question.code,
                    value.value,
                    value.figure,
                    previous,
                    _change(value.figure, previous),
                )
            )
    return changes


def _change(later: figures.ShareFigure, earlier: figures.ShareFigure) -> ShareDifference | None:
    if later.standard_error is None or earlier.standard_error is None:
        return None
    return difference_of_shares(
        later.share,
        later.standard_error,
        earlier.share,
        earlier.standard_error,
        confidence=later.confidence,
    )
