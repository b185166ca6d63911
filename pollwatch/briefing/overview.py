"""The core team's view of a mission's people: who read and passed the briefing, who is
certified, who is accredited."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from pollwatch.missions.models import Member, Mission

OVERVIEW_SORTS = (
    "full_name",
    "role",
    "nationality",
    "modules_read",
    "modules_passed",
    "certified_at",
    "accreditation_status",
)


def members_with_briefing(mission: Mission) -> QuerySet[Member]:
    """The mission's members, each with ``modules_read`` and ``modules_passed`` counted."""
    return (
        Member.objects.filter(mission=mission)
        .select_related("team", "user")
        .annotate(
            # Retired modules no longer count: the overview compares with the modules in use.
            modules_read=Count(
                "briefing_readings",
                filter=Q(briefing_readings__module__retired=False),
                distinct=True,
            ),
            modules_passed=Count(
                "briefing_attempts__module",
                filter=Q(briefing_attempts__passed=True, briefing_attempts__module__retired=False),
                distinct=True,
            ),
        )
    )


def filtered(
    members: QuerySet[Member],
    *,
    query: str,
    role: str,
    certified: str,
    accreditation: str,
    nothing_required: bool = False,
) -> QuerySet[Member]:
    """The members matching the overview's filters.

    While no module is required every member counts as certified (see
    ``certification.has_passed_required_briefing``), with or without a date.
    """
    if query:
        members = members.filter(full_name__icontains=query)
    if role in Member.Role.values:
        members = members.filter(role=role)
    if certified == "not_certified":
        members = members.none() if nothing_required else members.filter(certified_at__isnull=True)
    elif certified == "certified" and not nothing_required:
        members = members.filter(certified_at__isnull=False)
    if accreditation in Member.Accreditation.values:
        members = members.filter(accreditation_status=accreditation)
    return members
