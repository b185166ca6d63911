"""The main menu: every page a person opens, shown only to those who may open it.

Each entry names the permission its view checks (the rules are in
:mod:`pollwatch.accounts.rules`) and the object the view checks it on, so the
menu asks the same question the view does. Pages about one object (a report,
a statement) are not in the menu: the list pages the menu links to lead to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import (
    AnyUser,
    Membership,
    is_active_user,
    is_administrator,
    membership,
)


class Place(Enum):
    """What an entry's page is about: where its address and its permission check come from."""

    SITE = "the whole site"
    OWN_MISSION = "the viewer's mission, named in the address"
    WITHIN_OWN_MISSION = "the viewer's mission, which the address leaves out"
    OWN_ELECTION = "the election the viewer's mission observes"
    OWN_TEAM = "the viewer's team"


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """A page in the menu; ``permission`` is the one its view requires, checked on ``place``."""

    url_name: str
    label: str | Promise
    permission: str | None = None
    place: Place = Place.SITE


@dataclass(frozen=True, slots=True)
class MenuGroup:
    label: str | Promise
    entries: tuple[MenuEntry, ...]


@dataclass(frozen=True, slots=True)
class MenuLink:
    url: str
    label: str | Promise
    url_name: str


@dataclass(frozen=True, slots=True)
class ShownGroup:
    label: str | Promise
    links: tuple[MenuLink, ...]


MENU = (
    MenuGroup(
        _("Observation"),
        (
            MenuEntry("intake:observe", _("Observe")),
            MenuEntry("intake:submissions", _("Reports")),
            MenuEntry(
                "deployment:team_sheet", _("Team sheet"), "missions.view_mission", Place.OWN_TEAM
            ),
            MenuEntry("channels:sms_guides", _("SMS guides")),
            MenuEntry(
                "briefing:modules", _("Briefing"), "briefing.view_briefing", Place.OWN_MISSION
            ),
        ),
    ),
    MenuGroup(
        _("Mission"),
        (
            MenuEntry("missions:list", _("Missions")),
            MenuEntry(
                "findings:mission_dashboard",
                _("Dashboard"),
                "findings.view_mission_dashboard",
                Place.OWN_MISSION,
            ),
            MenuEntry(
                "missions:detail", _("Mission overview"), "missions.view_mission", Place.OWN_MISSION
            ),
            MenuEntry(
                "missions:meetings", _("Meetings"), "missions.view_meetings", Place.OWN_MISSION
            ),
            MenuEntry(
                "missions:delegations",
                _("Delegations"),
                "missions.manage_delegations",
                Place.OWN_MISSION,
            ),
            MenuEntry(
                "missions:documents",
                _("Mission documents"),
                "missions.record_documents",
                Place.OWN_MISSION,
            ),
            MenuEntry("organisations:list", _("Organisations")),
            MenuEntry(
                "briefing:overview",
                _("Who is briefed"),
                "briefing.view_overview",
                Place.OWN_MISSION,
            ),
            MenuEntry(
                "missions:coalition",
                _("Coalition"),
                "missions.change_coalition",
                Place.OWN_MISSION,
            ),
            MenuEntry(
                "deployment:plan", _("Deployment"), "deployment.view_plan", Place.OWN_MISSION
            ),
            MenuEntry(
                "deployment:map", _("Station map"), "deployment.view_plan", Place.OWN_MISSION
            ),
            MenuEntry(
                "findings:dashboard", _("Findings"), "findings.view_findings", Place.OWN_MISSION
            ),
            MenuEntry(
                "findings:rounds",
                _("Round on round"),
                "findings.view_findings",
                Place.OWN_MISSION,
            ),
            MenuEntry("findings:pvt", _("PVT"), "findings.view_pvt", Place.OWN_MISSION),
            MenuEntry(
                "statements:list", _("Statements"), "statements.view_statement", Place.OWN_MISSION
            ),
            MenuEntry(
                "accreditation:list",
                _("Accreditation"),
                "accreditation.manage_accreditation",
                Place.OWN_MISSION,
            ),
            MenuEntry(
                "accreditation:badges",
                _("Badges"),
                "accreditation.manage_accreditation",
                Place.OWN_MISSION,
            ),
        ),
    ),
    MenuGroup(
        _("Field channels"),
        (
            MenuEntry("intake:payloads", _("Payload review"), "intake.review_payloads"),
            MenuEntry("channels:sms_log", _("SMS log"), "channels.use_console"),
            MenuEntry(
                "channels:sms_test",
                _("SMS test console"),
                "channels.use_console",
                Place.WITHIN_OWN_MISSION,
            ),
            MenuEntry(
                "channels:broadcasts",
                _("Broadcasts"),
                "channels.use_console",
                Place.WITHIN_OWN_MISSION,
            ),
        ),
    ),
    MenuGroup(
        _("Elections and tools"),
        (
            MenuEntry("registry:elections", _("Elections")),
            MenuEntry(
                "forensics:results",
                _("Results analysis"),
                "forensics.upload_results",
                Place.OWN_ELECTION,
            ),
            MenuEntry("deployment:calculator", _("Sample size calculator")),
            MenuEntry("statements:check", _("Claim check")),
            MenuEntry("api:openapi-view", _("API documentation")),
        ),
    ),
)


def _target(place: Place, member: Membership | None) -> tuple[list[str], Any] | None:
    """The address arguments and the permission's object for ``place``; None if it has none."""
    if place is Place.SITE:
        return [], None
    if member is None:
        return None
    mission = member.mission
    if place is Place.OWN_MISSION:
        return [mission.slug], mission
    if place is Place.WITHIN_OWN_MISSION:
        return [], mission
    if place is Place.OWN_ELECTION:
        return [mission.election.slug], mission.election
    if member.team_id is None:
        return None
    return [mission.slug, member.team.code], mission


def _link(entry: MenuEntry, user: AnyUser, member: Membership | None) -> MenuLink | None:
    target = _target(entry.place, member)
    if target is None:
        return None
    args, obj = target
    if entry.permission is not None and not user.has_perm(entry.permission, obj):
        return None
    return MenuLink(reverse(entry.url_name, args=args), entry.label, entry.url_name)


def menu_for(user: AnyUser) -> list[ShownGroup]:
    """The menu's groups of links the user may follow; nothing for someone signed out."""
    if not is_active_user(user):
        return []
    # Administrators belong to no mission: they reach a mission's pages from the mission list.
    member = None if is_administrator(user) else membership(user)
    shown = []
    for group in MENU:
        links = tuple(
            link for entry in group.entries if (link := _link(entry, user, member)) is not None
        )
        if links:
            shown.append(ShownGroup(group.label, links))
    return shown


def main_menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``main_menu``, worked out only on pages that show it."""
    return {"main_menu": SimpleLazyObject(lambda: menu_for(request.user))}
