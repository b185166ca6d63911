"""The overview page: the elections and missions the user works on.

Those who run a mission's election day (its core team and coordinators) land
on that mission's dashboard instead; observers and analysts keep the overview.
It shows more than one app's data, so it lives above the apps rather than in any of them.
"""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pollwatch.accounts.roles import is_administrator, membership
from pollwatch.findings.views import mission_dashboard
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Election


def home(request: HttpRequest) -> HttpResponse:
    dashboard_slug = _own_dashboard(request)
    if dashboard_slug is not None:
        return mission_dashboard(request, dashboard_slug)
    elections = Election.objects.visible_to(request.user).annotate(station_count=Count("stations"))
    missions = Mission.objects.visible_to(request.user)[:20]
    return render(request, "home.html", {"elections": elections, "missions": missions})


def _own_dashboard(request: HttpRequest) -> str | None:
    """The slug of the viewer's mission if its dashboard is their start page."""
    if is_administrator(request.user):
        return None
    member = membership(request.user)
    if member is None or not request.user.has_perm(
        "findings.view_mission_dashboard", member.mission
    ):
        return None
    return str(member.mission.slug)
