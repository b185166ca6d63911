"""Actions that change a mission's records."""

from __future__ import annotations

from django.db import transaction

from pollwatch.audit.services import log_action
from pollwatch.missions.models import Meeting, Mission


@transaction.atomic
def log_meeting(mission: Mission, *, attendees=(), actor=None, **fields) -> Meeting:
    meeting = Meeting.objects.create(mission=mission, **fields)
    meeting.attendees.set(attendees)
    log_action(
        "missions.meeting_logged",
        actor=actor,
        target=meeting,
        data={"institution": meeting.institution, "date": meeting.date.isoformat()},
    )
    return meeting
