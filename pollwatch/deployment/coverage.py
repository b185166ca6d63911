"""Coverage of a plan: planned stations against stations that reported, by area or stratum.

Counting happens in the database: one grouped query per table, with one
``EXISTS`` per phase; only the few rows per leaf area are rolled up to the
chosen level here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from pollwatch.deployment.models import DeploymentPlan
from pollwatch.forms.definition import PHASES
from pollwatch.forms.models import Form
from pollwatch.intake.models import Submission
from pollwatch.registry.models import Area

ELECTION_DAY_PHASES = ("opening", "voting", "counting", "pvt")
DEFAULT_MAX_LOSS = 0.2


@dataclass(slots=True)
class PhaseCoverage:
    """Reports for one phase in one row of the table."""

    phase: str
    reported: int = 0
    reported_voters: int = 0

    def share(self, planned: int) -> float | None:
        return self.reported / planned if planned else None


@dataclass(slots=True)
class CoverageRow:
    """Planned and reporting stations of one area or stratum.

    ``lost`` is true when, in the latest phase with any report in the whole
    plan, the share of planned stations without a report exceeds the
    tolerated loss: the estimates for that row then rest on too few points.
    """

    label: str
    planned: int = 0
    planned_voters: int = 0
    phases: list[PhaseCoverage] = field(default_factory=list)
    lost: bool = False

    def add(self, other: CoverageRow) -> None:
        self.planned += other.planned
        self.planned_voters += other.planned_voters
        for mine, theirs in zip(self.phases, other.phases, strict=True):
            mine.reported += theirs.reported
            mine.reported_voters += theirs.reported_voters


@dataclass(frozen=True, slots=True)
class CoverageTable:
    phases: tuple[str, ...]
    rows: tuple[CoverageRow, ...]
    total: CoverageRow
    checked_phase: str | None
    max_loss: float

    @property
    def warnings(self) -> tuple[CoverageRow, ...]:
        return tuple(row for row in self.rows if row.lost)


def coverage_phases(plan: DeploymentPlan) -> tuple[str, ...]:
    """Election-day phases that have a form or a report, in the order of the day."""
    with_forms = set(Form.objects.values_list("phase", flat=True))
    reported = set(
        Submission.objects.filter(mission=plan.mission_id)
        .values_list("phase", flat=True)
        .order_by()
        .distinct()
    )
    wanted = (with_forms | reported) & set(ELECTION_DAY_PHASES)
    if not wanted:
        wanted = {"pvt"} if plan.is_pvt else {"opening", "voting", "counting"}
    return tuple(phase for phase in PHASES if phase in wanted)


def coverage_by_area(
    plan: DeploymentPlan, level: int = 0, *, max_loss: float = DEFAULT_MAX_LOSS
) -> CoverageTable:
    """Coverage per area at ``level`` of the hierarchy (0 is the top level)."""
    phases = coverage_phases(plan)
    leaves = _grouped(plan, phases, "station__area")
    areas = Area.objects.filter(election=plan.mission.election_id)
    by_id = {area.pk: area for area in areas.only("pk", "name", "path", "level")}
    rows: dict[int, CoverageRow] = {}
    for area_id, leaf in leaves.items():
        parts = by_id[area_id].path.strip("/").split("/")
        ancestor = by_id[int(parts[min(level, len(parts) - 1)])]
        row = rows.setdefault(ancestor.pk, _empty_row(ancestor.name, phases))
        row.add(leaf)
    ordered = sorted(rows.values(), key=lambda row: row.label)
    return _table(phases, ordered, max_loss)


def coverage_by_stratum(
    plan: DeploymentPlan, *, max_loss: float = DEFAULT_MAX_LOSS
) -> CoverageTable:
    """Coverage per stratum of the sampling design."""
    phases = coverage_phases(plan)
    rows = _grouped(plan, phases, "stratum")
    for label, row in rows.items():
        row.label = label
    return _table(phases, sorted(rows.values(), key=lambda row: row.label), max_loss)


def _grouped(plan: DeploymentPlan, phases: tuple[str, ...], key: str) -> dict[Any, CoverageRow]:
    """Coverage rows keyed by the value of ``key`` (a stratum label or an area id)."""
    reports = Submission.objects.filter(
        mission=plan.mission_id, station=OuterRef("station")
    ).exclude(status=Submission.Status.REJECTED)
    if plan.round is not None:
        # A station observed in an earlier round is not covered in this one.
        reports = reports.filter(plan.round.received_within())
    flags = {f"reported_{phase}": Exists(reports.filter(phase=phase)) for phase in phases}
    sums = {"planned": Count("pk"), "planned_voters": Sum("station__registered_voters")}
    for phase in phases:
        reported = Q(**{f"reported_{phase}": True})
        sums[f"n_{phase}"] = Count("pk", filter=reported)
        sums[f"v_{phase}"] = Sum("station__registered_voters", filter=reported)
    query = plan.sampled.planned().annotate(**flags).values(key).annotate(**sums).order_by(key)
    rows: dict[Any, CoverageRow] = {}
    for values in query:
        rows[values[key]] = CoverageRow(
            label=str(values[key]),
            planned=values["planned"],
            planned_voters=values["planned_voters"] or 0,
            phases=[
                PhaseCoverage(phase, values[f"n_{phase}"], values[f"v_{phase}"] or 0)
                for phase in phases
            ],
        )
    return rows


def _empty_row(label: str, phases: tuple[str, ...]) -> CoverageRow:
    return CoverageRow(label=label, phases=[PhaseCoverage(phase) for phase in phases])


def _table(phases: tuple[str, ...], rows: list[CoverageRow], max_loss: float) -> CoverageTable:
    total = _empty_row("", phases)
    for row in rows:
        total.add(row)
    checked = _latest_reported_phase(total)
    if checked is not None:
        index = phases.index(checked)
        for row in [*rows, total]:
            share = row.phases[index].share(row.planned)
            row.lost = share is not None and 1 - share > max_loss
    return CoverageTable(
        phases=phases,
        rows=tuple(rows),
        total=total,
        checked_phase=checked,
        max_loss=max_loss,
    )


def _latest_reported_phase(total: CoverageRow) -> str | None:
    reported = [coverage.phase for coverage in total.phases if coverage.reported]
    return reported[-1] if reported else None
