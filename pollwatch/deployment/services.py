"""Actions on deployment plans: draw the sample, plan the routes, change them on the day.

The statistics (``pollwatch.stats.sampling``) and the route planner
(``pollwatch.deployment.routing``) know nothing of Django; this module turns
the registry and the mission's teams into their inputs, stores what they
return and records every change with its author.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pollwatch.accounts.scoping import can_manage_station
from pollwatch.audit.services import log_action
from pollwatch.deployment import routing
from pollwatch.deployment.models import DeploymentPlan, Reassignment, RouteStop, SampledStation
from pollwatch.missions.models import Mission, Team
from pollwatch.registry.models import Area, PollingStation, Round
from pollwatch.stats.sampling import (
    SampleDesign,
    SampleDraw,
    combine_strata,
    draw_sample,
    fresh_seed,
    size_classes,
)

SIZE_MEASURE = "registered voters"
KIND_STRATUM = "station kind"
SIZE_CLASS_STRATUM = "size class of registered voters"


# A planned station as routing reads it: id, area path, area name, latitude, longitude.
_StationRow = tuple[int, str, str, Decimal | None, Decimal | None]


class DeploymentError(Exception):
    """A deployment change that cannot be made, with a message the user can act on."""


@dataclass(frozen=True, slots=True)
class DesignChoices:
    """The sampling design a user chose for a mission's plan.

    Attributes
    ----------
    size : int
        Stations to sample (not counting reserves).
    strata_levels : tuple of int
        Area levels to stratify by (0 is the top level, such as regions).
    by_kind : bool
        Also stratify by station kind (regular, special, abroad).
    size_class_bounds : tuple of int
        Registered-voter bounds of size classes to stratify by; empty for none.
    allocation : str
        ``proportional``, ``equal`` or ``neyman`` (on registered voters).
    minimum_per_stratum : int
        Least stations per stratum.
    pps : bool
        Probability proportional to registered voters within strata.
    reserve_per_stratum : int
        Reserve stations listed per stratum for replacements.
    is_pvt : bool
        A PVT sample: each team stays at one station all day.
    stations_per_team : int
        Most stations a mobile team visits in a day.
    """

    size: int
    strata_levels: tuple[int, ...] = ()
    by_kind: bool = False
    size_class_bounds: tuple[int, ...] = ()
    allocation: str = "proportional"
    minimum_per_stratum: int = 0
    pps: bool = False
    reserve_per_stratum: int = 0
    is_pvt: bool = False
    stations_per_team: int = 10

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in values.items()
        }


@dataclass(frozen=True, slots=True)
class RouteOutcome:
    """What :func:`build_routes` stored: routes, and the stations no team could take."""

    teams_with_stations: int
    assigned: int
    unassigned: tuple[routing.UnassignedStation, ...]

    def summary(self) -> str:
        text = ngettext(
            "%(assigned)d station on the routes of %(teams)d teams.",
            "%(assigned)d stations on the routes of %(teams)d teams.",
            self.assigned,
        ) % {"assigned": self.assigned, "teams": self.teams_with_stations}
        if self.unassigned:
            count = len(self.unassigned)
            text += " " + ngettext(
                "%(count)d station has no team.", "%(count)d stations have no team.", count
            ) % {"count": count}
        return text


@dataclass(frozen=True, slots=True)
class _Frame:
    station_ids: list[int]
    strata: np.ndarray | None
    voters: np.ndarray
    stratified_by: tuple[str, ...]


def draw_plan(
    mission: Mission,
    choices: DesignChoices,
    *,
    seed: int | None = None,
    actor: User | None = None,
    for_round: Round | None = None,
) -> DeploymentPlan:
    """Draw the mission's sample from its election's registry and make it the current plan.

    The frame is every station of the election in order of code, so the same
    seed and registry give the same sample. Older plans stay, no longer current.
    The plan is for ``for_round``, by default the round being observed now;
    a round of repeat voting in some areas samples only their stations.
    """
    frame = _registry_frame(mission, choices, for_round)
    seed = fresh_seed() if seed is None else seed
    try:
        design = SampleDesign(
            size=choices.size,
            seed=seed,
            stratified_by=frame.stratified_by,
            allocation=choices.allocation,
            minimum_per_stratum=choices.minimum_per_stratum,
            pps_by=SIZE_MEASURE if choices.pps else None,
            neyman_by=SIZE_MEASURE if choices.allocation == "neyman" else None,
            reserve_per_stratum=choices.reserve_per_stratum,
        )
        draw = draw_sample(
            design,
            len(frame.station_ids),
            strata=frame.strata,
            sizes=frame.voters if choices.pps else None,
            neyman_values=frame.voters if choices.allocation == "neyman" else None,
        )
    except ValueError as error:
        raise DeploymentError(str(error)) from error
    with transaction.atomic():
        DeploymentPlan.objects.filter(mission=mission, is_current=True).update(is_current=False)
        plan = DeploymentPlan.objects.create(
            mission=mission,
            round=for_round,
            created_by=actor if getattr(actor, "pk", None) else None,
            is_random=True,
            design=choices.as_json() | {"stratified_by": list(frame.stratified_by)},
            seed=seed,
            description=draw.describe(),
            is_pvt=choices.is_pvt,
            stations_per_team=choices.stations_per_team,
        )
        SampledStation.objects.bulk_create(_sample_rows(plan, draw, frame), batch_size=2000)
        log_action(
            "deployment.plan_drawn",
            actor=actor,
            target=plan,
            data={
                "seed": seed,
                "size": choices.size,
                "design": plan.design,
                "round": plan.round.number if plan.round else None,
            },
        )
    return plan


def _registry_frame(
    mission: Mission, choices: DesignChoices, for_round: Round | None = None
) -> _Frame:
    stations = PollingStation.objects.filter(election=mission.election_id)
    voting_areas = list(for_round.areas.all()) if for_round is not None else []
    if voting_areas:
        stations = stations.in_areas(voting_areas)
    rows = list(stations.order_by("code").values_list("pk", "area_id", "registered_voters", "kind"))
    if not rows:
        raise DeploymentError(_("The election has no polling stations to sample from."))
    ids, area_ids, voters, kinds = zip(*rows, strict=True)
    columns, names = [], []
    for level in choices.strata_levels:
        label_of_area = _area_labels_at_level(mission, level)
        columns.append(np.asarray([label_of_area[area] for area in area_ids]))
        names.append(_level_name(mission, level))
    if choices.by_kind:
        columns.append(np.asarray(kinds))
        names.append(KIND_STRATUM)
    if choices.size_class_bounds:
        columns.append(size_classes(voters, choices.size_class_bounds))
        names.append(SIZE_CLASS_STRATUM)
    return _Frame(
        station_ids=list(ids),
        strata=combine_strata(columns) if columns else None,
        voters=np.asarray(voters, dtype=np.float64),
        stratified_by=tuple(names),
    )


def _area_labels_at_level(mission: Mission, level: int) -> dict[int, str]:
    """For each area, the name of its ancestor at ``level`` (its own when shallower).

    Names repeated at a level ("Lake" district in two regions) get the code added.
    """
    areas = list(
        Area.objects.filter(election=mission.election_id).values_list(
            "pk", "name", "code", "level", "path"
        )
    )
    name_count: dict[tuple[int, str], int] = defaultdict(int)
    for _pk, name, _code, area_level, _path in areas:
        name_count[(area_level, name)] += 1
    label = {
        pk: name if name_count[(area_level, name)] == 1 else f"{name} ({code})"
        for pk, name, code, area_level, _path in areas
    }
    ancestor = {}
    for pk, _name, _code, _level, path in areas:
        parts = path.strip("/").split("/")
        ancestor[pk] = label[int(parts[min(level, len(parts) - 1)])]
    return ancestor


def _level_name(mission: Mission, level: int) -> str:
    names = (
        Area.objects.filter(election=mission.election_id, level=level)
        .exclude(level_name="")
        .values_list("level_name", flat=True)
    )
    return names.first() or _("area level %(level)d") % {"level": level}


def _sample_rows(plan: DeploymentPlan, draw: SampleDraw, frame: _Frame) -> Iterator[SampledStation]:
    probabilities = draw.inclusion_probabilities
    for stratum in draw.strata:
        for position in stratum.selected:
            yield SampledStation(
                plan=plan,
                station_id=frame.station_ids[position],
                stratum=stratum.label,
                inclusion_probability=float(probabilities[position]),
                weight=1.0 / float(probabilities[position]),
            )
        for rank, position in enumerate(stratum.reserve, start=1):
            yield SampledStation(
                plan=plan,
                station_id=frame.station_ids[position],
                stratum=stratum.label,
                inclusion_probability=float(probabilities[position]),
                weight=1.0 / float(probabilities[position]),
                is_reserve=True,
                reserve_rank=rank,
                is_planned=False,
            )


def build_routes(plan: DeploymentPlan, *, actor: User | None = None) -> RouteOutcome:
    """Assign the plan's stations to the mission's teams, within their areas, and order routes.

    Teams that share the same areas share their stations evenly (loads
    differ by at most one) in compact groups; where teams' areas overlap
    only in part, each station goes to the least loaded team that may visit
    it. Existing routes of the plan are replaced.
    """
    teams = list(plan.mission.teams.prefetch_related("areas").order_by("code"))
    stations = list(
        plan.sampled.planned()
        .order_by("station__code")
        .values_list(
            "station_id",
            "station__area__path",
            "station__area__name",
            "station__latitude",
            "station__longitude",
        )
    )
    eligible = _eligible_teams(stations, teams)
    limit = 1 if plan.is_pvt else plan.stations_per_team
    route_teams, route_stations = _routing_input(stations, teams, eligible, plan.is_pvt, limit)
    planned = routing.plan_routes(route_stations, route_teams, stations_per_team=limit)
    with transaction.atomic():
        plan.stops.all().delete()
        RouteStop.objects.bulk_create(
            RouteStop(
                plan=plan,
                team_id=int(route.team),
                station_id=int(station),
                day=1,
                position=position,
                is_pvt=plan.is_pvt,
            )
            for route in planned.routes
            for position, station in enumerate(route.stations, start=1)
        )
        outcome = RouteOutcome(
            teams_with_stations=sum(1 for route in planned.routes if route.stations),
            assigned=sum(len(route.stations) for route in planned.routes),
            unassigned=planned.unassigned,
        )
        log_action(
            "deployment.routes_built",
            actor=actor,
            target=plan,
            data={"assigned": outcome.assigned, "unassigned": len(outcome.unassigned)},
        )
    return outcome


def _eligible_teams(stations: list[_StationRow], teams: list[Team]) -> dict[int, tuple[int, ...]]:
    """For each station, the teams (in code order) whose areas contain it."""
    teams_by_path: dict[str, list[int]] = defaultdict(list)
    for team in teams:
        for area in team.areas.all():
            teams_by_path[area.path].append(team.pk)
    order = {team.pk: index for index, team in enumerate(teams)}
    eligible: dict[int, tuple[int, ...]] = {}
    for station_id, path, *_rest in stations:
        parts = path.strip("/").split("/")
        prefixes = ("/" + "/".join(parts[: depth + 1]) + "/" for depth in range(len(parts)))
        found = {team for prefix in prefixes for team in teams_by_path.get(prefix, ())}
        eligible[station_id] = tuple(sorted(found, key=order.__getitem__))
    return eligible


def _routing_input(
    stations: list[_StationRow],
    teams: list[Team],
    eligible: dict[int, tuple[int, ...]],
    pvt: bool,
    limit: int,
) -> tuple[list[routing.Team], list[routing.StationToVisit]]:
    """Routing areas: one per set of teams sharing stations, or one per team where they overlap."""
    keys_of_team: dict[int, set[tuple[int, ...]]] = defaultdict(set)
    for key in set(eligible.values()):
        for team in key:
            keys_of_team[team].add(key)
    overlapping = _overlapping_keys(keys_of_team)
    own_team = _greedy_assignment(stations, eligible, overlapping, limit)
    codes = {team.pk: team.code for team in teams}
    area_of_team: dict[int, str] = {}
    for team, keys in keys_of_team.items():
        shared = next(iter(keys))
        area_of_team[team] = codes[team] if shared in overlapping else _key(shared, codes)
    route_teams = [routing.Team(str(t.pk), area_of_team.get(t.pk, t.code), pvt) for t in teams]
    route_stations: list[routing.StationToVisit] = []
    for station_id, _path, area_name, latitude, longitude in stations:
        key = eligible[station_id]
        if not key:
            area = area_name
        elif key in overlapping:
            owner = own_team.get(station_id)
            # No team was left below its daily limit: the planner reports it unassigned.
            area = codes[owner] if owner else _("%(teams)s, all full") % {"teams": _key(key, codes)}
        else:
            area = _key(key, codes)
        route_stations.append(
            routing.StationToVisit(
                str(station_id),
                area,
                float(latitude) if latitude is not None else None,
                float(longitude) if longitude is not None else None,
                pvt,
            )
        )
    return route_teams, route_stations


def _key(team_ids: tuple[int, ...], codes: dict[int, str]) -> str:
    return "+".join(codes[team] for team in team_ids)


def _overlapping_keys(keys_of_team: dict[int, set[tuple[int, ...]]]) -> set[tuple[int, ...]]:
    """Team sets connected to another set through a team that belongs to both."""
    parent: dict[tuple[int, ...], tuple[int, ...]] = {}

    def root(key: tuple[int, ...]) -> tuple[int, ...]:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for keys in keys_of_team.values():
        first, *rest = sorted(keys)
        for other in rest:
            parent[root(other)] = root(first)
    members: dict[tuple[int, ...], list[tuple[int, ...]]] = defaultdict(list)
    for key in {k for keys in keys_of_team.values() for k in keys}:
        members[root(key)].append(key)
    return {key for group in members.values() if len(group) > 1 for key in group}


def _greedy_assignment(
    stations: list[_StationRow],
    eligible: dict[int, tuple[int, ...]],
    overlapping: set[tuple[int, ...]],
    limit: int,
) -> dict[int, int]:
    """Each station of overlapping areas to its least loaded team, the most constrained first."""
    load: dict[int, int] = defaultdict(int)
    chosen: dict[int, int] = {}
    waiting = [s[0] for s in stations if eligible[s[0]] in overlapping]
    for station_id in sorted(waiting, key=lambda s: len(eligible[s])):
        open_teams = [t for t in eligible[station_id] if load[t] < limit]
        if open_teams:
            team = min(open_teams, key=lambda t: load[t])
            load[team] += 1
            chosen[station_id] = team
    return chosen


@transaction.atomic
def reassign_station(
    plan: DeploymentPlan, station: PollingStation, to_team: Team, *, reason: str, actor: User
) -> Reassignment:
    """Move a station to another team of its area; the count stays at the team's last station."""
    reason = _required_reason(reason)
    _require_manager(actor, plan, station)
    stop = _stop_of(plan, station)
    if to_team.mission_id != plan.mission_id:
        raise DeploymentError(_("Team %(team)s is not in this mission.") % {"team": to_team})
    if to_team.pk == stop.team_id:
        raise DeploymentError(
            _("The station is already on team %(team)s's route.") % {"team": to_team}
        )
    if not PollingStation.objects.filter(pk=station.pk).in_areas(to_team.areas.all()).exists():
        raise DeploymentError(
            _("Station %(station)s is outside the areas of team %(team)s.")
            % {"station": station.code, "team": to_team}
        )
    if plan.is_pvt and plan.stops.filter(team=to_team).exists():
        raise DeploymentError(
            _("Team %(team)s already stays at a PVT station.") % {"team": to_team}
        )
    from_team = stop.team
    stop.delete()
    _renumber(plan, from_team)
    _insert_before_count(plan, to_team, station)
    record = Reassignment.objects.create(
        plan=plan,
        kind=Reassignment.Kind.MOVED,
        station=station,
        from_team=from_team,
        to_team=to_team,
        reason=reason,
        actor=actor,
    )
    log_action(
        "deployment.station_reassigned",
        actor=actor,
        target=record,
        data={"station": station.code, "from": from_team.code, "to": to_team.code},
    )
    return record


