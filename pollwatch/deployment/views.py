from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, Sum
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pollwatch.accounts.guards import signed_in_user
from pollwatch.accounts.scoping import can_manage_station
from pollwatch.deployment.calculator import CalculatorError, calculate
from pollwatch.deployment.coverage import DEFAULT_MAX_LOSS, coverage_by_area, coverage_by_stratum
from pollwatch.deployment.forms import CalculatorForm, DrawForm, ReassignForm, ReplaceForm
from pollwatch.deployment.models import DeploymentPlan, RouteStop
from pollwatch.deployment.services import (
    DeploymentError,
    build_routes,
    draw_plan,
    reassign_station,
    replace_from_reserve,
)
from pollwatch.deployment.station_map import station_map
from pollwatch.lib.downloads import csv_response
from pollwatch.lib.map_tiles import configured_tiles
from pollwatch.missions.guards import mission_for
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, PollingStation

SAMPLE_COLUMNS = (
    "station__code",
    "station__name",
    "station__area__code",
    "station__area__name",
    "station__registered_voters",
    "stratum",
    "inclusion_probability",
    "weight",
    "is_reserve",
    "reserve_rank",
    "is_planned",
)


def _mission_and_plan(request, slug, permission="deployment.view_plan", *, required=True):
    mission = mission_for(request, slug, permission)
    plan = DeploymentPlan.objects.filter(mission=mission, is_current=True).first()
    if plan is None and required:
        raise Http404(_("This mission has no deployment plan yet."))
    return mission, plan


def plan_detail(request, slug):
    mission, plan = _mission_and_plan(request, slug, required=False)
    context = {
        "mission": mission,
        "plan": plan,
        "can_draw": request.user.has_perm("deployment.draw_plan", mission),
    }
    if plan is not None:
        teams = mission.teams.visible_to(request.user)
        stops = (
            plan.stops.filter(team__in=teams)
            .select_related("team", "station__area")
            .order_by("team__code", "day", "position")
        )
        context |= {
            "stops": stops,
            "idle_teams": teams.exclude(pk__in=plan.stops.values("team")),
            "strata": plan.sampled.values("stratum")
            .annotate(
                sampled=Count("pk", filter=Q(is_reserve=False)),
                reserve=Count("pk", filter=Q(is_reserve=True)),
            )
            .order_by("stratum"),
            "unassigned": _unassigned(request.user, plan),
            "manageable": _manageable_station_ids(request.user, plan),
            "reassignments": plan.reassignments.select_related(
                "station", "replacement", "from_team", "to_team", "actor"
            )[:50],
        }
    return render(request, "deployment/plan_detail.html", context)


def map_page(request, slug):
    mission, plan = _mission_and_plan(request, slug, required=False)
    shown = station_map(request.user, mission, plan)
    return render(
        request,
        "deployment/map.html",
        {"mission": mission, "plan": plan, "map": shown, "tiles": configured_tiles()},
    )


def map_data(request, slug):
    mission, plan = _mission_and_plan(request, slug, required=False)
    return JsonResponse(station_map(request.user, mission, plan).as_json())


def _unassigned(user, plan: DeploymentPlan):
    stations = PollingStation.objects.filter(
        pk__in=plan.sampled.planned().values("station")
    ).exclude(pk__in=plan.stops.values("station"))
    return stations.select_related("area").visible_to(user).order_by("code")


def _manageable_station_ids(user, plan: DeploymentPlan) -> set[int]:
    if not user.has_perm("deployment.change_routes", plan.mission):
        return set()
    stations = PollingStation.objects.filter(pk__in=plan.stops.values("station"))
    return set(stations.visible_to(user).values_list("pk", flat=True))


def draw(request, slug):
    mission, current = _mission_and_plan(request, slug, "deployment.draw_plan", required=False)
    form = DrawForm(request.POST or None, election=mission.election)
    if request.method == "POST" and form.is_valid():
        try:
            plan = draw_plan(
                mission,
                form.choices(),
                seed=form.cleaned_data["seed"],
                actor=signed_in_user(request),
                for_round=form.cleaned_data["for_round"],
            )
        except DeploymentError as error:
            form.add_error(None, str(error))
        else:
            outcome = build_routes(plan, actor=signed_in_user(request))
            messages.success(request, _("Sample drawn. %(routes)s") % {"routes": outcome.summary()})
            return redirect("deployment:plan", slug=mission.slug)
    return render(
        request,
        "deployment/draw.html",
        {
            "mission": mission,
            "form": form,
            "current": current,
            "calculator_query": _registry_figures(mission),
        },
    )


def _registry_figures(mission: Mission) -> str:
    """The calculator's query for this election: registered voters and average station size."""
    figures = mission.election.stations.aggregate(
        voters=Sum("registered_voters"), average=Avg("registered_voters")
    )
    if not figures["voters"]:
        return ""
    return urlencode(
        {"population": figures["voters"], "station_size": round(figures["average"], 1)}
    )


def rebuild_routes(request, slug):
    mission, plan = _mission_and_plan(request, slug, "deployment.draw_plan")
    if request.method == "POST":
        messages.success(request, build_routes(plan, actor=signed_in_user(request)).summary())
    return redirect("deployment:plan", slug=mission.slug)


