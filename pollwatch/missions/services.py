"""Actions that change a mission's records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from pollwatch.audit.services import log_action
from pollwatch.missions.models import Meeting, Member, Mission


@transaction.atomic
def log_meeting(
    mission: Mission,
    *,
    attendees: Iterable[Member] = (),
    actor: User | None = None,
    **fields: Any,
) -> Meeting:
    meeting = Meeting.objects.create(mission=mission, **fields)
    meeting.attendees.set(attendees)
    log_action(
        "missions.meeting_logged",
        actor=actor,
        target=meeting,
        data={"institution": meeting.institution, "date": meeting.date.isoformat()},
    )
    return meeting


@transaction.atomic
def set_coalition(
    mission: Mission, *, coalition: bool, sharing: str, actor: User | None = None
) -> bool:
    """Say whether the mission is run by a coalition and what its members share of their data.

    Returns whether anything changed; a change goes to the audit trail.
    """
    if sharing not in Mission.CoalitionSharing.values:
        raise ValueError(
            f"unknown sharing {sharing!r}; use one of {', '.join(Mission.CoalitionSharing.values)}"
        )
    before = {"coalition": mission.coalition, "sharing": mission.coalition_sharing}
    after = {"coalition": coalition, "sharing": sharing}
    if before == after:
        return False
    mission.coalition, mission.coalition_sharing = coalition, sharing
    mission.save(update_fields=["coalition", "coalition_sharing"])
    log_action(
        "missions.coalition_set",
        actor=actor,
        target=mission,
        data={name: [before[name], after[name]] for name in after if before[name] != after[name]},
    )
    return True
