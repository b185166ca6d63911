"""Accrediting mission members with the host commission and issuing and revoking their badges.

The host election commission decides; the mission records what it asked for
and what was decided, and issues badges only to members whose accreditation
was granted. Only a certified member (one who passed the briefing their
mission requires) may be accredited.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pollwatch.accounts.certification import is_certified
from pollwatch.accreditation.models import Badge
from pollwatch.accreditation.photos import PhotoRefused, checked_photo
from pollwatch.audit.services import log_action
from pollwatch.missions.models import Member

Status = Member.Accreditation


class AccreditationError(Exception):
    """An accreditation or badge action that cannot be done; the message says why."""


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("mission").get(pk=member.pk)


def _save_status(member: Member, status: str, *fields: str) -> None:
    member.accreditation_status = status
    member.save(update_fields=["accreditation_status", *fields])


@transaction.atomic
def request_accreditation(member: Member, *, actor: User | None = None) -> Member:
    """Record that the mission asked the host commission to accredit ``member``."""
    member = _locked(member)
    if member.accreditation_status in (Status.PENDING, Status.GRANTED):
        raise AccreditationError(
            _("%(name)s's accreditation is already %(status)s.")
            % {"name": member.full_name, "status": member.get_accreditation_status_display()}
        )
    _save_status(member, Status.PENDING)
    log_action("accreditation.requested", actor=actor, target=member)
    return member


@transaction.atomic
def grant_accreditation(
    member: Member,
    *,
    number: str,
    valid_until: datetime.date | None = None,
    actor: User | None = None,
) -> Member:
    """Record the commission's accreditation of ``member`` under ``number``.

    ``valid_until`` defaults to the mission's last day in the country.
    """
    member = _locked(member)
    _check_may_be_granted(member, number)
    member.accreditation_number = number.strip()
    member.accreditation_valid_until = valid_until or member.mission.departure
    _save_status(member, Status.GRANTED, "accreditation_number", "accreditation_valid_until")
    log_action(
        "accreditation.granted",
        actor=actor,
        target=member,
        data={
            "number": member.accreditation_number,
            "valid_until": member.accreditation_valid_until.isoformat(),
        },
    )
    return member


def _check_may_be_granted(member: Member, number: str) -> None:
    if member.accreditation_status == Status.GRANTED:
        raise AccreditationError(_("%(name)s is already accredited.") % {"name": member.full_name})
    if not is_certified(member):
        raise AccreditationError(
            _(
                "%(name)s is not certified: only members who passed the briefing "
                "their mission requires can be accredited."
            )
            % {"name": member.full_name}
        )
    if not number.strip():
        raise AccreditationError(_("Give the accreditation number the commission issued."))
    taken = Member.objects.filter(
        mission=member.mission_id, accreditation_number=number.strip()
    ).exclude(pk=member.pk)
    if taken.exists():
        raise AccreditationError(
            _("Accreditation number %(number)s is already %(name)s's.")
            % {"number": number.strip(), "name": taken.get().full_name}
        )


@transaction.atomic
def refuse_accreditation(member: Member, *, reason: str = "", actor: User | None = None) -> Member:
    """Record that the commission refused to accredit ``member``."""
    member = _locked(member)
    if member.accreditation_status != Status.PENDING:
        raise AccreditationError(
            _("Only a pending request can be refused; %(name)s's is %(status)s.")
            % {"name": member.full_name, "status": member.get_accreditation_status_display()}
        )
    _save_status(member, Status.REFUSED)
    log_action("accreditation.refused", actor=actor, target=member, data={"reason": reason})
    return member


@transaction.atomic
def revoke_accreditation(member: Member, *, reason: str = "", actor: User | None = None) -> Member:
    """Record that ``member``'s accreditation was withdrawn; their badge is revoked with it."""
    member = _locked(member)
    if member.accreditation_status != Status.GRANTED:
        raise AccreditationError(_("%(name)s is not accredited.") % {"name": member.full_name})
    _save_status(member, Status.REVOKED)
    log_action("accreditation.revoked", actor=actor, target=member, data={"reason": reason})
    for badge in Badge.objects.filter(member=member).active():
        _revoke(badge, _("accreditation revoked"), actor)
    return member


@transaction.atomic
def issue_badge(
    member: Member,
    *,
    photo: UploadedFile | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    actor: User | None = None,
) -> Badge:
    """A badge for an accredited member, replacing (revoking) the one they hold.

    It is valid from the mission's arrival until the accreditation ends, unless
    narrower dates are given.
    """
    member = _locked(member)
    if member.accreditation_status != Status.GRANTED:
        raise AccreditationError(
            _("%(name)s is not accredited: a badge needs a granted accreditation.")
            % {"name": member.full_name}
        )
    start = valid_from or member.mission.arrival
    end = valid_until or member.accreditation_valid_until or member.mission.departure
    if end < start:
        raise AccreditationError(_("The badge's last valid day comes before its first."))
    for previous in Badge.objects.filter(member=member).active():
        _revoke(previous, _("replaced by a new badge"), actor)
    badge = Badge(member=member, valid_from=start, valid_until=end, issued_by=actor)
    if photo is not None:
        try:
            stored = checked_photo(photo)
        except PhotoRefused as refused:
            raise AccreditationError(str(refused)) from refused
        badge.photo.save(stored.name, stored.content, save=False)
    badge.save()
    log_action(
        "accreditation.badge_issued",
        actor=actor,
        target=badge,
        data={"member": member.pk, "valid_from": start.isoformat(), "valid_until": end.isoformat()},
    )
    return badge


@transaction.atomic
def revoke_badge(badge: Badge, *, reason: str, actor: User | None = None) -> Badge:
    """Withdraw a badge: its check page says REVOKED from now on."""
    badge = Badge.objects.select_for_update().get(pk=badge.pk)
    if badge.revoked_at is not None:
        raise AccreditationError(_("This badge is already revoked."))
    if not reason.strip():
        raise AccreditationError(_("Say why the badge is revoked."))
    _revoke(badge, reason.strip(), actor)
    return badge


def _revoke(badge: Badge, reason: str, actor: User | None) -> None:
    badge.revoked_at = timezone.now()
    badge.revoked_reason = reason
    badge.save(update_fields=["revoked_at", "revoked_reason"])
    log_action("accreditation.badge_revoked", actor=actor, target=badge, data={"reason": reason})
