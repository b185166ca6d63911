"""Triaging critical incidents: the one service that changes a triage record, and its counts.

Who may triage follows who may review the report (``intake.triage_incident``
is the reviewing rule): the core team of its mission, or a coordinator whose
areas hold its station. An incident is assigned to a member of the same
mission who may see the report and whom the person triaging may see.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pollwatch.accounts.roles import ROLE_OF_MEMBER, AnyUser, Role
from pollwatch.audit.services import log_action
from pollwatch.intake.models import IncidentTriage, Submission, TriageStatus
from pollwatch.intake.models.triage import TRIAGE_ACTION
from pollwatch.missions.models import Member, Mission


class TriageRefused(Exception):
    """A change of triage that the person asking can correct; the message says how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_incident_count(mission: Mission | int, user: AnyUser | None = None) -> int:
    """The mission's incidents not yet resolved or dismissed; those ``user`` may triage, if
    given."""
    reports = Submission.objects.filter(mission=mission)
    if user is not None:
        reports = reports.managed_by(user)
    return reports.open_incidents().count()


def may_triage(user: AnyUser, submission: Submission) -> bool:
    return bool(submission.alerts) and user.has_perm("intake.triage_incident", submission)


def assignable_members(submission: Submission, actor: AnyUser) -> list[Member]:
    """Members of the report's mission with a login who may see it, among those ``actor`` sees."""
    candidates = (
        Member.objects.visible_to(actor)
        .filter(
            mission=submission.mission_id,
            user__is_active=True,
            role__in=list(ROLE_OF_MEMBER),
        )
        .select_related("user")
        .order_by("full_name", "pk")
    )
    return [member for member in candidates if _sees_report(member, submission)]


def _sees_report(member: Member, submission: Submission) -> bool:
    # Observers see only their own team's reports: skip the query for everyone else's.
    if ROLE_OF_MEMBER[member.role] is Role.OBSERVER and member.team_id != submission.team_id:
        return False
    user = member.user
    return (
        user is not None and Submission.objects.visible_to(user).filter(pk=submission.pk).exists()
    )


def triage_incident(
    submission: Submission,
    *,
    actor: User,
    status: str,
    assignee: Member | None,
    note: str = "",
) -> IncidentTriage:
    """Set the incident's status and assignee, with a note; the change goes to the audit trail.

    Raises
    ------
    PermissionDenied
        If ``actor`` may not review the report.
    TriageRefused
        If the report raised no alert, the assignee may not be given it, or nothing changes.
    """
    if status not in TriageStatus.values:
        raise ValueError(f"unknown status {status!r}; use one of {', '.join(TriageStatus.values)}")
    if not submission.alerts:
        raise TriageRefused(_("This report raised no critical alert: there is nothing to triage."))
    if not actor.has_perm("intake.triage_incident", submission):
        raise PermissionDenied
    if assignee is not None and assignee not in assignable_members(submission, actor):
        raise TriageRefused(
            _("%(name)s may not be given this incident: choose someone who may see the report.")
            % {"name": assignee.full_name}
        )
    with transaction.atomic():
        triage, _created = IncidentTriage.objects.select_for_update().get_or_create(
            submission=submission
        )
        changes = _changes(triage, status, assignee)
        note = note.strip()
        if not changes and not note:
            raise TriageRefused(
                _("Nothing changed: change the status or the assignee, or write a note.")
            )
        triage.status, triage.assignee, triage.changed_by = status, assignee, actor
        if note:
            triage.notes = note
        triage.save()
        log_action(
            TRIAGE_ACTION,
            actor=actor,
            target=triage,
            data={"submission": submission.pk, **changes, "note": note},
        )
    return triage


def _changes(triage: IncidentTriage, status: str, assignee: Member | None) -> dict[str, list[str]]:
    """What the change does, field by field, as [from, to]; names, as the history shows them."""
    changes: dict[str, list[str]] = {}
    if triage.status != status:
        changes["status"] = [triage.status, status]
    if triage.assignee_id != (assignee.pk if assignee is not None else None):
        changes["assignee"] = [_name(triage.assignee), _name(assignee)]
    return changes


def _name(member: Member | None) -> str:
    return member.full_name if member is not None else ""
