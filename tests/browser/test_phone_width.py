"""Every page fits a phone's width: nothing makes the whole page scroll sideways.

The demo mission gives the pages real content (long tables, maps, charts,
reports). For each role the crawl opens every link of its main menu, then the
pages those link to, two steps deep, one address per kind of page; on a phone
390 px wide no page may be wider than the window. A table wider than that
scrolls inside its own box instead.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from pollwatch.demo.country import MISSION_SLUG
from pollwatch.demo.users import ensure_demo_users
from pollwatch.deployment.models import RouteStop
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission
from pollwatch.registry.models import PollingStation
from tests.accounts.test_permission_matrix import EXPECTED
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DEMO_LOGINS = ("admin", "core", "coordinator", "analyst", "observer")
# Menu page, the pages it links to, and theirs: an administrator reaches a
# mission's sections through the mission list and the mission's own page.
STEPS_FROM_THE_MENU = 2
NOT_FOLLOWED = ("/static/", "/logout/", "/admin/", "/i18n/")
# Addresses that answer with data or a file rather than a page.
NOT_PAGES = {
    "forensics:json",
    "findings:points_data",
    "deployment:map_data",
    "deployment:sample_csv",
    "statements:download",
    "intake:service_worker",
    "channels:attachment",
}
PEOPLES_PAGES_AMONG_MACHINES = {"api:openapi-view"}
# A name with no place to break a line, like a long code or address.
LONG_NAME = "PribrezhnoVerkhnekamskayaSredneobrazovatelnayaShkolaImeniGeroevNomer1847"

# The outermost elements that stick out of the window, to say why a page is too wide.
# A box that clips or scrolls its content keeps its children from widening the page.
STICKING_OUT = """() => {
  const found = [];
  const describe = element => element.tagName.toLowerCase()
    + (element.id ? "#" + element.id : "")
    + [...element.classList].map(name => "." + name).join("");
  const visit = parent => {
    for (const child of parent.children) {
      if (found.length === 3) return;
      const right = child.getBoundingClientRect().right + window.scrollX;
      if (right > window.innerWidth + 0.5) {
        found.push(`${describe(child)} reaches ${Math.round(right)} px`);
      } else if (getComputedStyle(child).overflowX === "visible") {
        visit(child);
      }
    }
  };
  visit(document.body);
  return found.join(", ");
}"""


def _is_page(link: str) -> bool:
    try:
        name = resolve(link.split("?")[0]).view_name
    except Resolver404:
        return False
    rule = EXPECTED.get(name)
    if rule is None or name in NOT_PAGES:
        return False
    return name in PEOPLES_PAGES_AMONG_MACHINES or not (rule.machine or rule.any_get)


def _kind(link: str) -> str:
    return resolve(link.split("?")[0]).view_name


def _links(page, within: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        f"{within} a[href^='/']", "links => links.map(link => link.getAttribute('href'))"
    )
    return [href.split("#")[0] for href in hrefs if not href.startswith(NOT_FOLLOWED)]


class Visit(NamedTuple):
    too_wide: str | None  # why the page scrolls sideways; None if it fits
    links: list[str]


def _visit(page, link: str) -> Visit | None:
    """Open ``link`` on the phone; None if it answers with a file or data, not a page."""
    try:
        response = page.goto(link)
    except PlaywrightError as error:
        if "Download is starting" in error.message:
            return None
        raise
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return None
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    too_wide = None
    if overflow > 0:
        too_wide = f"{link}: {overflow} px too wide; {page.evaluate(STICKING_OUT)}"
    return Visit(too_wide, _links(page, "main"))


def _crawl(page, visited_kinds: set[str]) -> list[str]:
    """Open the menu's pages and those they lead to; the pages that scroll sideways."""
    page.goto("/")
    # Every menu page, even if another role saw it: pages differ by role. Beyond
    # the menu, one page of each kind is enough.
    to_visit = ["/", *_links(page, "nav.menu")]
    failures: list[str] = []
    seen: set[str] = set()
    for step in range(STEPS_FROM_THE_MENU + 1):
        found = []
        for link in to_visit:
            if link in seen or not _is_page(link):
                continue
            if step > 0 and _kind(link) in visited_kinds:
                continue
            seen.add(link)
            visited_kinds.add(_kind(link))
            if (visit := _visit(page, link)) is None:
                continue
            if visit.too_wide:
                failures.append(visit.too_wide)
            found += visit.links
        to_visit = found
    return failures


@pytest.fixture
def demo(settings, tmp_path) -> dict[str, str]:
    """The demo mission, its recent reports' and first stops' stations named ``LONG_NAME``;
    its logins."""
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=300)
    mission = Mission.objects.get(slug=MISSION_SLUG)
    latest_reports = Submission.objects.filter(mission=mission).order_by("-received_at")[:5]
    first_stops = RouteStop.objects.filter(plan__mission=mission, position__lte=2)
    PollingStation.objects.filter(
        Q(submissions__in=latest_reports) | Q(pk__in=first_stops.values("station"))
    ).update(name=LONG_NAME)
    return ensure_demo_users(mission)


def test_no_page_of_any_menu_scrolls_sideways_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    failures: list[str] = []
    visited_kinds: set[str] = set()
    for username in DEMO_LOGINS:
        page.context.clear_cookies()
        log_in(page, username, demo[username])
        failures += [f"{username} {failure}" for failure in _crawl(page, visited_kinds)]

    assert len(visited_kinds) > 30, sorted(visited_kinds)
    assert failures == [], "\n".join(failures)
