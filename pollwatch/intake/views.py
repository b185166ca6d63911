import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pollwatch.accounts.guards import require, signed_in_user
from pollwatch.forms.labels import FormLabels
from pollwatch.intake.forms import (
    CorrectionForm,
    IncidentFilterForm,
    ReviewForm,
    RevisionFromPayloadForm,
    SubmissionFilterForm,
    TriageForm,
)
from pollwatch.intake.incident_map import incident_map_json, incident_stations
from pollwatch.intake.models import (
    OPEN_STATUSES,
    IncidentTriage,
    RawPayload,
    Submission,
    TriageStatus,
)
from pollwatch.intake.services import (
    SubmissionRejected,
    apply_payload_as_revision,
    correct_payload,
    review_submission,
)
from pollwatch.intake.triage import (
    TriageRefused,
    assignable_members,
    may_triage,
    triage_incident,
)
from pollwatch.lib.downloads import csv_response
from pollwatch.lib.listing import page_of, sorted_by_request
from pollwatch.lib.map_tiles import configured_tiles
from pollwatch.missions.guards import mission_for


def submission_list(request):
    filters = SubmissionFilterForm(request.GET or None)
    submissions = Submission.objects.select_related(
        "station__election", "team", "mission", "form_version__form"
    ).visible_to(request.user)
    if filters.is_valid():
        submissions = _filtered(submissions, filters.cleaned_data)
    if request.GET.get("format") == "csv":
        columns = (
            "key",
            "received_at",
            "device_time",
            "phase",
            "station__code",
            "team__code",
            "status",
            "flags",
            "alerts",
            "answers",
        )
        rows = (_exported(row) for row in submissions.values_list(*columns))
        return csv_response("submissions.csv", columns, rows)
    submissions, sort = sorted_by_request(
        submissions, request, ("received_at", "station__code", "phase", "status"), "-received_at"
    )
    return render(
        request,
        "intake/submission_list.html",
        {
            "filters": filters,
            "page": page_of(submissions, request),
            "sort": sort,
            "invalid_payloads": RawPayload.objects.visible_to(request.user)
            .filter(status__in=REVIEWED_STATUSES)
            .count(),
        },
    )


def _exported(row: tuple) -> tuple:
    """A row of the reports export: the alerts and answers as JSON text, one column each."""
    *fields, alerts, answers = row
    return (*fields, _json_text(alerts), _json_text(answers))


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _filtered(submissions, data):
    if data["status"]:
        submissions = submissions.filter(status=data["status"])
    if data["phase"]:
        submissions = submissions.filter(phase=data["phase"])
    if data["station"]:
        submissions = submissions.filter(station__code=data["station"].strip())
    if data["flag"] == "alerts":
        submissions = submissions.exclude(alerts=[])
    elif data["flag"]:
        submissions = (
            submissions.filter(flags__contains=[data["flag"]])
            if connection.vendor == "postgresql"
            else submissions.filter(flags__icontains=f'"{data["flag"]}"')
        )
    return submissions


def submission_detail(request, pk):
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user).select_related(
            "station__election", "team", "observer", "mission", "form_version__form"
        ),
        pk=pk,
    )
    can_review = request.user.has_perm("intake.review_submission", submission)
    if request.method == "POST" and not can_review:
        raise PermissionDenied
    form = ReviewForm(request.POST or None) if can_review else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            review_submission(
                submission,
                form.cleaned_data["decision"],
                reviewer=signed_in_user(request),
                reason=form.cleaned_data["reason"],
            )
        except SubmissionRejected as rejected:
            form.add_error("reason", rejected.problems[0].reason)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("intake:submission", pk=submission.pk)
    return render(
        request,
        "intake/submission_detail.html",
        {
            "submission": submission,
            "form": form,
            "answers": _labelled_answers(submission),
            "revisions": submission.revisions.select_related("author"),
            "reviews": submission.reviews.select_related("reviewer"),
            "payloads": submission.payloads.all(),
            "attachments": submission.attachments.count(),
            "may_triage": may_triage(request.user, submission),
        },
    )


