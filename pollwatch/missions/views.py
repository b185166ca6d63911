from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pollwatch.accounts.guards import require, signed_in_user
from pollwatch.lib.downloads import csv_response
from pollwatch.lib.listing import page_of, sorted_by_request
from pollwatch.lib.tabular import TableRejected
from pollwatch.missions.forms import (
    CoalitionForm,
    MeetingFilterForm,
    MeetingForm,
    MemberUploadForm,
)
from pollwatch.missions.guards import mission_for
from pollwatch.missions.importing import import_members
from pollwatch.missions.models import Member, Mission
from pollwatch.missions.services import log_meeting, set_coalition

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
                Prefetch("members", queryset=Member.objects.visible_to(request.user)), "areas"
            ),
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
    members = mission.delegations.select_related("organisation").annotate(people=Count("members"))
    return render(
        request,
        "missions/coalition.html",
        {"mission": mission, "form": form, "member_organisations": members},
    )
