"""The international mission's certified observers accredited, with badges (one revoked)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from pollwatch.accounts.certification import is_certified
from pollwatch.accreditation.models import Badge
from pollwatch.accreditation.services import (
    grant_accreditation,
    issue_badge,
    request_accreditation,
    revoke_badge,
)
from pollwatch.missions.models import Member, Mission

# The host commission records a passport number only for observers without an identity
# card it accepts: in the demo, every third observer.
PASSPORTS_ASKED_OF = 3


@dataclass(frozen=True, slots=True)
class DemoBadges:
    issued: int
    revoked: Badge | None


@transaction.atomic
def issue_demo_badges(mission: Mission) -> DemoBadges:
    """Accredit the certified observers not yet accredited, then badge every accredited one."""
    observers = [
        member
        for member in mission.members.filter(role=Member.Role.OBSERVER).order_by("pk")
        if is_certified(member)
    ]
    for index, member in enumerate(observers):
        if index % PASSPORTS_ASKED_OF == 0 and not member.identity_document:
            member.identity_document = f"VX{7310042 + index * 37:07d}"
            member.save(update_fields=["identity_document"])
        _accredit(member, index)
    badges = [
        issue_badge(member)
        for member in Member.objects.filter(pk__in=[m.pk for m in observers]).order_by("pk")
        if member.accreditation_status == Member.Accreditation.GRANTED
    ]
    revoked = None
    if badges:
        revoked = revoke_badge(badges[-1], reason="reported lost by the observer")
    return DemoBadges(issued=len(badges), revoked=revoked)


def _accredit(member: Member, index: int) -> None:
    if member.accreditation_status == Member.Accreditation.GRANTED:
        return
    if member.accreditation_status != Member.Accreditation.PENDING:
        request_accreditation(member)
    grant_accreditation(member, number=f"ACC-OBS-{index + 1:04d}")