def _labelled_answers(submission) -> list[tuple[str, str, object]]:
    """Each answer with its question's label, and a choice by its label, in the reader's
    language; a repeat section's entries are answered under its code."""
    labels = FormLabels.of(submission.form_version.definition, (get_language() or "en")[:2])
    return [
        (
            code,
            labels.question(code),
            _json_text(value) if _is_structured(value) else labels.answer(code, value),
        )
        for code, value in submission.answers.items()
    ]


def _is_structured(value) -> bool:
    """An answer of entries or parts (a repeat, a place), shown as it was sent."""
    if isinstance(value, list):
        return any(isinstance(item, dict | list) for item in value)
    return isinstance(value, dict)


# Payloads that did not become a report and wait for a person.
REVIEWED_STATUSES = (RawPayload.Status.INVALID, RawPayload.Status.CONFLICT)


@permission_required("intake.review_payloads", raise_exception=True)
def payload_list(request):
    status = request.GET.get("status", "")
    wanted = (status,) if status in REVIEWED_STATUSES else REVIEWED_STATUSES
    payloads = (
        RawPayload.objects.visible_to(request.user)
        .filter(status__in=wanted)
        .select_related("user__member__mission__election")
    )
    return render(
        request,
        "intake/payload_list.html",
        {
            "page": page_of(payloads, request),
            "status": status,
            "statuses": [(s.value, s.label) for s in REVIEWED_STATUSES],
        },
    )


