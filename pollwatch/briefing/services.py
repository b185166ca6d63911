"""Actions on a mission's briefing: modules, their files and tests, reading, taking a test,
certification and the device tokens only certified members get."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pollwatch.accounts.models import DeviceToken, TokenRefused
from pollwatch.audit.services import log_action
from pollwatch.briefing.certification import required_modules_not_completed
from pollwatch.briefing.file_types import FileRefused, briefing_file_type
from pollwatch.briefing.models import BriefingFile, BriefingModule, ModuleReading, QuizAttempt
from pollwatch.briefing.quiz_files import QuizUpload, answer_errors
from pollwatch.briefing.scoring import score_answers
from pollwatch.missions.models import Member, Mission

MODULE_FIELDS = ("title", "text", "required", "order")
# Larger files belong on the mission's shared drive, linked from the module's text.
MAX_FILE_BYTES = 50 * 1024 * 1024


class BriefingRefused(Exception):
    """An action on the briefing that cannot be done; the message says why."""


@transaction.atomic
def create_module(mission: Mission, *, actor: User | None = None, **fields: Any) -> BriefingModule:
    module = BriefingModule.objects.create(mission=mission, **_module_fields(fields))
    log_action("briefing.module_created", actor=actor, target=module, data=_summary(module))
    return module


@transaction.atomic
def update_module(
    module: BriefingModule, *, actor: User | None = None, **fields: Any
) -> BriefingModule:
    for name, value in _module_fields(fields).items():
        setattr(module, name, value)
    # A retired module is never required: restoring it is a choice of its own.
    module.required = module.required and not module.retired
    module.save()
    log_action("briefing.module_changed", actor=actor, target=module, data=_summary(module))
    return module


@transaction.atomic
def retire_module(module: BriefingModule, *, actor: User | None = None) -> BriefingModule:
    """Hide the module from members and stop requiring it; what they did with it is kept.

    Members who had completed every other required module are certified now.
    """
    module.retired = True
    module.required = False
    module.save(update_fields=["retired", "required", "updated_at"])
    log_action("briefing.module_retired", actor=actor, target=module, data=_summary(module))
    # It may have been all that stood between someone and their certification.
    for member in module.mission.members.filter(certified_at__isnull=True):
        certify_if_complete(member, actor=actor)
    return module


@transaction.atomic
def restore_module(module: BriefingModule, *, actor: User | None = None) -> BriefingModule:
    """Show a retired module to members again, still optional until the team requires it."""
    module.retired = False
    module.save(update_fields=["retired", "updated_at"])
    log_action("briefing.module_restored", actor=actor, target=module, data=_summary(module))
    return module


@transaction.atomic
def delete_module(module: BriefingModule, *, actor: User | None = None) -> None:
    """Delete a module nobody has read or taken, with its files; else ``BriefingRefused``."""
    if module.has_been_used():
        raise BriefingRefused(
            _(
                "Members have already read this module or taken its test: "
                "retire it instead, so that their records are kept."
            )
        )
    log_action("briefing.module_deleted", actor=actor, target=module, data=_summary(module))
    for briefing_file in module.files.all():
        _delete_stored(briefing_file)
    module.delete()


@transaction.atomic
def remove_module_file(briefing_file: BriefingFile, *, actor: User | None = None) -> None:
    log_action(
        "briefing.file_removed",
        actor=actor,
        target=briefing_file,
        data={"module": briefing_file.module_id, "name": briefing_file.original_name},
    )
    _delete_stored(briefing_file)
    briefing_file.delete()


def _delete_stored(briefing_file: BriefingFile) -> None:
    # Only once the transaction commits: a rolled-back deletion must keep its file.
    name, storage = briefing_file.file.name, briefing_file.file.storage
    transaction.on_commit(lambda: storage.delete(name))


def _module_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(MODULE_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a module: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("title", "text"):
        if name in cleaned:
            cleaned[name] = {lang: text for lang, text in cleaned[name].items() if text}
    return cleaned


def _summary(module: BriefingModule) -> dict[str, Any]:
    return {"title": module.title_in("en"), "required": module.required, "order": module.order}


@transaction.atomic
def add_module_file(
    module: BriefingModule,
    upload: IO[bytes],
    *,
    filename: str,
    title: str = "",
    language: str = "",
    actor: User | None = None,
) -> BriefingFile:
    """Keep a file for the module if its bytes show an accepted type; else ``BriefingRefused``."""
    content = upload.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise BriefingRefused(_("%(file)s: larger than 50 MB") % {"file": filename})
    try:
        kind = briefing_file_type(content, filename)
    except FileRefused as refused:
        raise BriefingRefused(str(refused)) from None
    stored = BriefingFile(
        module=module,
        title=title or filename,
        language=language,
        original_name=filename[:255],
        content_type=kind.content_type,
        size=len(content),
    )
    stored.file.save(
        f"{module.pk}-{timezone.now():%Y%m%d%H%M%S}.{kind.extension}",
        ContentFile(content),
        save=False,
    )
    stored.save()
    log_action(
        "briefing.file_added",
        actor=actor,
        target=stored,
        data={"module": module.pk, "name": stored.original_name, "type": kind.content_type},
    )
    return stored


@transaction.atomic
def set_quiz(
    module: BriefingModule, quiz: QuizUpload, *, actor: User | None = None
) -> BriefingModule:
    """Give the module a new test; its right answers are the upload's, or chosen next."""
    module.quiz = quiz.definition
    module.answers = quiz.answers
    if quiz.pass_mark is not None:
        module.pass_mark = quiz.pass_mark
    module.save(update_fields=["quiz", "answers", "pass_mark", "updated_at"])
    log_action(
        "briefing.test_uploaded",
        actor=actor,
        target=module,
        data={"questions": len(module.scored_questions()), "answers": len(module.answers)},
    )
    return module


