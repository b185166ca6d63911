import datetime

from django.urls import reverse

from pollwatch.audit.models import AuditEvent
from pollwatch.missions.services import log_meeting


def _log(mission, day, institution):
    return log_meeting(
        mission,
        date=datetime.date(2026, 4, day),
        counterpart_name="X",
        institution=institution,
        topics="t",
    )


def test_meeting_list_filters_by_institution_and_date(client, mission, coordinator_north):
    _log(mission, 2, "Central Election Commission")
    _log(mission, 10, "Ministry of Interior")
    _log(mission, 20, "Central Election Commission")
    client.force_login(coordinator_north)
    url = reverse("missions:meetings", args=[mission.slug])
    page = client.get(url, {"institution": "commission", "date_to": "2026-04-15"})
    shown = [(m.date.day, m.institution) for m in page.context["page"].object_list]
    assert shown == [(2, "Central Election Commission")]


def test_logging_a_meeting_through_the_page_is_audited(client, mission, coordinator_north):
    client.force_login(coordinator_north)
    url = reverse("missions:meetings", args=[mission.slug])
    response = client.post(
        url,
        {
            "date": "2026-04-03",
            "counterpart_name": "Marta Lind",
            "counterpart_position": "Chair",
            "institution": "CEC",
            "topics": "voter lists",
            "notes": "",
            "follow_ups": "",
        },
    )
    assert response.status_code == 302
    assert mission.meetings.get().counterpart_name == "Marta Lind"
    assert (
        AuditEvent.objects.filter(action="missions.meeting_logged", actor=coordinator_north).count()
        == 1
    )


def test_observer_cannot_log_meetings(client, mission, observer_north):
    client.force_login(observer_north)
    url = reverse("missions:meetings", args=[mission.slug])
    client.post(url, {"date": "2026-04-03", "counterpart_name": "X", "institution": "CEC"})
    assert not mission.meetings.exists()