@permission_required("intake.review_payloads", raise_exception=True)
def payload_detail(request, pk):
    payload = get_object_or_404(RawPayload.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        require(request.user, "intake.correct_payload", payload)
    if payload.status == RawPayload.Status.CONFLICT:
        return _conflicting_payload(request, payload)
    initial = {"body": _pretty(payload.body)}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and payload.status == RawPayload.Status.INVALID and form.is_valid():
        try:
            receipt = correct_payload(
                payload,
                form.cleaned_data["body"],
                actor=signed_in_user(request),
                reason=form.cleaned_data["reason"],
            )
        except SubmissionRejected as rejected:
            for problem in rejected.problems:
                form.add_error(None, f"{problem.field}: {problem.reason}")
        else:
            messages.success(
                request, _("Stored as submission %(id)s.") % {"id": receipt.submission_id}
            )
            return redirect("intake:submission", pk=receipt.submission_id)
    return render(request, "intake/payload_detail.html", {"payload": payload, "form": form})


def _conflicting_payload(request, payload: RawPayload):
    """A changed resend: a reviewer may apply its answers as a revision of the stored report."""
    stored = (
        Submission.objects.visible_to(request.user)
        .filter(key=_key_or_none(payload.claimed_key))
        .first()
    )
    form = RevisionFromPayloadForm(request.POST or None) if stored is not None else None
    if stored is not None and form is not None and request.method == "POST" and form.is_valid():
        try:
            apply_payload_as_revision(
                payload, stored, actor=signed_in_user(request), reason=form.cleaned_data["reason"]
            )
        except SubmissionRejected as rejected:
            for problem in rejected.problems:
                form.add_error(None, f"{problem.field}: {problem.reason}")
        else:
            messages.success(
                request, _("Applied as a revision of report %(id)s.") % {"id": stored.pk}
            )
            return redirect("intake:submission", pk=stored.pk)
    return render(
        request,
        "intake/payload_detail.html",
        {"payload": payload, "stored": stored, "revision_form": form},
    )


def _key_or_none(text: str):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (json.JSONDecodeError, RecursionError):  # shown as it arrived
        return body


INCIDENTS_PER_PAGE = 50

INCIDENT_COLUMNS = {
    "report": "pk",
    "received_at": "received_at",
    "station": "station__code",
    "team": "team__code",
    "phase": "phase",
    "alerts": "alerts",
    "status": "triage_status",
    "assignee": "triage__assignee__full_name",
    "notes": "triage__notes",
    "changed_at": "triage__changed_at",
}


def _incidents(request, slug):
    """The mission, the list's filters and the incidents they select that the viewer may
    triage."""
    mission = mission_for(request, slug, "intake.triage_incidents")
    filters = IncidentFilterForm(request.GET or None, mission=mission, user=request.user)
    incidents = Submission.objects.managed_by(request.user).filter(mission=mission).incidents()
    if filters.is_valid():
        incidents = _filtered_incidents(incidents, filters.cleaned_data)
    return mission, filters, incidents


def incident_list(request, slug):
    """The mission's critical incidents the viewer may triage, open ones first, and their map."""
    mission, filters, incidents = _incidents(request, slug)
    incidents = incidents.select_related(
        "station", "team", "observer", "triage__assignee", "form_version"
    )
    incidents = incidents.open_first()
    if request.GET.get("format") == "csv":
        return csv_response(
            f"incidents-{mission.slug}.csv", list(INCIDENT_COLUMNS), _incident_rows(incidents)
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "intake/incident_list.html",
        {
            "mission": mission,
            "filters": filters,
            "page": page_of(incidents, request, INCIDENTS_PER_PAGE),
            "query": query.urlencode(),
            "statuses": TriageStatus.choices,
            "map_source": reverse("intake:incident_map_data", args=[mission.slug])
            + (f"?{query.urlencode()}" if query else ""),
            "tiles": configured_tiles(),
        },
    )


def incident_map_data(request, slug):
    """The stations of the incidents the list selects, for its map."""
    mission, _filters, incidents = _incidents(request, slug)
    return JsonResponse(incident_map_json(mission, incident_stations(mission, incidents)))


def _incident_rows(incidents):
    for row in incidents.values(*INCIDENT_COLUMNS.values()).iterator():
        row["alerts"] = "; ".join(f"{a['question']} = {a['answer']}" for a in row["alerts"])
        yield [row[field] for field in INCIDENT_COLUMNS.values()]


def _filtered_incidents(incidents, data):
    if data["status"] == "open":
        incidents = incidents.filter(triage_status__in=OPEN_STATUSES)
    elif data["status"]:
        incidents = incidents.filter(triage_status=data["status"])
    if data["assignee"] == "none":
        incidents = incidents.filter(triage__assignee__isnull=True)
    elif data["assignee"]:
        incidents = incidents.filter(triage__assignee=data["assignee"])
    if data["area"] is not None:
        incidents = incidents.filter(station__area__path__startswith=data["area"].path)
    text = data["q"].strip()
    if text:
        incidents = incidents.filter(
            Q(station__code__istartswith=text)
            | Q(station__name__icontains=text)
            | Q(team__code__iexact=text)
            | Q(observer__full_name__icontains=text)
            | Q(triage__notes__icontains=text)
        )
    return incidents


def incident_triage(request, pk):
    """One incident: its triage record, the form to change it, and every change so far."""
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user)
        .exclude(alerts=[])
        .select_related("station__election", "team", "observer", "mission", "form_version"),
        pk=pk,
    )
    require(request.user, "intake.triage_incident", submission)
    triage = IncidentTriage.objects.filter(submission=submission).first()
    people = assignable_members(submission, request.user)
    initial = {"status": triage.status, "assignee": triage.assignee_id} if triage else {}
    form = TriageForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            triage_incident(
                submission,
                actor=signed_in_user(request),
                status=form.cleaned_data["status"],
                assignee=form.cleaned_data["assignee"],
                note=form.cleaned_data["note"],
            )
        except TriageRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Triage recorded."))
            return redirect("intake:triage", pk=submission.pk)
    return render(
        request,
        "intake/incident_triage.html",
        {
            "submission": submission,
            "triage": triage,
            "form": form,
            "history": triage.history() if triage else [],
            "status_labels": dict(TriageStatus.choices),
        },
    )