@transaction.atomic
def set_quiz_answers(
    module: BriefingModule,
    answers: Mapping[str, Any],
    *,
    pass_mark: int,
    actor: User | None = None,
) -> BriefingModule:
    if not module.quiz:
        raise BriefingRefused(_("Upload the test before giving its answers."))
    errors = answer_errors(module.quiz, answers)
    if errors or not 0 <= pass_mark <= 100:
        raise BriefingRefused("; ".join(errors) or _("The pass mark is a percentage."))
    module.answers = dict(answers)
    module.pass_mark = pass_mark
    module.save(update_fields=["answers", "pass_mark", "updated_at"])
    log_action(
        "briefing.test_answers_set",
        actor=actor,
        target=module,
        data={"answers": len(module.answers), "pass_mark": pass_mark},
    )
    return module


@transaction.atomic
def mark_read(module: BriefingModule, member: Member, *, actor: User | None = None) -> bool:
    """Record that the member read the module; False if they had said so before."""
    _check_same_mission(module, member)
    _reading, created = ModuleReading.objects.get_or_create(module=module, member=member)
    if created:
        log_action("briefing.module_read", actor=actor, target=module, data={"member": member.pk})
        certify_if_complete(member, actor=actor)
    return created


@transaction.atomic
def take_quiz(
    module: BriefingModule,
    member: Member,
    given: Mapping[str, Any],
    *,
    actor: User | None = None,
) -> QuizAttempt:
    """Score the member's answers, keep the attempt and certify them if it was their last step.

    Taking the test counts as having read the module.
    """
    _check_same_mission(module, member)
    if module.retired:
        raise BriefingRefused(_("This module is retired: its test can no longer be taken."))
    if not module.has_quiz:
        raise BriefingRefused(_("This module has no test to take yet."))
    result = score_answers(module.scored_questions(), module.answers, given, module.pass_mark)
    attempt = QuizAttempt.objects.create(
        module=module,
        member=member,
        answers=dict(given),
        correct=result.correct,
        total=result.total,
        passed=result.passed,
        wrong_questions=list(result.wrong),
    )
    ModuleReading.objects.get_or_create(module=module, member=member)
    log_action(
        "briefing.test_taken",
        actor=actor,
        target=module,
        data={"member": member.pk, "score": attempt.score, "passed": attempt.passed},
    )
    if attempt.passed:
        certify_if_complete(member, actor=actor)
    return attempt


def _check_same_mission(module: BriefingModule, member: Member) -> None:
    if module.mission_id != member.mission_id:
        raise BriefingRefused(_("This module belongs to another mission."))


@transaction.atomic
def certify_if_complete(member: Member, *, actor: User | None = None) -> bool:
    """Certify the member once they completed every required module; True if certified now."""
    if member.certified_at is not None or required_modules_not_completed(member):
        return False
    member.certified_at = timezone.now()
    member.save(update_fields=["certified_at"])
    log_action("briefing.member_certified", actor=actor, target=member, data={})
    return True


@transaction.atomic
def issue_device_token(
    member: Member, *, name: str, actor: User | None = None
) -> tuple[DeviceToken, str]:
    """A device token for the member's login; only a certified member gets one."""
    if member.user is None:
        raise BriefingRefused(_("%(member)s has no login to give a token to.") % {"member": member})
    try:
        device, token = DeviceToken.issue(member.user, name)
    except TokenRefused as refused:
        raise BriefingRefused(str(refused)) from None
    log_action("accounts.token_issued", actor=actor, target=device, data={"name": device.name})
    return device, token