@transaction.atomic
def replace_from_reserve(
    plan: DeploymentPlan, station: PollingStation, *, reason: str, actor: User
) -> Reassignment:
    """Replace a planned station by the next reserve of its stratum that its team may visit."""
    reason = _required_reason(reason)
    _require_manager(actor, plan, station)
    stop = _stop_of(plan, station)
    sampled = plan.sampled.planned().filter(station=station).first()
    if sampled is None:
        raise DeploymentError(
            _("Station %(station)s is not in this plan's sample.") % {"station": station.code}
        )
    used = plan.reassignments.exclude(replacement=None).values("replacement")
    reserves = plan.sampled.unused_reserve(sampled.stratum).exclude(station__in=used)
    reserves = reserves.filter(
        station__in=PollingStation.objects.in_areas(stop.team.areas.all()).values("pk")
    )
    reserve = reserves.select_related("station").first()
    if reserve is None:
        raise DeploymentError(
            _("No reserve station is left in stratum %(stratum)s in the areas of team %(team)s.")
            % {"stratum": sampled.stratum, "team": stop.team}
        )
    SampledStation.objects.filter(pk=sampled.pk).update(is_planned=False)
    SampledStation.objects.filter(pk=reserve.pk).update(is_planned=True)
    stop.station = reserve.station
    stop.save(update_fields=["station"])
    record = Reassignment.objects.create(
        plan=plan,
        kind=Reassignment.Kind.REPLACED,
        station=station,
        replacement=reserve.station,
        from_team=stop.team,
        to_team=stop.team,
        reason=reason,
        actor=actor,
    )
    log_action(
        "deployment.station_replaced",
        actor=actor,
        target=record,
        data={
            "station": station.code,
            "replacement": reserve.station.code,
            "stratum": sampled.stratum,
            "reserve_rank": reserve.reserve_rank,
        },
    )
    return record


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DeploymentError(_("Say why the route changes: the reason is recorded."))
    return reason


