from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pollwatch.accounts.guards import require, signed_in_user
from pollwatch.lib.downloads import csv_response
from pollwatch.lib.file_types import uploaded_file_download
from pollwatch.lib.listing import page_of, sorted_by_request
from pollwatch.lib.tabular import TableRejected
from pollwatch.missions.forms import (
    CoalitionForm,
    DelegationHeadForm,
    DelegationMembersForm,
    MeetingFilterForm,
    MeetingForm,
    MemberUploadForm,
    MissionDocumentForm,
    OrganisationForm,
)
from pollwatch.missions.guards import mission_for
from pollwatch.missions.importing import import_members
from pollwatch.missions.models import Member, Mission, MissionDocument, Organisation
from pollwatch.missions.services import (
    DOCUMENT_TYPES,
    MissionError,
    add_delegation,
    assign_to_delegation,
    log_meeting,
    organisation_named,
    record_document,
    set_coalition,
    set_delegation_head,
    set_lead_organisation,
)

MEMBER_SORTS = ("full_name", "role", "nationality", "team__code", "accreditation_status")


def mission_list(request):
    missions = Mission.objects.visible_to(request.user)
    return render(request, "missions/mission_list.html", {"missions": missions})


MISSION_SECTIONS = {
    "dashboard": "findings.view_mission_dashboard",
    "meetings": "missions.view_meetings",
    "statements": "statements.view_statement",
    "deployment": "deployment.view_plan",
    "findings": "findings.view_findings",
    "pvt": "findings.view_pvt",
    "incidents": "intake.triage_incidents",
    "import_members": "missions.import_members",
    "export_members": "missions.export_members",
    "delegations": "missions.manage_delegations",
    "documents": "missions.record_documents",
    "briefing": "briefing.view_briefing",
    "briefing_overview": "briefing.view_overview",
    "accreditation": "accreditation.manage_accreditation",
    "coalition": "missions.change_coalition",
}


def permissions_in(user, mission) -> dict[str, bool]:
    """The mission pages the user may open: no page links to one they may not."""
    return {
        name: user.has_perm(permission, mission) for name, permission in MISSION_SECTIONS.items()
    }


def mission_detail(request, slug):
    mission = mission_for(request, slug)
    members = mission.members.select_related("team").visible_to(request.user)
    role = request.GET.get("role", "")
    if role in Member.Role.values:
        members = members.filter(role=role)
    query = request.GET.get("q", "").strip()
    if query:
        members = members.filter(full_name__icontains=query)
    members, sort = sorted_by_request(members, request, MEMBER_SORTS, "full_name")
    if request.GET.get("format") == "csv":
        require(request.user, "missions.export_members", mission)
        columns = (
            "full_name",
            "role",
            "nationality",
            "home_organisation",
            "languages",
            "team__code",
            "accreditation_status",
            "accreditation_number",
        )
        return csv_response(f"{mission.slug}-members.csv", columns, members.values_list(*columns))
    return render(
        request,
        "missions/mission_detail.html",
        {
            "mission": mission,
            "page": page_of(members, request),
            "sort": sort,
            "role": role,
            "query": query,
            "roles": Member.Role.choices,
            "teams": mission.teams.visible_to(request.user).prefetch_related(
                Prefetch(
                    "members",
                    queryset=Member.objects.visible_to(request.user).select_related(
                        "delegation__organisation"
                    ),
                ),
                "areas",
            ),
            "delegations": mission.delegations.with_sizes(),
            "documents": mission.documents.all(),
            "can": permissions_in(request.user, mission),
        },
    )


def member_upload(request, slug):
    mission = mission_for(request, slug, "missions.import_members")
    form = MemberUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = import_members(
                mission, upload, filename=upload.name, actor=signed_in_user(request)
            )
        except TableRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(request, outcome.summary())
            return redirect(mission)
    return render(
        request,
        "missions/member_upload.html",
        {"mission": mission, "form": form, "problems": problems},
    )


def meeting_list(request, slug):
    mission = mission_for(request, slug, "missions.view_meetings")
    filters = MeetingFilterForm(request.GET or None)
    meetings = mission.meetings.prefetch_related("attendees")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["institution"]:
            meetings = meetings.filter(institution__icontains=data["institution"])
        if data["date_from"]:
            meetings = meetings.filter(date__gte=data["date_from"])
        if data["date_to"]:
            meetings = meetings.filter(date__lte=data["date_to"])
    form = None
    if request.method == "POST":
        require(request.user, "missions.log_meeting", mission)
    if request.user.has_perm("missions.log_meeting", mission):
        form = MeetingForm(request.POST or None, mission=mission, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            log_meeting(
                mission, attendees=data.pop("attendees"), actor=signed_in_user(request), **data
            )
            messages.success(request, _("Meeting logged."))
            return redirect("missions:meetings", slug=mission.slug)
    return render(
        request,
        "missions/meeting_list.html",
        {
            "mission": mission,
            "filters": filters,
            "page": page_of(meetings, request),
            "form": form,
            "institutions": mission.meetings.values_list("institution", flat=True)
            .distinct()
            .order_by("institution"),
        },
    )


def organisation_list(request):
    organisations = Organisation.objects.visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query)
        )
    return render(
        request,
        "missions/organisation_list.html",
        {"page": page_of(organisations.order_by("name"), request), "query": query},
    )


