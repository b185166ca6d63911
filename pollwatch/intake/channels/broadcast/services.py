"""Broadcasts: one message to all observers, a team, or the observers of an area.

Each recipient gets a ``Delivery`` row before anything is sent, so a broadcast
interrupted half way shows who got it; gateways that report delivery update
the row by the message id they returned.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pollwatch.accounts.scoping import sent_by_own_organisation
from pollwatch.audit.services import log_action
from pollwatch.intake.channels.sms.gateways.outbound import (
    GatewayUnavailable,
    OutboundGateway,
    outbound_gateway,
)
from pollwatch.intake.models import Broadcast, Delivery
from pollwatch.missions.models import Member, Mission, Team
from pollwatch.registry.models import Area

MAX_TEXT = 640


class BroadcastRefused(Exception):
    """A broadcast that cannot be sent; the message says what to change."""


def recipients(
    mission: Mission, audience: str, *, team: Team | None = None, area: Area | None = None
) -> QuerySet[Member]:
    members = mission.members.filter(role=Member.Role.OBSERVER).exclude(phone="")
    if audience == Broadcast.Audience.TEAM:
        if team is None:
            raise BroadcastRefused(_("choose the team to send to"))
        return members.filter(team=team)
    if audience == Broadcast.Audience.AREA:
        if area is None:
            raise BroadcastRefused(_("choose the area to send to"))
        teams = Area.objects.within([area]).values("teams")
        return members.filter(team__in=teams).distinct()
    return members


def send_broadcast(
    mission: Mission,
    text: str,
    audience: str,
    *,
    actor: User,
    team: Team | None = None,
    area: Area | None = None,
) -> Broadcast:
    """Record the broadcast and its deliveries, then hand each message to the gateway."""
    text = text.strip()
    if not text:
        raise BroadcastRefused(_("the message is empty"))
    if len(text) > MAX_TEXT:
        raise BroadcastRefused(
            _("the message is longer than %(count)s characters") % {"count": MAX_TEXT}
        )
    try:
        gateway = outbound_gateway()
    except GatewayUnavailable as error:
        raise BroadcastRefused(str(error)) from error
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            mission=mission, text=text, audience=audience, team=team, area=area, created_by=actor
        )
        # In a coalition, a member organisation's coordinator writes only to its observers.
        chosen = recipients(mission, audience, team=team, area=area).filter(
            sent_by_own_organisation(actor, "")
        )
        phones = sorted({m.phone: m for m in chosen}.items())
        Delivery.objects.bulk_create(
            Delivery(broadcast=broadcast, member=member, phone=phone) for phone, member in phones
        )
        log_action(
            "intake.broadcast_sent",
            actor=actor,
            target=broadcast,
            data={"audience": audience, "recipients": len(phones)},
        )
    for delivery in broadcast.deliveries.all():
        _send_one(gateway, delivery, text)
    return broadcast


def _send_one(gateway: OutboundGateway, delivery: Delivery, text: str) -> None:
    try:
        sent = gateway.send(delivery.phone, text)
    except Exception as error:  # a gateway failure for one number must not stop the rest
        delivery.status, delivery.error = Delivery.Status.FAILED, str(error)[:300]
    else:
        delivery.status, delivery.gateway_message_id = sent.status, sent.message_id
    delivery.save(update_fields=["status", "error", "gateway_message_id", "updated_at"])
