"""What a mission's own data says about its coverage: the facts behind the method paragraph
and the claim check."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from pollwatch.deployment.models import DeploymentPlan
from pollwatch.findings.figures import in_round
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Delegation, Member, Mission, MissionDocument
from pollwatch.registry.models import Area, PollingStation, Round
from pollwatch.statements.coverage import PHASES, CoverageFacts, PhaseFindings

NEGATIVE = ("bad", "very_bad")
LONG_TERM_DAYS = 28


@dataclass(frozen=True, slots=True)
class DelegationSize:
    """One delegation of the mission: who sent it, its observers and all its members."""

    organisation: str
    observers: int
    members: int


@dataclass(frozen=True, slots=True)
class MandateDocument:
    """The newest document of one kind (invitation, agreement, accreditation decision).

    ``issued_on`` is an ISO date, so the facts stay plain JSON when a statement is published.
    """

    kind: str
    title: str
    issued_by: str
    issued_on: str


@dataclass(frozen=True)
class MissionCoverage:
    stations_observed: int
    stations_total: int
    voters_observed: int
    voters_total: int
    regions_observed: int
    regions_total: int
    is_random: bool
    design: str
    observers: int
    teams: int
    nationalities: tuple[str, ...]
    organisations: tuple[str, ...]
    days_in_country: int
    long_term_observers: bool
    forms: tuple[str, ...]
    phases: tuple[PhaseFindings, ...]
    single_region: str | None
    lead_organisation: str = ""
    delegations: tuple[DelegationSize, ...] = ()
    mandate: tuple[MandateDocument, ...] = ()

    @property
    def voter_share(self) -> float:
        return self.voters_observed / self.voters_total if self.voters_total else 0.0

    def as_facts(self) -> CoverageFacts:
        return CoverageFacts(
            stations_observed=self.stations_observed,
            stations_total=self.stations_total,
            areas_observed=self.regions_observed,
            areas_total=self.regions_total,
            random_selection=self.is_random,
            days_in_country=self.days_in_country,
            long_term_observers=self.long_term_observers,
            phases=self.phases,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def mission_coverage(mission: Mission, round_: Round | None = None) -> MissionCoverage:
    """The mission's coverage: of ``round_``'s reports and plan when given, else of all and now."""
    reports = Submission.objects.filter(mission=mission).exclude(status=Submission.Status.REJECTED)
    if round_ is not None:
        reports = in_round(reports, round_)
    election_stations = PollingStation.objects.filter(election=mission.election_id)
    observed = election_stations.filter(pk__in=reports.values("station"))
    observed_totals = observed.aggregate(n=Count("pk"), voters=Sum("registered_voters"))
    all_totals = election_stations.aggregate(n=Count("pk"), voters=Sum("registered_voters"))
    regions = Area.objects.filter(election=mission.election_id, level=0)
    observed_regions = _regions_of(observed, regions)
    plans = DeploymentPlan.objects.filter(mission=mission)
    plan = plans.filter(is_current=True).first() if round_ is None else plans.of_round(round_)
    observers = _deployed_observers(mission)
    return MissionCoverage(
        stations_observed=observed_totals["n"],
        stations_total=all_totals["n"],
        voters_observed=observed_totals["voters"] or 0,
        voters_total=all_totals["voters"] or 0,
        regions_observed=len(observed_regions),
        regions_total=regions.count(),
        is_random=bool(plan and plan.is_random),
        design=plan.description if plan else "",
        observers=observers.count(),
        teams=mission.teams.filter(members__isnull=False).distinct().count(),
        nationalities=tuple(
            sorted(set(observers.exclude(nationality="").values_list("nationality", flat=True)))
        ),
        organisations=tuple(mission.organisations.values_list("name", flat=True)),
        days_in_country=mission.days_in_country,
        long_term_observers=_long_term_observers(mission),
        forms=tuple(sorted(set(reports.values_list("form_version__form__code", flat=True)))),
        phases=tuple(_phase_findings(reports, phase) for phase in PHASES),
        single_region=next(iter(observed_regions.values())) if len(observed_regions) == 1 else None,
        lead_organisation=mission.lead_organisation.name if mission.lead_organisation else "",
        delegations=_delegation_sizes(mission),
        mandate=_mandate_documents(mission),
    )


def _delegation_sizes(mission: Mission) -> tuple[DelegationSize, ...]:
    return tuple(
        DelegationSize(d.organisation.name, d.observers, d.size)
        for d in Delegation.objects.filter(mission=mission).with_sizes()
    )


MANDATE_KINDS = (
    MissionDocument.Kind.INVITATION,
    MissionDocument.Kind.AGREEMENT,
    MissionDocument.Kind.ACCREDITATION_DECISION,
)


def _mandate_documents(mission: Mission) -> tuple[MandateDocument, ...]:
    """The newest invitation, agreement and accreditation decision the mission recorded."""
    newest: dict[str, MissionDocument] = {}
    for document in mission.documents.filter(kind__in=MANDATE_KINDS).order_by("issued_on", "pk"):
        newest[document.kind] = document
    return tuple(
        MandateDocument(kind, d.title, d.issued_by, d.issued_on.isoformat())
        for kind in MANDATE_KINDS
        if (d := newest.get(kind)) is not None
    )


def _regions_of(stations: QuerySet[PollingStation], regions: QuerySet[Area]) -> dict[int, str]:
    paths = set(stations.values_list("area__path", flat=True))
    by_id = {region.pk: region.name for region in regions}
    found: dict[int, str] = {}
    for path in paths:
        ancestors = path.strip("/") if path else ""
        if not ancestors:
            continue
        first = int(ancestors.split("/")[0])
        if first in by_id:
            found[first] = by_id[first]
    return found


def _deployed_observers(mission: Mission) -> QuerySet[Member]:
    """The observers the mission deployed: those in a team (reserves are not), or all
    of them when the mission works without teams."""
    observers = Member.objects.filter(mission=mission, role=Member.Role.OBSERVER)
    if mission.teams.exists():
        return observers.filter(team__isnull=False)
    return observers


def _long_term_observers(mission: Mission) -> bool:
    has_coordinators = mission.members.filter(role=Member.Role.COORDINATOR).exists()
    lead_time = mission.election.date - mission.arrival
    return has_coordinators and lead_time >= datetime.timedelta(days=LONG_TERM_DAYS)


def _phase_findings(reports: QuerySet[Submission], phase: str) -> PhaseFindings:
    in_phase = reports.filter(phase=phase)
    counts = in_phase.aggregate(
        assessed=Count("station", distinct=True, filter=Q(answers__has_key="overall")),
        negative=Count("station", distinct=True, filter=Q(answers__overall__in=NEGATIVE)),
    )
    critical = in_phase.exclude(alerts=[]).count()
    if phase == "voting":
        critical += reports.filter(phase="incident").exclude(alerts=[]).count()
    return PhaseFindings(
        phase=phase,
        stations_assessed=counts["assessed"],
        assessed_negative=min(counts["negative"], counts["assessed"]),
        critical_incidents=critical,
    )
