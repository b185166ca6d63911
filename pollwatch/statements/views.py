from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pollwatch.accounts.guards import require, signed_in_user
from pollwatch.lib.downloads import XLSX_TYPE
from pollwatch.missions.guards import mission_for
from pollwatch.missions.models import Mission
from pollwatch.statements.claims import ClaimCheck
from pollwatch.statements.coverage import CoverageFacts
from pollwatch.statements.exports import figures_csv, statement_html, statement_pdf
from pollwatch.statements.forms import CheckForm, DraftForm, NewStatementForm, PublishForm
from pollwatch.statements.models import SECTIONS, Statement, StatementVersion
from pollwatch.statements.open_data import data_package, statement_workbook
from pollwatch.statements.services import (
    StatementError,
    create_statement,
    publish,
    render_version,
    save_draft,
    start_new_version,
)
from pollwatch.statements.statement_check import check_statement


def _statement_for(request, pk, permission="statements.view_statement") -> Statement:
    """A statement of the user's mission (drafts are the mission's own until published)."""
    statement = get_object_or_404(
        Statement.objects.select_related("mission").filter(
            mission__in=Mission.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    require(request.user, permission, statement.mission)
    return statement


def statement_list(request, slug):
    mission = mission_for(request, slug, "statements.view_statement")
    form = None
    if request.method == "POST":
        require(request.user, "statements.edit_statement", mission)
    if request.user.has_perm("statements.edit_statement", mission):
        form = NewStatementForm(request.POST or None, mission=mission)
        if request.method == "POST" and form.is_valid():
            statement = create_statement(
                mission, actor=signed_in_user(request), **form.cleaned_data
            )
            return redirect(statement)
    return render(
        request,
        "statements/statement_list.html",
        {
            "mission": mission,
            "statements": mission.statements.select_related("round").prefetch_related("versions"),
            "form": form,
        },
    )


def statement_detail(request, pk):
    statement = _statement_for(request, pk)
    draft = statement.draft()
    can_edit = request.user.has_perm("statements.edit_statement", statement.mission)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = DraftForm(request.POST or None, initial=draft.sections if draft else None)
    if can_edit and draft and request.method == "POST" and form.is_valid():
        try:
            save_draft(draft, form.cleaned_data, actor=signed_in_user(request))
        except StatementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Draft saved."))
            return redirect(statement)
    rendered = render_version(draft) if draft is not None else None
    problem = "; ".join(rendered.problems) if rendered else ""
    return render(
        request,
        "statements/statement_detail.html",
        {
            "flagged": _by_sentence(rendered.check.flagged) if rendered and rendered.check else [],
            "statement": statement,
            "draft": draft,
            "form": form,
            "can_edit": can_edit,
            "rendered": rendered,
            "problem": problem,
            "publish_form": PublishForm(),
            "preview": [
                (key, label, rendered.sections.get(key, ""))
                for key, label in SECTIONS
                if rendered and rendered.sections.get(key)
            ],
            "published": statement.versions.filter(status=StatementVersion.Status.PUBLISHED),
        },
    )


@require_POST
def publish_draft(request, pk):
    statement = _statement_for(request, pk, "statements.edit_statement")
    draft = statement.draft()
    if draft is None:
        raise Http404("no draft to publish")
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        version = publish(
            draft,
            actor=signed_in_user(request),
            confirm_flags=form.cleaned_data.get("confirm_flags", False),
        )
    except StatementError as error:
        messages.error(request, str(error))
        return redirect(statement)
    messages.success(request, _("Published. Its text and data are frozen."))
    return redirect(version.get_public_url())


@require_POST
def new_version(request, pk):
    statement = _statement_for(request, pk, "statements.edit_statement")
    start_new_version(statement, actor=signed_in_user(request))
    return redirect(statement)


def _published(pk, number) -> StatementVersion:
    return get_object_or_404(
        StatementVersion.objects.select_related("statement__mission"),
        statement_id=pk,
        number=number,
        status=StatementVersion.Status.PUBLISHED,
    )


@login_not_required
def public_statement(request, pk, number):
    version = _published(pk, number)
    sections = [
        (key, label, version.rendered.get(key, ""))
        for key, label in SECTIONS
        if version.rendered.get(key)
    ]
    return render(
        request,
        "statements/public.html",
        {
            "version": version,
            "statement": version.statement,
            "sections": sections,
            "mission": version.statement.mission,
        },
    )


@login_not_required
def public_mission(request, slug):
    """What a mission has published, and the audit trail's head now; nothing unpublished."""
    versions = (
        StatementVersion.objects.filter(
            statement__mission__slug=slug, status=StatementVersion.Status.PUBLISHED
        )
        .select_related("statement__mission__election", "statement__round")
        .order_by("-published_at")
    )
    if not versions:
        raise Http404("this mission has published nothing")
    mission = versions[0].statement.mission
    return render(
        request,
        "statements/public_mission.html",
        {
            "mission": mission,
            "versions": versions,
            # One count, not a question per statement: rounds are named only when there are several.
            "name_rounds": mission.election.rounds.count() > 1,
        },
    )


@login_not_required
def public_download(request, pk, number, fmt):
    version = _published(pk, number)
    name = f"statement-{pk}-v{number}"
    producers = {
        "pdf": (lambda: statement_pdf(version), "application/pdf"),
        "html": (lambda: statement_html(version, for_print=True), "text/html; charset=utf-8"),
        "csv": (lambda: figures_csv(version), "text/csv; charset=utf-8"),
        "zip": (lambda: data_package(version), "application/zip"),
        "xlsx": (lambda: statement_workbook(version), XLSX_TYPE),
    }
    if fmt not in producers:
        raise Http404("unknown format")
    produce, content_type = producers[fmt]
    response = HttpResponse(produce(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def check_page(request):
    form = CheckForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        facts = CoverageFacts(
            stations_observed=data["stations_observed"],
            stations_total=data["stations_total"],
            areas_observed=data["areas_observed"],
            areas_total=data["areas_total"],
            random_selection={"random": True, "not_random": False}.get(data["selection"]),
            days_in_country=data["days_in_country"],
        )
        try:
            result = check_statement(data["text"], facts)
        except ValueError as error:
            form.add_error(None, str(error))
    return render(request, "statements/check.html", {"form": form, "result": result})


def _by_sentence(
    flagged: Iterable[ClaimCheck],
) -> list[tuple[str, list[str], list[str]]]:
    """One entry per flagged sentence, with its distinct reasons and suggestions."""
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for check in flagged:
        reasons, suggestions = grouped.setdefault(check.claim.sentence.text, ([], []))
        if check.reason not in reasons:
            reasons.append(check.reason)
        if check.suggestion and check.suggestion not in suggestions:
            suggestions.append(check.suggestion)
    return [
        (sentence, reasons, suggestions) for sentence, (reasons, suggestions) in grouped.items()
    ]
