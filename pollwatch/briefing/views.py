from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pollwatch.accounts.certification import is_certified
from pollwatch.accounts.guards import own_membership, require, signed_in_user
from pollwatch.accounts.roles import membership
from pollwatch.briefing.forms import (
    OVERVIEW_STATES,
    FileForm,
    ModuleForm,
    PassMarkForm,
    QuizForm,
    QuizUploadForm,
    TokenForm,
)
from pollwatch.briefing.models import BriefingFile, BriefingModule, QuizAttempt
from pollwatch.briefing.overview import OVERVIEW_SORTS, filtered, members_with_briefing
from pollwatch.briefing.quiz_files import QuizRefused, read_quiz
from pollwatch.briefing.services import (
    BriefingRefused,
    add_module_file,
    create_module,
    delete_module,
    issue_device_token,
    mark_read,
    remove_module_file,
    restore_module,
    retire_module,
    set_quiz,
    set_quiz_answers,
    take_quiz,
    update_module,
)
from pollwatch.forms.labels import in_language
from pollwatch.lib.downloads import csv_response
from pollwatch.lib.file_types import uploaded_file_download
from pollwatch.lib.listing import page_of, sorted_by_request
from pollwatch.missions.guards import mission_for
from pollwatch.missions.models import Member


def _viewer(request: HttpRequest) -> Member | None:
    """The viewer's membership; administrators, of no mission, have none."""
    member = membership(request.user)
    return member if isinstance(member, Member) else None


def _taker(request: HttpRequest) -> Member:
    """The member acting on their own briefing; 403 for anyone of no mission."""
    member = own_membership(request)
    if not isinstance(member, Member):
        raise PermissionDenied
    return member


def _language() -> str:
    return get_language() or "en"


def _module_for(request: HttpRequest, pk: int, permission: str) -> BriefingModule:
    """The module if the user is in its mission and holds ``permission`` (else 404 or 403)."""
    module = get_object_or_404(
        BriefingModule.objects.visible_to(request.user).select_related("mission"), pk=pk
    )
    require(request.user, permission, module)
    if module.retired and not request.user.has_perm("briefing.manage_briefing", module):
        raise Http404
    return module


def module_list(request: HttpRequest, slug: str) -> HttpResponse:
    mission = mission_for(request, slug, "briefing.view_briefing")
    member = _viewer(request)
    can_manage = request.user.has_perm("briefing.manage_briefing", mission)
    modules = mission.briefing_modules.all() if can_manage else mission.briefing_modules.in_use()
    language = _language()
    return render(
        request,
        "briefing/module_list.html",
        {
            "mission": mission,
            "rows": [_progress_row(module, member, language) for module in modules],
            "member": member,
            "certified": member is not None and is_certified(member),
            "can_manage": can_manage,
            "can_overview": request.user.has_perm("briefing.view_overview", mission),
        },
    )


def _progress_row(module: BriefingModule, member: Any, language: str) -> dict[str, Any]:
    attempts = (
        module.attempts.filter(member=member) if member is not None else QuizAttempt.objects.none()
    )
    return {
        "module": module,
        "title": module.title_in(language),
        "files": _files_for(module, language),
        "read": member is not None and module.readings.filter(member=member).exists(),
        "passed": attempts.filter(passed=True).exists(),
        "attempts": attempts.count(),
    }


def _files_for(module: BriefingModule, language: str) -> list[BriefingFile]:
    """The module's files for readers of ``language``; all of them when none is in it."""
    files = list(module.files.all())
    return [f for f in files if f.language in ("", language)] or files


def module_new(request: HttpRequest, slug: str) -> HttpResponse:
    mission = mission_for(request, slug, "briefing.manage_briefing")
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        module = create_module(mission, actor=signed_in_user(request), **form.module_fields())
        messages.success(request, _("Module created. Add its files and its test."))
        return redirect("briefing:module_edit", pk=module.pk)
    return render(request, "briefing/module_form.html", {"mission": mission, "form": form})


def module_detail(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk, "briefing.view_briefing")
    member = _viewer(request)
    if request.method == "POST":
        mark_read(module, _taker(request), actor=signed_in_user(request))
        messages.success(request, _("Marked as read."))
        return redirect(module)
    language = _language()
    files = _files_for(module, language)
    return render(
        request,
        "briefing/module_detail.html",
        {
            "module": module,
            "mission": module.mission,
            "title": module.title_in(language),
            "text": module.text_in(language),
            "files": files,
            "member": member,
            "read": member is not None and module.readings.filter(member=member).exists(),
            "can_manage": request.user.has_perm("briefing.manage_briefing", module),
        },
    )


