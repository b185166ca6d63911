"""Actions that change a mission's records."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from pollwatch.audit.services import log_action
from pollwatch.lib.file_types import allowed_type
from pollwatch.missions.models import (
    Delegation,
    Meeting,
    Member,
    Mission,
    MissionDocument,
    Organisation,
)

# A mission document's type found in its bytes → the extension it is stored under.
# Scans and PDFs only: the file is served inside the application's origin, so nothing
# a browser would run (HTML, SVG) may be kept.
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class MissionError(Exception):
    """A change to a mission's organisations, delegations or documents that cannot be made."""


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
def organisation_named(
    name: str,
    *,
    kind: str = Organisation.Kind.OTHER,
    short_name: str = "",
    country: str = "",
    actor: User | None = None,
) -> Organisation:
    """The organisation called ``name`` (or so abbreviated), created with ``kind`` if new."""
    name = name.strip()
    if not name:
        raise MissionError(_("name the organisation"))
    found = list(Organisation.objects.named(name)[:2])
    if len(found) > 1:
        raise MissionError(
            _("%(name)s names more than one organisation; write its full name")
            % {"name": repr(name)}
        )
    if found:
        return found[0]
    organisation = Organisation.objects.create(
        name=name, kind=kind, short_name=short_name.strip(), country=country.strip()
    )
    log_action(
        "missions.organisation_created", actor=actor, target=organisation, data={"kind": kind}
    )
    return organisation


@transaction.atomic
def set_lead_organisation(
    mission: Mission, organisation: Organisation, *, actor: User | None = None
) -> None:
    mission.lead_organisation = organisation
    mission.save(update_fields=["lead_organisation"])
    log_action(
        "missions.lead_organisation_set",
        actor=actor,
        target=mission,
        data={"organisation": organisation.name},
    )


@transaction.atomic
def add_delegation(
    mission: Mission, organisation: Organisation, *, actor: User | None = None
) -> Delegation:
    """The delegation ``organisation`` sends to ``mission``; one per organisation."""
    if mission.delegations.filter(organisation=organisation).exists():
        raise MissionError(
            _("%(organisation)s already has a delegation in this mission")
            % {"organisation": organisation.name}
        )
    delegation = Delegation.objects.create(mission=mission, organisation=organisation)
    log_action(
        "missions.delegation_added",
        actor=actor,
        target=delegation,
        data={"organisation": organisation.name},
    )
    return delegation


@transaction.atomic
def set_delegation_head(
    delegation: Delegation, member: Member | None, *, actor: User | None = None
) -> None:
    """Make ``member`` head of ``delegation`` (None: no head); the head is one of its members."""
    if member is not None and member.delegation_id != delegation.pk:
        raise MissionError(
            _("%(member)s is not a member of the delegation of %(organisation)s")
            % {"member": member.full_name, "organisation": delegation.organisation.name}
        )
    delegation.head = member
    delegation.save(update_fields=["head"])
    log_action(
        "missions.delegation_head_set",
        actor=actor,
        target=delegation,
        data={"head": member.full_name if member else ""},
    )


@transaction.atomic
def assign_to_delegation(
    delegation: Delegation, members: Iterable[Member], *, actor: User | None = None
) -> int:
    """Move ``members`` of the delegation's mission into it; returns how many moved."""
    chosen = list(members)
    strangers = [m.full_name for m in chosen if m.mission_id != delegation.mission_id]
    if strangers:
        raise MissionError(
            _("not members of this mission: %(names)s") % {"names": ", ".join(strangers)}
        )
    moved = Member.objects.filter(pk__in=[m.pk for m in chosen]).exclude(delegation=delegation)
    names = list(moved.values_list("full_name", flat=True))
    moved.update(delegation=delegation)
    clear_heads_who_left(delegation.mission)
    log_action(
        "missions.delegation_members_assigned",
        actor=actor,
        target=delegation,
        data={"members": names},
    )
    return len(names)


def clear_heads_who_left(mission: Mission) -> None:
    """A head of delegation moved to another delegation (or none) heads it no more."""
    mission.delegations.exclude(head=None).exclude(head__delegation=models.F("pk")).update(
        head=None
    )


@transaction.atomic
def record_document(
    mission: Mission,
    *,
    kind: str,
    title: str,
    issued_on: datetime.date,
    issued_by: str = "",
    reference: str = "",
    upload: UploadedFile | None = None,
    actor: User | None = None,
) -> MissionDocument:
    """Keep the invitation, the agreement or the accreditation decision, with its file if any."""
    document = MissionDocument(
        mission=mission,
        kind=kind,
        title=title,
        issued_by=issued_by,
        issued_on=issued_on,
        reference=reference,
    )
    if upload is not None:
        content = upload.read()
        extension = document_extension(content, upload.name or "")
        document.file.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(content), save=False)
    document.save()
    log_action(
        "missions.document_recorded",
        actor=actor,
        target=document,
        data={"kind": kind, "title": title, "issued_on": issued_on.isoformat()},
    )
    return document


def document_extension(content: bytes, name: str) -> str:
    """The extension of the type found in the file's bytes; refused unless PDF, JPEG or PNG."""
    kind = allowed_type(content, DOCUMENT_TYPES)
    if kind is None:
        raise MissionError(
            _("%(file)s: only PDF files and scans (JPEG, PNG) are accepted")
            % {"file": name or _("the file")}
        )
    return kind.extension


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
