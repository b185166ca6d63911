"""The citizen observers as a coalition: two member organisations share one corps and one PVT.

Veloria Civic Watch and a second civic group each send half of the corps's
observers and a coordinator of their own. Each coordinator sees and manages
their organisation's observers and reports; the other member's reach them
only as counts and shares, the coalition's setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from pollwatch.demo.pvt import CORPS_ORGANISATION
from pollwatch.findings.models import PVTStation
from pollwatch.missions.models import Delegation, Member, Mission, Organisation, Team
from pollwatch.missions.services import set_coalition
from pollwatch.registry.models import Area


@dataclass(frozen=True, slots=True)
class CoalitionMember:
    """A member organisation of the citizen coalition and the coordinator it sends."""

    organisation: str
    short_name: str
    coordinator: str
    coordinator_email: str
    login: str


COALITION_MEMBERS = (
    CoalitionMember(
        CORPS_ORGANISATION,
        "VCW",
        "Irena Dallas",
        "irena.dallas@civicwatch.example",
        "coordinator-vcw",
    ),
    CoalitionMember(
        "Clean Ballot Veloria (fictional)",
        "CBV",
        "Tomas Ferro",
        "tomas.ferro@cleanballot.example",
        "coordinator-cbv",
    ),
)


@transaction.atomic
def form_citizen_coalition(corps: Mission) -> list[Delegation]:
    """Make ``corps`` a coalition of ``COALITION_MEMBERS``, sharing aggregates only.

    Observers are split between the members alternately, in the order they
    enlisted; each member gathers its observers of a region in a team of its
    own, which its coordinator (of every region) sees and manages.
    """
    set_coalition(corps, coalition=True, sharing=Mission.CoalitionSharing.AGGREGATES)
    delegations = [_member_delegation(corps, member) for member in COALITION_MEMBERS]
    observers = list(corps.members.filter(role=Member.Role.OBSERVER).order_by("id"))
    regions = _regions_of(corps, observers)
    for index, observer in enumerate(observers):
        delegation = delegations[index % len(delegations)]
        observer.delegation = delegation
        if observer.pk in regions:
            observer.team = _regional_team(corps, delegation, regions[observer.pk])
    Member.objects.bulk_update(observers, ["delegation", "team"])
    return delegations


def _regions_of(corps: Mission, observers: list[Member]) -> dict[int, Area]:
    """Each observer's region: that of the PVT station they stay at, in the sample's order
    (``pollwatch.demo.pvt`` enlists one observer per sampled station, in that order)."""
    sampled = PVTStation.objects.filter(sample__mission=corps).order_by("id")
    regions = {region.path: region for region in corps.election.areas.filter(level=0)}
    return {
        observer.pk: next(r for path, r in regions.items() if area_path.startswith(path))
        for observer, area_path in zip(
            observers, sampled.values_list("station__area__path", flat=True), strict=False
        )
    }


def _regional_team(corps: Mission, delegation: Delegation, region: Area) -> Team:
    code = f"{delegation.organisation.short_name}-{region.code}"
    team, created = Team.objects.get_or_create(mission=corps, code=code)
    if created:
        team.areas.set([region])
    return team


def _member_delegation(corps: Mission, member: CoalitionMember) -> Delegation:
    organisation, _created = Organisation.objects.get_or_create(
        name=member.organisation,
        defaults={"short_name": member.short_name, "kind": Organisation.Kind.NGO},
    )
    corps.organisations.add(organisation)
    delegation = Delegation.objects.create(mission=corps, organisation=organisation)
    coordinator = Member.objects.create(
        mission=corps,
        full_name=member.coordinator,
        role=Member.Role.COORDINATOR,
        nationality="Veloria",
        home_organisation=member.organisation,
        email=member.coordinator_email,
        delegation=delegation,
    )
    coordinator.areas.set(corps.election.areas.filter(level=0))
    delegation.head = coordinator
    delegation.save(update_fields=["head"])
    return delegation