def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk, "briefing.manage_briefing")
    actor = signed_in_user(request)
    uploading = "upload_file" in request.POST
    form = ModuleForm(None if uploading else request.POST or None, module=module)
    file_form = FileForm(request.POST if uploading else None, request.FILES if uploading else None)
    if request.method == "POST" and not uploading and form.is_valid():
        update_module(module, actor=actor, **form.module_fields())
        messages.success(request, _("Module saved."))
        return redirect("briefing:module_edit", pk=module.pk)
    if uploading and file_form.is_valid():
        upload = file_form.cleaned_data["file"]
        try:
            add_module_file(
                module,
                upload,
                filename=upload.name,
                title=file_form.cleaned_data["title"],
                language=file_form.cleaned_data["language"],
                actor=actor,
            )
        except BriefingRefused as refused:
            file_form.add_error("file", str(refused))
        else:
            messages.success(request, _("File added."))
            return redirect("briefing:module_edit", pk=module.pk)
    return render(
        request,
        "briefing/module_form.html",
        {
            "mission": module.mission,
            "module": module,
            "form": form,
            "file_form": file_form,
            "used": module.has_been_used(),
        },
    )


@require_POST
def module_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire the module (``retired=1``) or bring it back (``retired=0``)."""
    module = _module_for(request, pk, "briefing.manage_briefing")
    choice = request.POST.get("retired")
    if choice == "1":
        retire_module(module, actor=signed_in_user(request))
        messages.success(request, _("Module retired: members no longer see it."))
    elif choice == "0":
        restore_module(module, actor=signed_in_user(request))
        messages.success(request, _("Module restored. It is optional until you require it."))
    return redirect("briefing:module_edit", pk=module.pk)


@require_POST
def module_delete(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk, "briefing.manage_briefing")
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that the module is to be deleted."))
        return redirect("briefing:module_edit", pk=module.pk)
    try:
        delete_module(module, actor=signed_in_user(request))
    except BriefingRefused as refused:
        messages.error(request, str(refused))
        return redirect("briefing:module_edit", pk=module.pk)
    messages.success(request, _("Module deleted."))
    return redirect("briefing:modules", slug=module.mission.slug)


@require_POST
def file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    briefing_file = get_object_or_404(
        BriefingFile.objects.visible_to(request.user).select_related("module"), pk=pk
    )
    require(request.user, "briefing.manage_briefing", briefing_file.module)
    if request.POST.get("confirm"):
        remove_module_file(briefing_file, actor=signed_in_user(request))
        messages.success(request, _("File removed."))
    else:
        messages.error(request, _("Tick the box to confirm that the file is to be removed."))
    return redirect("briefing:module_edit", pk=briefing_file.module_id)


def test_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk, "briefing.manage_briefing")
    actor = signed_in_user(request)
    action = request.POST.get("action")
    upload_form = QuizUploadForm(
        request.POST if action == "upload" else None, request.FILES if action == "upload" else None
    )
    problems: list[str] = []
    if action == "upload" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            set_quiz(module, read_quiz(upload.read(), upload.name), actor=actor)
        except QuizRefused as refused:
            problems = refused.errors
        else:
            messages.success(request, _("Test uploaded. Check its right answers."))
            return redirect("briefing:test_edit", pk=module.pk)
    answers_form = pass_form = None
    if module.quiz:
        answering = action == "answers"
        answers_form = QuizForm(
            request.POST if answering else None,
            quiz=module.quiz,
            language=_language(),
            initial=module.answers,
            prefix="answer",
        )
        pass_form = PassMarkForm(
            request.POST if answering else None, initial={"pass_mark": module.pass_mark}
        )
        if answering and answers_form.is_valid() and pass_form.is_valid():
            try:
                set_quiz_answers(
                    module,
                    answers_form.answers(),
                    pass_mark=pass_form.cleaned_data["pass_mark"],
                    actor=actor,
                )
            except BriefingRefused as refused:
                problems = [str(refused)]
            else:
                messages.success(request, _("Right answers saved."))
                return redirect("briefing:module_edit", pk=module.pk)
    return render(
        request,
        "briefing/test_edit.html",
        {
            "module": module,
            "mission": module.mission,
            "title": module.title_in(_language()),
            "upload_form": upload_form,
            "answers_form": answers_form,
            "pass_form": pass_form,
            "problems": problems,
            "missing": module.answers_missing(),
        },
    )


def module_test(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk, "briefing.view_briefing")
    language = _language()
    member = _viewer(request)
    form = None
    if module.has_quiz:
        form = QuizForm(request.POST or None, quiz=module.quiz or {}, language=language)
    if request.method == "POST":
        taker = _taker(request)
        if form is not None and form.is_valid():
            attempt = _take(request, module, taker, form.answers())
            if attempt is not None:
                return redirect("briefing:test", pk=module.pk)
    attempts = list(module.attempts.filter(member=member)) if member is not None else []
    last = attempts[0] if attempts else None
    return render(
        request,
        "briefing/test.html",
        {
            "module": module,
            "mission": module.mission,
            "title": module.title_in(language),
            "form": form,
            "attempts": attempts,
            "last": last,
            "wrong": _wrong_labels(module, last, language),
            "passed": any(attempt.passed for attempt in attempts),
            "certified": member is not None and is_certified(member),
        },
    )


def _take(
    request: HttpRequest, module: BriefingModule, taker: Any, answers: dict[str, Any]
) -> QuizAttempt | None:
    try:
        attempt = take_quiz(module, taker, answers, actor=signed_in_user(request))
    except BriefingRefused as refused:
        messages.error(request, str(refused))
        return None
    if attempt.passed:
        messages.success(request, _("Passed: %(score)s%%.") % {"score": attempt.score})
    else:
        messages.error(
            request,
            _(
                "Not passed: %(score)s%%; %(mark)s%% passes. "
                "Read the module again and retake the test."
            )
            % {"score": attempt.score, "mark": module.pass_mark},
        )
    return attempt


def _wrong_labels(module: BriefingModule, attempt: QuizAttempt | None, language: str) -> list[str]:
    """The questions the attempt got wrong, in words; never their right answers."""
    if attempt is None or attempt.passed:
        return []
    labels = {q["code"]: q.get("label") for q in module.scored_questions()}
    return [in_language(labels.get(code), language, code) for code in attempt.wrong_questions]


def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """Always a download, of the type found in the file's bytes at upload; nothing runs in it."""
    briefing_file = get_object_or_404(BriefingFile.objects.visible_to(request.user), pk=pk)
    # A retired module's files go with it, as its page does.
    _module_for(request, briefing_file.module_id, "briefing.view_briefing")
    return uploaded_file_download(
        briefing_file.file, briefing_file.content_type, briefing_file.original_name
    )