def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    missions = Mission.objects.visible_to(request.user)
    # Each delegation lists only the people the viewer may see in its mission.
    people = Member.objects.visible_to(request.user).order_by("full_name")
    delegations = (
        organisation.delegations.filter(mission__in=missions)
        .with_sizes()
        .select_related("mission")
        .prefetch_related(Prefetch("members", queryset=people, to_attr="shown_members"))
        .order_by("mission__name")
    )
    return render(
        request,
        "missions/organisation_detail.html",
        {
            "organisation": organisation,
            "delegations": delegations,
            "led_missions": organisation.led_missions.filter(pk__in=missions),
        },
    )


def delegation_list(request, slug):
    mission = mission_for(request, slug, "missions.manage_delegations")
    action = request.POST.get("action") if request.method == "POST" else None
    lead_form = OrganisationForm(request.POST if action == "lead" else None, prefix="lead")
    new_form = OrganisationForm(request.POST if action == "delegation" else None, prefix="new")
    form = lead_form if action == "lead" else new_form
    if action in ("lead", "delegation") and form.is_valid():
        try:
            _organisation_action(mission, action, form.cleaned_data, signed_in_user(request))
        except MissionError as error:
            form.add_error("name", str(error))
        else:
            return redirect("missions:delegations", slug=mission.slug)
    return render(
        request,
        "missions/delegation_list.html",
        {
            "mission": mission,
            "delegations": mission.delegations.with_sizes(),
            "lead_form": lead_form,
            "new_form": new_form,
            "without_delegation": mission.members.filter(delegation=None).count(),
        },
    )


@transaction.atomic
def _organisation_action(mission: Mission, action: str, data: dict, actor: User | None) -> None:
    """Find or create the organisation, then make it the lead or add its delegation."""
    organisation = organisation_named(
        data["name"],
        kind=data["kind"],
        short_name=data["short_name"],
        country=data["country"],
        actor=actor,
    )
    if action == "lead":
        set_lead_organisation(mission, organisation, actor=actor)
    else:
        add_delegation(mission, organisation, actor=actor)


def delegation_detail(request, slug, pk):
    mission = mission_for(request, slug, "missions.manage_delegations")
    delegation = get_object_or_404(
        mission.delegations.select_related("organisation", "head"), pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    head_form = DelegationHeadForm(
        request.POST if action == "head" else None, delegation=delegation
    )
    members_form = DelegationMembersForm(
        request.POST if action == "members" else None, delegation=delegation
    )
    form = head_form if action == "head" else members_form
    if action in ("head", "members") and form.is_valid():
        actor = signed_in_user(request)
        try:
            if action == "head":
                set_delegation_head(delegation, form.cleaned_data["head"], actor=actor)
            else:
                assign_to_delegation(delegation, form.cleaned_data["members"], actor=actor)
        except MissionError as error:
            form.add_error(None, str(error))
        else:
            return redirect("missions:delegation", slug=mission.slug, pk=delegation.pk)
    return render(
        request,
        "missions/delegation_detail.html",
        {
            "mission": mission,
            "delegation": delegation,
            "members": delegation.members.select_related("team").order_by("full_name"),
            "head_form": head_form,
            "members_form": members_form,
        },
    )


def document_list(request, slug):
    mission = mission_for(request, slug, "missions.record_documents")
    form = MissionDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record_document(mission, **data, actor=signed_in_user(request))
        except MissionError as error:
            form.add_error("upload", str(error))
        else:
            messages.success(request, _("Document recorded."))
            return redirect("missions:documents", slug=mission.slug)
    return render(
        request,
        "missions/document_list.html",
        {"mission": mission, "documents": mission.documents.all(), "form": form},
    )


def document_file(request, slug, pk):
    """The document's file for the mission's people: always a download, never a page."""
    mission = mission_for(request, slug)
    document = get_object_or_404(mission.documents.exclude(file=""), pk=pk)
    return _document_download(document)


def _document_download(document: MissionDocument) -> FileResponse:
    extension = document.file.name.rsplit(".", 1)[-1]
    content_type = {ext: mime for mime, ext in DOCUMENT_TYPES.items()}.get(extension)
    if content_type is None:
        raise Http404("no such file")
    name = f"{document.get_kind_display()} {document.issued_on}.{extension}"
    return uploaded_file_download(document.file, content_type, name)


def coalition_settings(request, slug):
    """Whether a coalition runs the mission, what its members share, and who its members are."""
    mission = mission_for(request, slug, "missions.change_coalition")
    form = CoalitionForm(request.POST or None, instance=Mission.objects.get(pk=mission.pk))
    if request.method == "POST" and form.is_valid():
        changed = set_coalition(
            mission,
            coalition=form.cleaned_data["coalition"],
            sharing=form.cleaned_data["coalition_sharing"],
            actor=signed_in_user(request),
        )
        messages.success(request, _("Coalition settings saved.") if changed else _("No change."))
        return redirect("missions:coalition", slug=mission.slug)
    members = mission.delegations.with_sizes()
    return render(
        request,
        "missions/coalition.html",
        {"mission": mission, "form": form, "member_organisations": members},
    )
