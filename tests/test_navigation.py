"""Every page a person opens is reachable from the menu by everyone who may open it.

Who may open what comes from the permission matrix's ``EXPECTED`` table. For
each role, the walk starts at the main menu and follows links on the pages
it reaches: a page with no parameters in its address must be in the menu
itself; a page about one object (a report, a mission's findings) must be
linked within ``MAX_DEPTH`` steps of it. An administrator, who belongs to no
mission, reaches a mission's pages through the mission list: menu, mission,
section, then the section's own pages.
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from pollwatch.navigation import menu_for
from tests.accounts.test_permission_matrix import (  # noqa: F401
    EXPECTED,
    Rule,
    url_patterns,
    world,
)

ROLES = ("core", "coordinator", "analyst", "observer", "administrator")
MAX_DEPTH = 3

# Pages nobody opens from a menu, besides machine endpoints and POST-only
# actions (``machine`` and ``any_get`` in EXPECTED).
NOT_MENU_PAGES = {
    "login": "signing in comes before any menu",
    "logout": "the menu's own button, a POST",
    "intake:service_worker": "a script the observer page installs",
    "statements:public": "published for the public, linked from outside",
    "statements:public_mission": "published for the public, linked from outside",
    "statements:download": "published for the public, linked from outside",
    "accreditation:check": "for the public, reached by scanning a badge's QR code",
    "forensics:json": "not a page: an analysis's figures for programs, beside its report",
    "deployment:map_data": "not a page: the station map's data, which the map page fetches",
    "findings:points_data": "not a page: the findings map's data, which the map page fetches",
    "intake:incident_map_data": "not a page: the incident map's data, which the list fetches",
    **{
        f"findings:mission_dashboard_{panel}": "a panel the mission dashboard reloads itself"
        for panel in ("reports", "teams", "coverage", "incidents", "pvt")
    },
}
# The API documentation is a page for people, though its table row says machine.
PEOPLES_PAGES_AMONG_MACHINES = {"api:openapi-view"}

MENU = re.compile(r"<header class=\"top\">(.*?)</header>", re.S)
LINK = re.compile(r'href="(/[^"#]*)"')
NOT_FOLLOWED = ("/static/", "/logout/", "/admin/")


def is_menu_page(name: str, rule: Rule) -> bool:
    if name in NOT_MENU_PAGES:
        return False
    if name in PEOPLES_PAGES_AMONG_MACHINES:
        return True
    return not (rule.machine or rule.any_get)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def _links(text: str) -> set[str]:
    return {html.unescape(link) for link in LINK.findall(text)}


def _name_of(link: str) -> str | None:
    try:
        return resolve(link.split("?")[0]).view_name
    except Resolver404:
        return None


def _page_links(client: Client, link: str) -> set[str]:
    response = client.get(link)
    body = _body(response)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return set()
    return _links(body)


def walk(client: Client, menu_links: set[str]) -> dict[str, int]:
    """Each URL name reached from the menu, with the fewest links followed to reach it."""
    reached = {name: 0 for link in menu_links if (name := _name_of(link))}
    seen = {link.split("?")[0] for link in menu_links}
    frontier = menu_links
    for depth in range(1, MAX_DEPTH + 1):
        found = set()
        for link in sorted(frontier):
            found |= _page_links(client, link)
        frontier = set()
        for link in found:
            path = link.split("?")[0]
            if path in seen or path.startswith(NOT_FOLLOWED):
                continue
            seen.add(path)
            frontier.add(link)
            if name := _name_of(link):
                reached.setdefault(name, depth)
    return reached


def _menu_links(client: Client) -> set[str]:
    menu = MENU.search(_body(client.get("/")))
    assert menu, "the home page shows no main menu"
    return _links(menu.group(1))


def _unreachable(role: str, reached: dict[str, int]) -> list[str]:
    missing = []
    for name, route, _ in url_patterns():
        rule = EXPECTED.get(name)
        if rule is None or role not in rule.get or not is_menu_page(name, rule):
            continue
        in_menu = reached.get(name) == 0
        if "<" not in route and not in_menu:
            missing.append(f"{name} is in no menu of {role}")
        elif name not in reached:
            missing.append(f"{name} is linked from nothing {role} reaches from the menu")
    return missing


@pytest.fixture
def people(world) -> dict[str, object]:  # noqa: F811
    """The permission matrix's people of mission A, and its administrator."""
    own, _foreign, administrator = world
    return {**own.values["people"], "administrator": administrator}


@pytest.mark.parametrize("role", ROLES)
def test_each_page_a_role_may_open_is_reachable_from_its_menu(people, role):
    client = Client()
    client.force_login(people[role])
    menu_links = _menu_links(client)

    assert _unreachable(role, walk(client, menu_links)) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens(people, role):
    client = Client()
    client.force_login(people[role])
    refused = [
        f"{link}: {response.status_code}"
        for link in sorted(_menu_links(client))
        if (response := client.get(link)).status_code != 200
    ]
    assert refused == []


def test_someone_signed_out_has_no_menu(client):
    from django.contrib.auth.models import AnonymousUser

    assert menu_for(AnonymousUser()) == []
    assert 'class="menu"' not in client.get("/login/").content.decode()
