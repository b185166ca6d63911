"""Broadcasts to all observers, a team or an area, through a recording gateway."""

from __future__ import annotations

import pytest

from pollwatch.audit.models import AuditEvent
from pollwatch.intake.channels.broadcast.services import BroadcastRefused, send_broadcast
from pollwatch.intake.models import Delivery

from .conftest import OBSERVER_PHONE, RUSSIAN_PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def observers(sms_observer, russian_observer):
    return sms_observer, russian_observer


def test_broadcast_to_all_reaches_every_observer_with_a_phone(
    observers, recording_gateway, coordinator_north, mission
):
    broadcast = send_broadcast(mission, "Report by 08:00", "all", actor=coordinator_north)
    assert sorted(recording_gateway.sent) == [
        (OBSERVER_PHONE, "Report by 08:00"),
        (RUSSIAN_PHONE, "Report by 08:00"),
    ]
    assert set(broadcast.deliveries.values_list("status", flat=True)) == {"sent"}
    assert AuditEvent.objects.filter(action="intake.broadcast_sent").count() == 1


def test_broadcast_to_a_team_or_an_area_reaches_only_them(
    observers, recording_gateway, coordinator_north, mission
):
    send_broadcast(
        mission, "T1 only", "team", actor=coordinator_north, team=mission.teams.get(code="T1")
    )
    south = mission.election.areas.get(code="S")
    send_broadcast(mission, "South only", "area", actor=coordinator_north, area=south)
    assert recording_gateway.sent == [(OBSERVER_PHONE, "T1 only"), (RUSSIAN_PHONE, "South only")]


def test_a_gateway_failure_for_one_number_is_recorded_and_the_rest_are_sent(
    observers, recording_gateway, coordinator_north, mission
):
    recording_gateway.fail_for = {OBSERVER_PHONE}
    broadcast = send_broadcast(mission, "Hello", "all", actor=coordinator_north)
    statuses = dict(broadcast.deliveries.values_list("phone", "status"))
    assert statuses == {OBSERVER_PHONE: "failed", RUSSIAN_PHONE: "sent"}
    assert broadcast.deliveries.get(phone=OBSERVER_PHONE).error == "gateway timed out"


def test_delivery_reports_update_the_status(
    observers, recording_gateway, coordinator_north, mission
):
    broadcast = send_broadcast(mission, "Hello", "all", actor=coordinator_north)
    delivery = broadcast.deliveries.first()
    assert Delivery.objects.record_status(delivery.gateway_message_id, "delivered") == 1
    assert Delivery.objects.get(pk=delivery.pk).status == "delivered"
    assert Delivery.objects.record_status("unknown-id", "delivered") == 0


def test_without_a_configured_gateway_a_broadcast_is_refused(
    observers, settings, coordinator_north, mission
):
    settings.POLLWATCH_SMS_OUTBOUND = None
    with pytest.raises(BroadcastRefused, match="no SMS gateway is configured"):
        send_broadcast(mission, "Hello", "all", actor=coordinator_north)
    with pytest.raises(BroadcastRefused, match="choose the team"):
        settings.POLLWATCH_SMS_OUTBOUND = "tests.intake.channels.conftest.RecordingGateway"
        send_broadcast(mission, "Hello", "team", actor=coordinator_north)
    assert not Delivery.objects.exists()