def team_sheet(request, slug, code):
    # Every member's menu links here, so a team is shown even before any plan is drawn.
    mission, plan = _mission_and_plan(request, slug, "missions.view_mission", required=False)
    team = get_object_or_404(mission.teams.visible_to(request.user), code=code)
    stops = RouteStop.objects.filter(plan=plan, team=team).select_related("station__area")
    return render(
        request,
        "deployment/team_sheet.html",
        {
            "mission": mission,
            "plan": plan,
            "team": team,
            "stops": stops.order_by("day", "position"),
            "members": team.members.visible_to(request.user)
            .select_related("delegation__organisation")
            .order_by("full_name"),
            "can_view_plan": request.user.has_perm("deployment.view_plan", mission),
        },
    )


def station_change(request, slug, code):
    mission, plan = _mission_and_plan(request, slug, "deployment.change_routes")
    station = get_object_or_404(PollingStation, election=mission.election_id, code=code)
    if not can_manage_station(request.user, station, mission):
        raise PermissionDenied(_("This station is outside your areas."))
    stop = plan.stops.select_related("team").filter(station=station).first()
    if stop is None:
        raise Http404(_("This station is on no route of the current plan."))
    teams = (
        mission.teams.visible_to(request.user)
        .filter(areas__in=Area.objects.filter(pk__in=_ancestor_ids(station)))
        .exclude(pk=stop.team_id)
        .distinct()
    )
    action = request.POST.get("action")
    reassign = ReassignForm(request.POST if action == "reassign" else None, teams=teams)
    replace = ReplaceForm(request.POST if action == "replace" else None)
    form = reassign if action == "reassign" else replace
    if request.method == "POST" and form.is_valid():
        try:
            done = _apply_change(plan, station, action, form.cleaned_data, signed_in_user(request))
        except DeploymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(
                reverse("deployment:plan", args=[mission.slug]) + f"#team-{stop.team.code}"
            )
    return render(
        request,
        "deployment/station_change.html",
        {
            "mission": mission,
            "plan": plan,
            "station": station,
            "stop": stop,
            "reassign": reassign,
            "replace": replace,
        },
    )


def _ancestor_ids(station: PollingStation) -> list[int]:
    return [int(part) for part in station.area.path.strip("/").split("/")]


def _apply_change(plan, station, action, data, user) -> str:
    if action == "reassign":
        record = reassign_station(plan, station, data["to_team"], reason=data["reason"], actor=user)
        return _("Station %(station)s moved from team %(from)s to team %(to)s.") % {
            "station": station.code,
            "from": record.from_team,
            "to": record.to_team,
        }
    record = replace_from_reserve(plan, station, reason=data["reason"], actor=user)
    # A replacement always records the reserve station that took the place.
    reserve = cast(PollingStation, record.replacement)
    return _("Station %(station)s replaced by reserve station %(reserve)s on team %(team)s.") % {
        "station": station.code,
        "reserve": reserve.code,
        "team": record.to_team,
    }


def sample_csv(request, slug):
    mission, plan = _mission_and_plan(request, slug)
    rows = plan.sampled.order_by("is_reserve", "stratum", "reserve_rank", "station__code")
    return csv_response(
        f"{mission.slug}-sample-{plan.pk}.csv",
        [column.replace("station__", "") for column in SAMPLE_COLUMNS],
        rows.values_list(*SAMPLE_COLUMNS).iterator(),
    )


def coverage(request, slug):
    mission, plan = _mission_and_plan(request, slug)
    by = request.GET.get("by", "area")
    max_loss = _max_loss(request.GET.get("max_loss"))
    levels = list(
        Area.objects.filter(election=mission.election_id)
        .values_list("level", "level_name")
        .distinct()
        .order_by("level")
    )
    level = _level(request.GET.get("level"), levels)
    if by == "stratum":
        table = coverage_by_stratum(plan, max_loss=max_loss)
    else:
        table = coverage_by_area(plan, level, max_loss=max_loss)
    context = {
        "mission": mission,
        "plan": plan,
        "table": table,
        "by": by,
        "level": level,
        "levels": dict(levels),
        "max_loss_percent": round(max_loss * 100),
        "updated": timezone.now(),
    }
    template = "deployment/_coverage_table.html" if request.htmx else "deployment/coverage.html"
    return render(request, template, context)


def _max_loss(value) -> float:
    try:
        percent = float(value)
    except (TypeError, ValueError):
        return DEFAULT_MAX_LOSS
    return min(max(percent, 0.0), 100.0) / 100


def _level(value, levels) -> int:
    known = {level for level, _name in levels}
    if value and value.isdigit() and int(value) in known:
        return int(value)
    return 0


def calculator(request):
    # Links may give only the registry's figures; the other fields keep their defaults.
    # The page's own form posts, as it may carry a prior results file (read, never stored).
    query = request.POST if request.method == "POST" else request.GET
    data = CalculatorForm.defaults() | query.dict() if query else None
    form = CalculatorForm(data, request.FILES or None)
    result = None
    if form.is_valid():
        try:
            result = calculate(form.cleaned_data, form.cleaned_data["prior"])
        except CalculatorError as error:
            form.add_error(None, str(error))
    return render(request, "deployment/calculator.html", {"form": form, "result": result})