def overview(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    mission = mission_for(request, slug, "briefing.view_overview")
    params = {
        name: request.GET.get(name, "").strip()
        for name in ("q", "role", "certified", "accreditation")
    }
    nothing_required = not mission.briefing_modules.required().exists()
    members = filtered(
        members_with_briefing(mission),
        query=params["q"],
        role=params["role"],
        certified=params["certified"],
        accreditation=params["accreditation"],
        nothing_required=nothing_required,
    )
    members, sort = sorted_by_request(members, request, OVERVIEW_SORTS, "full_name")
    in_use = list(mission.briefing_modules.in_use())
    modules = len(in_use)
    if request.GET.get("format") == "csv":
        return _overview_csv(mission.slug, members, modules)
    return render(
        request,
        "briefing/overview.html",
        {
            "mission": mission,
            "page": page_of(members, request),
            "modules": modules,
            "tests": sum(1 for module in in_use if module.has_quiz),
            "sort": sort,
            "params": params,
            "roles": Member.Role.choices,
            "states": OVERVIEW_STATES,
            "accreditations": Member.Accreditation.choices,
            "nothing_required": nothing_required,
            "can_issue": request.user.has_perm("briefing.issue_token", mission),
        },
    )


def _overview_csv(slug: str, members: Any, modules: int) -> StreamingHttpResponse:
    header = (
        "full_name",
        "role",
        "nationality",
        "team",
        "modules",
        "modules_read",
        "modules_passed",
        "certified",
        "certified_at",
        "accreditation_status",
    )
    rows = (
        (
            m.full_name,
            m.role,
            m.nationality,
            m.team.code if m.team else "",
            modules,
            m.modules_read,
            m.modules_passed,
            "yes" if is_certified(m) else "no",
            m.certified_at.isoformat() if m.certified_at else "",
            m.accreditation_status,
        )
        for m in members
    )
    return csv_response(f"{slug}-briefing.csv", header, rows)


def issue_token(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        Member.objects.visible_to(request.user).select_related("mission", "user"), pk=pk
    )
    require(request.user, "briefing.issue_token", member)
    form = TokenForm(request.POST or None)
    token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _device, token = issue_device_token(
                member, name=form.cleaned_data["name"], actor=signed_in_user(request)
            )
        except BriefingRefused as refused:
            form.add_error(None, str(refused))
    return render(
        request,
        "briefing/issue_token.html",
        {
            "member": member,
            "mission": member.mission,
            "form": form,
            "token": token,
            "certified": is_certified(member),
        },
    )