def _require_manager(actor: User, plan: DeploymentPlan, station: PollingStation) -> None:
    if not can_manage_station(actor, station, plan.mission):
        raise DeploymentError(
            _("You can only change routes for stations in your own areas (%(station)s is not).")
            % {"station": station.code}
        )


def _stop_of(plan: DeploymentPlan, station: PollingStation) -> RouteStop:
    # Lock the stop so that two coordinators changing it at once cannot both succeed.
    stop = plan.stops.select_for_update().filter(station=station).first()
    if stop is None:
        raise DeploymentError(
            _("Station %(station)s is on no team's route in this plan.") % {"station": station.code}
        )
    return stop


def _renumber(plan: DeploymentPlan, team: Team) -> None:
    stops = list(plan.stops.filter(team=team).order_by("day", "position"))
    for position, stop in enumerate(stops, start=1):
        stop.position = position
    RouteStop.objects.bulk_update(stops, ["position"])


def _insert_before_count(plan: DeploymentPlan, team: Team, station: PollingStation) -> None:
    """Put the station before the team's last stop, where it observes the count."""
    stops = plan.stops.filter(team=team)
    last = stops.aggregate(last=Max("position"))["last"]
    if last is None:
        RouteStop.objects.create(
            plan=plan, team=team, station=station, position=1, is_pvt=plan.is_pvt
        )
        return
    stops.filter(position=last).update(position=last + 1)
    RouteStop.objects.create(
        plan=plan, team=team, station=station, position=last, is_pvt=plan.is_pvt
    )
