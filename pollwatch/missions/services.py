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
