"""Receiving OpenRosa submissions: dedupe by instanceID, revise by deprecatedID.

The XML is stored as a raw payload before it is parsed. A submission's key is
the uuid5 of its ``instanceID``, so a resend reaches the same row through the
key's unique constraint. The same ``instanceID`` with other content is a
conflict; a ``deprecatedID`` names the instance an edit replaces, and becomes
a revision of its submission. Attachments are stored under the instance id,
so the parts of a submission split over several POSTs come together.

Instance ids are looked up only within the sending team (or member, for
someone in no team): another team's ``instanceID`` or ``deprecatedID`` is
answered exactly as an unknown one, and can neither revise nor reveal their
report.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn, cast

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pollwatch.forms.definition import FormDefinition
from pollwatch.forms.models import FormVersion
from pollwatch.intake.channels.openrosa.attachment_types import (
    AttachmentRefused,
    attachment_type,
)
from pollwatch.intake.channels.openrosa.instances import (
    Instance,
    InstanceUnreadable,
    read_instance,
)
from pollwatch.intake.definitions import definition_for
from pollwatch.intake.models import Attachment, Channel, OpenRosaInstance, RawPayload, Submission
from pollwatch.intake.rejections import Problem, ResendConflict, SubmissionRejected
from pollwatch.intake.services import (
    InstanceRecord,
    new_payload,
    receive_submission,
    record_payload,
    refuse,
    revise_submission,
)
from pollwatch.lib.bad_input import storable_text
from pollwatch.lib.file_types import HEAD_BYTES
from pollwatch.missions.devices import SenderChanged, holds_token
from pollwatch.missions.models import Member
from pollwatch.registry.models import Election

# A time sent with another UTC offset than the election's: the clock times are kept as
# the phone showed them, and a reviewer decides which zone the observer meant.
DEVICE_ZONE_FLAG = "device_zone_differs"
OPENROSA_KEY_NAMESPACE = uuid.UUID("0b6f5d0e-8f57-4bb4-9f0c-56e5b8f0d7a3")


class InstanceConflict(Exception):
    """The instanceID is known with different content."""


@dataclass(frozen=True, slots=True)
class InstanceReceipt:
    submission_id: int
    duplicate: bool
    revised: bool
    attachments: int


# What ODK clients send as an instanceID ("uuid:…"): no path separators, no dots in a row.
INSTANCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9:_\-.]{0,99}")


def scope_of(member: Member) -> str:
    return f"team:{member.team_id}" if member.team_id else f"member:{member.pk}"


def submission_key(scope: str, instance_id: str) -> uuid.UUID:
    return uuid.uuid5(OPENROSA_KEY_NAMESPACE, f"{scope}/{instance_id}")


def _checked_instance_id(value: str, field: str) -> list[Problem]:
    if not value or (INSTANCE_ID.fullmatch(value) and ".." not in value):
        return []
    return [
        Problem(
            field,
            _("%(value)s is not an instance id: at most 100 letters, digits and : _ - .")
            % {"value": repr(value[:60])},
        )
    ]


def receive_instance(
    xml: bytes,
    files: Iterable[UploadedFile],
    *,
    member: Member,
    header_instance_id: str = "",
    device: str | None = None,
) -> InstanceReceipt:
    """Parse and submit one OpenRosa POST (the XML and any attachments with it).

    ``member`` is the device's, as its token lookup found it, with its login. The
    XML is stored as a raw payload in the same transaction as the submission and
    its instance record (one round trip), or on its own when it is refused.

    ``device``: the digest of the token by which ``member`` was remembered rather
    than looked up. A new instance is stored only if the token is still theirs (the
    store call checks it); a refusal or an edit is stored only after a fresh check.
    ``SenderChanged`` otherwise, with nothing stored.
    """
    files = list(files)
    user = member.user
    # PostgreSQL's text columns refuse NUL; such XML is not well-formed and is refused below.
    text = storable_text(xml.decode("utf-8", errors="replace"))
    payload = new_payload(text, channel=Channel.OPENROSA, user=user, content_type="text/xml")
    try:
        instance = read_instance(xml, header_instance_id=header_instance_id)
    except InstanceUnreadable as error:
        _reject(payload, [Problem("xml_submission_file", str(error))], device, member)
    problems = _checked_instance_id(instance.instance_id, "instanceID")
    problems += _checked_instance_id(instance.deprecated_id or "", "deprecatedID")
    problems += _refused_files(files)
    if problems:
        _reject(payload, problems, device, member)
    scope = scope_of(member)
    record = InstanceRecord(scope, instance.instance_id, hashlib.sha256(xml).hexdigest())
    if instance.deprecated_id:
        # An edit: a resend of it, or a revision of the instance it replaces.
        _check_sender(device, member)
        known = OpenRosaInstance.objects.filter(scope=scope, instance_id=record.instance_id).first()
        if known is not None:
            return _repeat(known, record, files, payload)
        replaced = OpenRosaInstance.objects.filter(
            scope=scope, instance_id=instance.deprecated_id
        ).first()
        if replaced is not None:
            return _revise(replaced, instance, record, files, payload, member)
    return _first(instance, record, files, payload, member, device)


def _refused_files(files: list[UploadedFile]) -> list[Problem]:
    problems: list[Problem] = []
    for upload in files:
        try:
            attachment_type(_head_of(upload), _name_of(upload))
        except AttachmentRefused as refused:
            problems.append(Problem(_name_of(upload)[:100], str(refused)))
    return problems


def _name_of(upload: UploadedFile) -> str:
    # The request parser names every file it reads; only a file built by hand has no name.
    return cast(str, upload.name)


def _head_of(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _check_sender(device: str | None, member: Member) -> None:
    if device is not None and not holds_token(device, member):
        raise SenderChanged


def _reject(
    payload: RawPayload, problems: list[Problem], device: str | None, member: Member
) -> NoReturn:
    """Store the payload refused, once a remembered sender is found still holding its token."""
    _check_sender(device, member)
    raise refuse(payload, problems)


def _first(
    instance: Instance,
    record: InstanceRecord,
    files: list[UploadedFile],
    payload: RawPayload,
    member: Member,
    device: str | None,
) -> InstanceReceipt:
    try:
        answers, other_zone = _answers(instance, member)
    except SubmissionRejected as rejected:
        _reject(payload, rejected.problems, device, member)
    data = {
        "key": str(submission_key(record.scope, record.instance_id)),
        "form": instance.form_id,
        "version": instance.version or _current_version(instance.form_id),
        "station": instance.station,
        "answers": answers,
    }
    if instance.device_time is not None:
        data["device_time"] = instance.device_time.isoformat()
    try:
        receipt = receive_submission(
            data, payload, user=member.user, member=member, instance=record, device=device
        )
    except ResendConflict:
        # Stored first with other bytes (also by a POST racing this one).
        raise InstanceConflict(_conflict_message(record)) from None
    if other_zone and not receipt.duplicate:
        flag_device_zone(receipt.submission_id)
    stored = store_attachments(record.instance_id, receipt.submission_id, files)
    return InstanceReceipt(
        receipt.submission_id, receipt.duplicate, revised=False, attachments=stored
    )


def _conflict_message(record: InstanceRecord) -> str:
    return _(
        "instance %(instance)s was already received with different content; "
        "edit the form on the device to send a correction"
    ) % {"instance": record.instance_id}


def _repeat(
    known: OpenRosaInstance,
    record: InstanceRecord,
    files: list[UploadedFile],
    payload: RawPayload,
) -> InstanceReceipt:
    if known.sha256 != record.sha256:
        problems = [Problem("instanceID", _("already received with other content"))]
        record_payload(payload, RawPayload.Status.CONFLICT, problems=problems)
        raise InstanceConflict(_conflict_message(record))
    record_payload(payload, RawPayload.Status.DUPLICATE, submission_id=known.submission_id)
    stored = store_attachments(record.instance_id, known.submission_id, files)
    return InstanceReceipt(known.submission_id, duplicate=True, revised=False, attachments=stored)


def _revise(
    replaced: OpenRosaInstance,
    instance: Instance,
    record: InstanceRecord,
    files: list[UploadedFile],
    payload: RawPayload,
    member: Member,
) -> InstanceReceipt:
    submission = replaced.submission
    answers, other_zone = _answers(instance, member)
    with transaction.atomic():
        revise_submission(
            submission,
            answers,
            actor=member.user,
            reason=f"edited on the device: {instance.deprecated_id} → {instance.instance_id}",
        )
        OpenRosaInstance.objects.create(
            scope=record.scope,
            instance_id=record.instance_id,
            sha256=record.sha256,
            submission=submission,
        )
        record_payload(payload, RawPayload.Status.ACCEPTED, submission_id=submission.pk)
        if other_zone:
            flag_device_zone(submission.pk)
    stored = store_attachments(record.instance_id, submission.pk, files)
    return InstanceReceipt(submission.pk, duplicate=False, revised=True, attachments=stored)


def _answers(instance: Instance, member: Member) -> tuple[dict[str, Any], bool]:
    """The instance's answers, and whether the phone kept time in another zone."""
    version = instance.version or _current_version(instance.form_id)
    election = member.mission.election
    _, bound = definition_for(instance.form_id, version, election)
    other_zone = phone_in_other_zone(instance, bound.definition, election)
    return instance.answers(bound.definition), other_zone


def phone_in_other_zone(instance: Instance, definition: FormDefinition, election: Election) -> bool:
    """Whether a time answer or the device time carries another offset than the election's.

    The offset compared is the election zone's on election day at that clock time.
    """
    zone = zoneinfo.ZoneInfo(election.time_zone or settings.TIME_ZONE)
    for clock, offset in instance.time_offsets(definition):
        try:
            local = datetime.datetime.combine(election.date, datetime.time.fromisoformat(clock))
        except ValueError:
            continue  # validation refuses it by name
        if local.replace(tzinfo=zone).utcoffset() != offset:
            return True
    device_time = instance.device_time
    return device_time is not None and (
        device_time.astimezone(zone).utcoffset() != device_time.utcoffset()
    )


def flag_device_zone(submission_id: int) -> None:
    submission = Submission.objects.only("flags").get(pk=submission_id)
    if DEVICE_ZONE_FLAG not in submission.flags:
        submission.flags = [*submission.flags, DEVICE_ZONE_FLAG]
        submission.save(update_fields=["flags"])


def _current_version(form_code: str) -> int:
    latest = (
        FormVersion.objects.filter(form__code=form_code).order_by("-version").values("version")
    ).first()
    return latest["version"] if latest else 1


def store_attachments(instance_id: str, submission_id: int, files: Iterable[UploadedFile]) -> int:
    """Keep each file once per instance; a file sent again under the same name is skipped.

    The file is stored under a random name with the type found in its bytes
    (checked before the report was stored); the phone's name is kept as a label.
    """
    stored = 0
    for upload in files:
        name = _name_of(upload).rsplit("/", 1)[-1][:200]
        kind = attachment_type(_head_of(upload), name)
        if Attachment.objects.filter(
            submission_id=submission_id, instance_id=instance_id, name=name
        ).exists():
            continue
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        try:
            with transaction.atomic():
                Attachment.objects.create(
                    instance_id=instance_id,
                    submission_id=submission_id,
                    name=name,
                    file=File(upload, name=kind.stored_name()),
                    content_type=kind.content_type,
                    size=cast(int, upload.size),  # known for every parsed upload
                    sha256=digest.hexdigest(),
                )
        except IntegrityError:
            continue
        stored += 1
    return stored
