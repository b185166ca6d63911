"""Every URL of the project, requested by every role, on its own mission's objects and another's.

Two missions observe the same election. For each URL pattern the resolver
knows, the test fills its parameters with objects of mission A ("own") and of
mission B ("other"), and requests it anonymously, as each role of mission A
and as an administrator, with GET and with a POST. The outcome expected for
each pattern comes from ``EXPECTED``; a pattern missing there fails the test,
so no new URL ships unchecked. Any page a person of mission A may open must
also never show mission B's people, meetings or statements.

A variant makes mission A a coalition of two member organisations and checks
the first member's coordinator and observer against the second member's
reports, files, payloads, SMS and team, in both of the coalition's settings.
"""

from __future__ import annotations

import datetime
import html
import io
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from pollwatch.accounts.models import DeviceToken
from pollwatch.accounts.roles import Role
from pollwatch.accreditation.services import grant_accreditation, issue_badge
from pollwatch.briefing.quiz_files import QuizUpload
from pollwatch.briefing.services import add_module_file, create_module, set_quiz
from pollwatch.deployment.services import DesignChoices, build_routes, draw_plan
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forms.models import FormMedia
from pollwatch.intake.models import Attachment, Channel, SmsMessage
from pollwatch.intake.services import (
    Problem,
    store_refused_payload,
)
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Delegation, Member, Mission, Organisation, Team
from pollwatch.missions.services import (
    add_delegation,
    assign_to_delegation,
    log_meeting,
    organisation_named,
    record_document,
    set_coalition,
    set_delegation_head,
    set_lead_organisation,
)
from pollwatch.registry.services import create_election
from pollwatch.statements.models import SECTIONS
from pollwatch.statements.services import create_statement, publish, save_draft
from tests.briefing.conftest import QUIZ, RIGHT
from tests.conftest import PASSWORD, mission_on
from tests.intake.test_services import send, submission

VIEWERS = ("anonymous", "core", "coordinator", "analyst", "observer", "administrator")
MEMBERS = ("core", "coordinator", "analyst", "observer")
EVERYONE = (*MEMBERS, "administrator")
STAFF = ("core", "coordinator", "analyst", "administrator")
MANAGERS = ("core", "coordinator", "administrator")
READERS = ("core", "analyst", "administrator")
CORE = ("core", "administrator")
NOBODY: tuple[str, ...] = ()

# Markers of mission B that no page shown to mission A may contain.
OTHER_MARKERS = (
    "Zelda Othermission",
    "Othermission Institute",
    "Othermission statement",
    "Othermission Council",
    "Othermission briefing",
)


@dataclass(frozen=True)
class Rule:
    """Who gets past the permission check: on GET, on POST, of mission A's objects.

    Another mission's objects are refused to everyone but administrators,
    unless ``public``. ``machine`` endpoints answer anonymous callers 401/403
    rather than redirecting to the login page. ``any_get`` accepts any answer
    to GET (endpoints that only take POST).
    """

    get: tuple[str, ...]
    post: tuple[str, ...] = NOBODY
    public: bool = False
    machine: bool = False
    any_get: bool = False
    query: str = ""


EXPECTED: dict[str, Rule] = {
    "home": Rule(EVERYONE),
    "login": Rule(VIEWERS, VIEWERS, public=True),
    "logout": Rule(VIEWERS, VIEWERS, public=True, any_get=True),
    "set_language": Rule(VIEWERS, VIEWERS, public=True, any_get=True),
    "registry:elections": Rule(EVERYONE),
    "registry:election": Rule(EVERYONE),
    "registry:station_upload": Rule(CORE, CORE),
    "registry:boundaries_upload": Rule(CORE, CORE),
    "registry:rounds": Rule(CORE, CORE),
    "forensics:results": Rule(READERS, READERS),
    "forensics:upload": Rule(READERS),
    "forensics:report": Rule(READERS),
    "forensics:json": Rule(READERS),
    "missions:list": Rule(EVERYONE),
    "missions:detail": Rule(EVERYONE),
    "missions:member_upload": Rule(MANAGERS, MANAGERS),
    "missions:meetings": Rule(STAFF, MANAGERS),
    "missions:delegations": Rule(CORE, CORE),
    "missions:delegation": Rule(CORE, CORE),
    "missions:documents": Rule(CORE, CORE),
    "missions:document_file": Rule(EVERYONE),
    "organisations:list": Rule(EVERYONE),
    "organisations:detail": Rule(EVERYONE),
    "missions:coalition": Rule(CORE, CORE),
    "findings:dashboard": Rule(STAFF),
    "findings:incidents": Rule(STAFF),
    "findings:reports": Rule(STAFF, query="?question=overall&form=station_check"),
    "findings:points": Rule(STAFF),
    "findings:inclusion": Rule(STAFF),
    "findings:points_data": Rule(STAFF),
    "findings:rounds": Rule(STAFF),
    "findings:question": Rule(STAFF),
    "findings:pvt": Rule(READERS, CORE),
    "findings:station": Rule(EVERYONE),
    "findings:mission_dashboard": Rule(MANAGERS),
    "findings:mission_dashboard_reports": Rule(MANAGERS),
    "findings:mission_dashboard_teams": Rule(MANAGERS),
    "findings:mission_dashboard_coverage": Rule(MANAGERS),
    "findings:mission_dashboard_incidents": Rule(MANAGERS),
    "findings:mission_dashboard_pvt": Rule(CORE),
    "intake:observe": Rule(EVERYONE),
    "intake:service_worker": Rule(EVERYONE),
    "intake:observer_forms": Rule(MEMBERS, machine=True),
    "intake:observer_form": Rule(MEMBERS, machine=True),
    "intake:observer_media": Rule(MEMBERS, machine=True),
    "intake:observer_submission": Rule(NOBODY, MEMBERS, machine=True, any_get=True),
    "intake:submissions": Rule(EVERYONE),
    "intake:submission": Rule(EVERYONE, MANAGERS),
    "intake:payloads": Rule(MANAGERS),
    "intake:payload": Rule(MANAGERS, MANAGERS),
    "intake:incidents": Rule(MANAGERS),
    "intake:incident_map_data": Rule(MANAGERS),
    "intake:triage": Rule(MANAGERS, MANAGERS),
    "statements:list": Rule(READERS, CORE),
    "statements:detail": Rule(READERS, CORE),
    "statements:publish": Rule(EVERYONE, CORE, any_get=True),
    "statements:new_version": Rule(EVERYONE, CORE, any_get=True),
    "statements:check": Rule(EVERYONE, EVERYONE),
    "statements:public": Rule(VIEWERS, public=True),
    "statements:download": Rule(VIEWERS, public=True),
    "statements:public_mission": Rule(VIEWERS, public=True),
    "deployment:calculator": Rule(EVERYONE, EVERYONE),
    "deployment:plan": Rule(STAFF),
    "deployment:draw": Rule(CORE, CORE),
    "deployment:routes": Rule(CORE, CORE, any_get=True),
    "deployment:sample_csv": Rule(STAFF),
    "deployment:coverage": Rule(STAFF),
    "deployment:map": Rule(STAFF),
    "deployment:map_data": Rule(STAFF),
    "deployment:team_sheet": Rule(EVERYONE),
    "deployment:station_change": Rule(MANAGERS, MANAGERS),
    "api:openapi-json": Rule(VIEWERS, public=True, machine=True),
    "api:openapi-view": Rule(VIEWERS, public=True, machine=True),
    "api:api-root": Rule(NOBODY, machine=True, any_get=True),
    "api:list_forms": Rule(EVERYONE, machine=True),
    "api:get_form": Rule(MEMBERS, machine=True),
    "api:my_assignment": Rule(MEMBERS, machine=True),
    "api:submit": Rule(NOBODY, EVERYONE, machine=True, any_get=True),
    "api:submit_batch": Rule(NOBODY, EVERYONE, machine=True, any_get=True),
    "api:submission_status": Rule(("observer",), machine=True),
    "channels:twilio_inbound": Rule(NOBODY, machine=True, any_get=True),
    "channels:twilio_status": Rule(NOBODY, machine=True, any_get=True),
    "channels:generic_inbound": Rule(NOBODY, machine=True, any_get=True),
    "channels:android_inbound": Rule(NOBODY, machine=True, any_get=True),
    "channels:odk_form_list": Rule(MEMBERS, machine=True),
    "channels:odk_form": Rule(MEMBERS, machine=True),
    "channels:odk_manifest": Rule(MEMBERS, machine=True),
    "channels:odk_media": Rule(MEMBERS, machine=True),
    "channels:odk_submission": Rule(MEMBERS, MEMBERS, machine=True, any_get=True),
    "channels:sms_log": Rule(MANAGERS),
    "channels:sms_test": Rule(("core", "coordinator"), ("core", "coordinator")),
    "channels:sms_replay": Rule(MANAGERS, MANAGERS),
    "channels:sms_guides": Rule(EVERYONE),
    "channels:sms_guide": Rule(EVERYONE),
    "channels:broadcasts": Rule(("core", "coordinator"), ("core", "coordinator")),
    "channels:submission_attachments": Rule(EVERYONE),
    "channels:attachment": Rule(EVERYONE),
    "briefing:modules": Rule(EVERYONE),
    "briefing:module_new": Rule(CORE, CORE),
    "briefing:overview": Rule(CORE),
    "briefing:module": Rule(EVERYONE, MEMBERS),
    "briefing:module_edit": Rule(CORE, CORE),
    "briefing:module_retire": Rule(CORE, CORE, any_get=True),
    "briefing:module_delete": Rule(CORE, CORE, any_get=True),
    "briefing:file_remove": Rule(CORE, CORE, any_get=True),
    "briefing:test": Rule(EVERYONE, MEMBERS),
    "briefing:test_edit": Rule(CORE, CORE),
    "briefing:file": Rule(EVERYONE),
    "briefing:issue_token": Rule(CORE, CORE),
    "accreditation:list": Rule(CORE),
    "accreditation:download": Rule(CORE),
    "accreditation:member": Rule(CORE, CORE),
    "accreditation:badges": Rule(CORE),
    "accreditation:badges_pdf": Rule(CORE),
    "accreditation:badge": Rule(CORE, CORE),
    "accreditation:check": Rule(VIEWERS, public=True),
}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(name, route, pattern) of every URL the project serves, walked from the resolver."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(p for p in (namespace, entry.namespace or "") if p)
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(p for p in (namespace, entry.name or "") if p)
            yield name, prefix + str(entry.pattern), entry.pattern


@dataclass
class Side:
    """One mission's objects, by the URL parameter names that reach them."""

    values: dict[str, object] = field(default_factory=dict)


def _people(mission: Mission, prefix: str, north_area, team: Team) -> dict[str, object]:
    core = create_user(f"{prefix}-core", PASSWORD, Role.CORE_TEAM, mission=mission)
    analyst = create_user(f"{prefix}-analyst", PASSWORD, Role.ANALYST, mission=mission)
    coordinator = create_user(f"{prefix}-coordinator", PASSWORD, Role.COORDINATOR, mission=mission)
    coordinator.member.areas.set([north_area])
    observer = create_user(f"{prefix}-observer", PASSWORD, Role.OBSERVER, mission=mission)
    observer.member.team = team
    observer.member.full_name = "Zelda Othermission" if prefix == "b" else "Anna Ownmission"
    observer.member.phone = "+995555000001" if prefix == "a" else "+995555000002"
    observer.member.save()
    return {"core": core, "analyst": analyst, "coordinator": coordinator, "observer": observer}


def _mission_objects(mission: Mission, prefix: str, checklist) -> Side:
    election = mission.election
    north = election.areas.get(code="N")
    team = mission.teams.get(code="T1")
    people = _people(mission, prefix, north, team)
    observer = people["observer"]
    token = DeviceToken.issue(observer, "phone")[1]
    data = submission(checklist)
    reports = _reports_of(observer, checklist, data, "x")
    marker = "Othermission" if prefix == "b" else "Ownmission"
    log_meeting(
        mission,
        date=datetime.date(2026, 4, 20),
        counterpart_name="Chair",
        institution=f"{marker} Institute",
        actor=people["core"],
    )
    statement = create_statement(mission, title=f"{marker} statement", actor=people["core"])
    organisations = _organisations(mission, marker, people)
    save_draft(statement.draft(), {key: "The mission observed." for key, _ in SECTIONS}, actor=None)
    published = publish(statement.draft(), actor=people["core"], confirm_flags=True)
    draft = create_statement(mission, title=f"{marker} statement draft", actor=people["core"])
    plan = draw_plan(mission, DesignChoices(size=3), seed=1, actor=people["core"])
    build_routes(plan, actor=people["core"])
    upload = ResultsUpload.objects.create(
        election=election,
        mission=mission,
        file=ContentFile(b"a,b\n", name="r.csv"),
        original_name="r.csv",
        status=ResultsUpload.Status.DONE,
    )
    # Optional, so that every role of the matrix still gets its device token.
    module = create_module(mission, title={"en": f"{marker} briefing"}, required=False)
    set_quiz(module, QuizUpload(QUIZ, dict(RIGHT), 60))
    briefing_file = add_module_file(
        module, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="handbook.pdf"
    )
    upload.report_dir.mkdir(parents=True, exist_ok=True)
    (upload.report_dir / "report.html").write_text("<p>report</p>")
    (upload.report_dir / "results.json").write_text("{}")
    grant_accreditation(observer.member, number=f"{prefix}-1", actor=people["core"])
    badge = issue_badge(observer.member, actor=people["core"])
    return Side(
        {
            "people": people,
            "token": token,
            "mission": mission.slug,
            "election": election.slug,
            "registry_election": election.slug if prefix == "a" else "elsewhere-2026",
            **reports,
            "key": data["key"],
            "statement": draft.pk,
            "published": (published.statement_id, published.number),
            "team": team.code,
            "upload": upload.pk,
            **organisations,
            "module": module.pk,
            "briefing_file": briefing_file.pk,
            "member": observer.member.pk,
            "badge": badge.pk,
            "badge_code": badge.code,
        }
    )


def _organisations(mission: Mission, marker: str, people: dict) -> dict[str, int]:
    """A lead council of the mission's own, and a delegation of an assembly both missions share.

    Mission A's side names the shared assembly, whose page must show A's people only;
    mission B's names B's own council, which A's people may not open at all.
    """
    council = organisation_named(f"{marker} Council", kind="intergovernmental")
    set_lead_organisation(mission, council)
    delegation = add_delegation(mission, organisation_named("Shared Assembly", kind="parliament"))
    observer = people["observer"].member
    assign_to_delegation(delegation, [observer, people["coordinator"].member])
    set_delegation_head(delegation, type(observer).objects.get(pk=observer.pk))
    document = record_document(
        mission,
        kind="invitation",
        title="Invitation",
        issued_on=datetime.date(2026, 2, 1),
        upload=SimpleUploadedFile("invitation.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    shown = delegation.organisation if marker == "Ownmission" else council
    return {"delegation": delegation.pk, "document": document.pk, "organisation": shown.pk}


# A media file of the form every side's devices are offered.
MEDIA_NAME = "stations.csv"


@pytest.fixture
def world(mission, checklist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = mission_on(mission.election, "other-mission", {"T1": "N1", "T2": "S1"})
    create_election(
        slug="elsewhere-2026",
        name="Elsewhere 2026",
        country="Elsewhere",
        date=datetime.date(2026, 6, 1),
        kind="presidential",
        options=["Cy"],
    )
    FormMedia.objects.create(
        version=checklist, name=MEDIA_NAME, content=b"name\n", content_type="text/csv", md5="0" * 32
    )
    own = _mission_objects(mission, "a", checklist)
    foreign = _mission_objects(other, "b", checklist)
    administrator = create_user("matrix-admin", PASSWORD, Role.ADMINISTRATOR)
    DeviceToken.issue(administrator, "admin phone")
    return own, foreign, administrator


OBJECT_PARAMETERS = ("<slug:slug>", "<int:pk>", "<key>", "<str:code>", "<str:badge_code>")


PK_OF = {
    "intake:submission": "submission",
    "intake:payload": "payload",
    "intake:triage": "incident",
    "channels:submission_attachments": "submission",
    "channels:attachment": "attachment",
    "channels:sms_replay": "message",
    "forensics:upload": "upload",
    "forensics:report": "upload",
    "forensics:json": "upload",
    "missions:delegation": "delegation",
    "missions:document_file": "document",
    "organisations:detail": "organisation",
    "briefing:module": "module",
    "briefing:module_edit": "module",
    "briefing:module_retire": "module",
    "briefing:module_delete": "module",
    "briefing:file_remove": "briefing_file",
    "briefing:test": "module",
    "briefing:test_edit": "module",
    "briefing:file": "briefing_file",
    "briefing:issue_token": "member",
    "accreditation:member": "member",
    "accreditation:badge": "badge",
}


def _slug(name: str, route: str, values: dict, token: str) -> dict:
    if name.startswith("registry:") or name == "forensics:results":
        return {"slug": values["registry_election"]}
    return {"slug": values["election"] if name.startswith("forensics:") else values["mission"]}


# The route's parameter → what fills it, from one side's objects and the viewer's token.
FILLERS = {
    "<slug:slug>": _slug,
    "<int:pk>": lambda name, route, values, token: {"pk": values[PK_OF.get(name, "statement")]},
    "<int:number>": lambda name, route, values, token: dict(
        zip(("pk", "number"), values["published"], strict=True)
    ),
    "<str:fmt>": lambda name, route, values, token: {"fmt": "csv"},
    "<str:token>": lambda name, route, values, token: {"token": token},
    "<slug:code>": lambda name, route, values, token: {"code": "station_check"},
    "<code>": lambda name, route, values, token: {"code": "station_check"},
    "<version>": lambda name, route, values, token: {"version": 1},
    "<str:code>": lambda name, route, values, token: {
        "code": values["team"] if "teams" in route else "001"
    },
    "<slug:form_code>": lambda name, route, values, token: {
        "form_code": "station_check",
        "question": "overall",
    },
    "<key>": lambda name, route, values, token: {"key": values["key"]},
    "<str:sms_code>": lambda name, route, values, token: {"sms_code": "SC"},
    "<str:name>": lambda name, route, values, token: {"name": MEDIA_NAME},
    "<str:badge_code>": lambda name, route, values, token: {"badge_code": values["badge_code"]},
}


def _kwargs(name: str, route: str, values: dict, viewer_token: str) -> dict:
    kwargs: dict[str, object] = {}
    for parameter, fill in FILLERS.items():
        if parameter in route:
            kwargs |= fill(name, route, values, viewer_token)
    return kwargs


def _passed(response) -> bool:
    """Whether the request got past the permission check (whatever it then answered)."""
    # 405: the method is not served; 503: a gateway hook with no secret configured.
    if response.status_code in (401, 403, 404, 405, 503):
        return False
    location = response.headers.get("Location", "")
    return not (response.status_code == 302 and "login/" in location)


CLIENTS: dict[int | None, object] = {}


def _client_of(client_class, user):
    """One logged-in client per person for the whole walk: logging in is not what is tested."""
    key = getattr(user, "pk", None)
    if key not in CLIENTS:
        client = client_class()
        if user is not None:
            client.force_login(user)
        CLIENTS[key] = client
    return CLIENTS[key]


def _finish(response) -> None:
    """Read a streamed file to its end, which closes it the way the test client expects.

    Closing it directly would signal the request's end and close the database
    connection that the test's transaction lives in.
    """
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def _leaks(url: str, viewer: str, response) -> list[str]:
    if response.status_code != 200:
        return []
    body = _body(response)
    leaked = [marker for marker in OTHER_MARKERS if marker in body]
    return [f"GET {url} as {viewer} shows mission B's {leaked}"] if leaked else []


LINK = re.compile(r'href="(/[^"#]*)"')
LINKS: dict[str, set[str]] = {}


def _links(response) -> set[str]:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return set()
    return {html.unescape(link) for link in LINK.findall(_body(response))}


def _read(url: str, viewer: str, rule: Rule, response) -> list[str]:
    """Keep the page's links to follow later; say if it shows mission B's markers."""
    if viewer != "anonymous":
        LINKS.setdefault(viewer, set()).update(_links(response))
    if viewer == "administrator" or rule.public:
        return []
    return _leaks(url, viewer, response)


def _dead_links(viewers, client_class) -> list[str]:
    """Pages never link to what the viewer may not open."""
    failures = []
    for viewer, links in LINKS.items():
        user, _token = viewers[viewer]
        for link in sorted(links):
            if link.startswith(("/static/", "/logout/")):
                continue
            response = _client_of(client_class, user).get(link)
            if response.status_code in (401, 403, 404):
                failures.append(
                    f"a page shown to {viewer} links to {link} ({response.status_code})"
                )
            _finish(response)
    return failures


def _sides(route: str, own: dict, foreign: dict):
    yield "own", own
    if any(parameter in route for parameter in OBJECT_PARAMETERS):
        yield "other", foreign


def _expected(rule: Rule, viewer: str, side: str, allowed: tuple[str, ...]) -> bool:
    if side == "other" and not rule.public:
        return viewer == "administrator" and viewer in allowed
    return viewer in allowed


def _check(name, route, rule, viewers, own, foreign, client_class) -> list[str]:
    from django.urls import reverse

    failures = []
    # A page that takes no POST must still refuse it to whoever may not GET it.
    for method, allowed in (("get", rule.get), ("post", rule.post or rule.get)):
        if method == "post" and name == "logout":
            continue
        for side, values in _sides(route, own, foreign):
            for viewer, (user, token) in viewers.items():
                url = reverse(name, kwargs=_kwargs(name, route, values, token)) + rule.query
                expected = _expected(rule, viewer, side, allowed)
                if method == "post" and not rule.post and expected:
                    continue  # a page that takes no POST may answer it as a GET
                if method == "get" and rule.any_get:
                    # Only POST is served: just check that anonymous pages still need a login.
                    if viewer != "anonymous" or rule.machine or rule.public:
                        continue
                    expected = False
                response = getattr(_client_of(client_class, user), method)(url)
                passed = _passed(response)
                if passed != expected:
                    failures.append(
                        f"{method.upper()} {url} as {viewer} ({side}): {response.status_code}, "
                        f"expected {'allowed' if expected else 'refused'}"
                    )
                if method == "get" and passed:
                    failures += _read(url, viewer, rule, response)
                _finish(response)
    return failures


def _viewers(own: dict, administrator) -> dict[str, tuple]:
    admin_token = DeviceToken.issue(administrator, "matrix")[1]
    viewers = {"anonymous": (None, "not-a-token"), "administrator": (administrator, admin_token)}
    for role in MEMBERS:
        user = own["people"][role]
        viewers[role] = (user, DeviceToken.issue(user, "matrix")[1])
    return viewers


def test_every_url_pattern_is_in_the_table():
    names = {name for name, _, _ in url_patterns() if name.split(":")[0] != "admin"}
    assert sorted(names - set(EXPECTED)) == [], "add the new URL to EXPECTED"
    assert sorted(set(EXPECTED) - names) == [], "remove URLs that no longer exist"


def test_every_url_answers_each_role_as_the_table_says(world, client_class):
    own, foreign, administrator = world
    viewers = _viewers(own.values, administrator)
    failures = []
    for name, route, _ in url_patterns():
        if name.split(":")[0] == "admin":
            continue
        failures += _check(
            name, route, EXPECTED[name], viewers, own.values, foreign.values, client_class
        )
    assert failures == []
    assert _dead_links(viewers, client_class) == []


# The admin's own login and logout pages are open, as the site's are.
ADMIN_OPEN = {"admin", "admin:login", "admin:logout"}


def test_the_django_admin_is_for_administrators_only(world, client_class):
    own, _, administrator = world
    viewers = _viewers(own.values, administrator)
    from django.urls import reverse

    failures = []
    for name, route, _ in url_patterns():
        if name.split(":")[0] != "admin" or "<" in route or "(?P" in route or name in ADMIN_OPEN:
            continue
        url = reverse(name)
        for viewer, (user, _token) in viewers.items():
            response = _client_of(client_class, user).get(url)
            passed = _passed(response)
            _finish(response)
            if passed and viewer != "administrator":
                failures.append(f"GET {url} as {viewer}: allowed")
    assert failures == []
    admin_index = _client_of(client_class, administrator).get(reverse("admin:index"))
    assert admin_index.status_code == 200


@pytest.fixture
def client_class():
    from django.test import Client

    CLIENTS.clear()
    LINKS.clear()
    yield Client
    CLIENTS.clear()
    LINKS.clear()


# A coalition: mission A run by two member organisations. Mission A's coordinator and
# observer are sent by the first; the second sends its own coordinator and an observer
# whose team works in the same area, so only the member boundary stands between them.
PARTNER_MARKER = "Petra Partnerorg"
# The reports a coordinator reads of another member when the coalition shares them all.
READ_WHEN_SHARED = {"intake:submission", "channels:submission_attachments", "channels:attachment"}
# What the partner's objects replace of mission A's: the rest is the mission's own.
PARTNER_OBJECTS = ("submission", "incident", "payload", "attachment", "message", "team")
COALITION_VIEWERS = ("core", "coordinator", "analyst", "observer", "administrator")


def _reports_of(observer, checklist, data, name: str) -> dict[str, int]:
    """What an observer's reporting leaves, by the matrix's placeholders: a report (``data``),
    an incident, a refused payload, an attachment and an SMS, ``name`` telling them apart."""
    receipt = send(observer, data)
    incident = send(observer, submission(checklist, stuffing="yes"))
    refused = store_refused_payload(
        "{not json", [Problem("body", "not valid JSON")], channel=Channel.API, user=observer
    )
    attachment = Attachment.objects.create(
        instance_id=f"uuid:{name}",
        submission_id=receipt.submission_id,
        name=f"{name}-protocol.jpg",
        file=ContentFile(b"\xff\xd8\xff\xe0photo", name=f"{name}.jpg"),
        content_type="image/jpeg",
        size=9,
        sha256=name * 64,
    )
    message = SmsMessage.objects.create(
        gateway="test", sender=observer.member.phone, text="hello", member=observer.member
    )
    return {
        "submission": receipt.submission_id,
        "incident": incident.submission_id,
        "payload": refused.pk,
        "attachment": attachment.pk,
        "message": message.pk,
    }


def _member_organisation(mission: Mission, name: str) -> Delegation:
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.NGO)
    return Delegation.objects.create(mission=mission, organisation=organisation)


def _partner_objects(mission: Mission, delegation: Delegation, checklist) -> dict[str, object]:
    team = Team.objects.create(mission=mission, code="P1")
    team.areas.set(mission.election.areas.filter(code="N1"))
    coordinator = create_user("p-coordinator", PASSWORD, Role.COORDINATOR, mission=mission)
    coordinator.member.areas.set(mission.election.areas.filter(code="N"))
    observer = create_user("p-observer", PASSWORD, Role.OBSERVER, mission=mission)
    for person in (coordinator, observer):
        person.member.delegation = delegation
        person.member.team = team if person is observer else None
        person.member.full_name = PARTNER_MARKER if person is observer else "Paul Partnerorg"
        person.member.phone = "+995555000003" if person is observer else ""
        person.member.save()
    return {**_reports_of(observer, checklist, submission(checklist), "p"), "team": team.code}


@pytest.fixture(params=[Mission.CoalitionSharing.ALL, Mission.CoalitionSharing.AGGREGATES])
def coalition_world(request, world, mission, checklist):
    own, foreign, administrator = world
    set_coalition(mission, coalition=True, sharing=request.param, actor=None)
    first = _member_organisation(mission, "Ownorg Watch")
    second = _member_organisation(mission, "Partnerorg Watch")
    for role in ("coordinator", "observer"):
        Member.objects.filter(user=own.values["people"][role]).update(delegation=first)
    partner = own.values | _partner_objects(mission, second, checklist)
    return own, partner, foreign, administrator, request.param


def _reaches_partner_objects(name: str, route: str) -> bool:
    if "<int:pk>" in route:
        return PK_OF.get(name, "statement") in PARTNER_OBJECTS
    return "<str:code>" in route and "teams" in route


def _expected_on_partner(rule: Rule, viewer: str, method: str, name: str, sharing: str) -> bool:
    allowed = rule.get if method == "get" else rule.post or rule.get
    if viewer in ("core", "analyst", "administrator"):
        return viewer in allowed
    if viewer == "coordinator" and method == "get" and name in READ_WHEN_SHARED:
        return sharing == Mission.CoalitionSharing.ALL and viewer in allowed
    return False


def _check_partner(name, route, rule, viewers, partner, sharing, client_class) -> list[str]:
    from django.urls import reverse

    failures = []
    for method in ("get", "post"):
        if method == "get" and rule.any_get:
            continue
        for viewer in COALITION_VIEWERS:
            user, token = viewers[viewer]
            # A page that takes no POST may answer it as a GET, and must refuse it as one.
            as_get = method == "post" and not rule.post
            expected = _expected_on_partner(
                rule, viewer, "get" if as_get else method, name, sharing
            )
            if as_get and expected:
                continue
            url = reverse(name, kwargs=_kwargs(name, route, partner, token)) + rule.query
            response = getattr(_client_of(client_class, user), method)(url)
            passed = _passed(response)
            if passed != expected:
                failures.append(
                    f"{method.upper()} {url} as {viewer} (other member, {sharing}): "
                    f"{response.status_code}, expected {'allowed' if expected else 'refused'}"
                )
            _finish(response)
    return failures


def _partner_leaks(name, route, rule, viewers, own, client_class) -> list[str]:
    """Pages the first member's coordinator opens (lists, the mission's people, the SMS log,
    findings) never name the other member's observer, whatever the coalition shares: only
    the other member's report pages themselves may, when all is shared."""
    from django.urls import reverse

    user, token = viewers["coordinator"]
    if rule.any_get or "coordinator" not in rule.get:
        return []
    url = reverse(name, kwargs=_kwargs(name, route, own, token)) + rule.query
    response = _client_of(client_class, user).get(url)
    LINKS.setdefault("coordinator", set()).update(_links(response))
    found = response.status_code == 200 and PARTNER_MARKER in _body(response)
    _finish(response)
    return [f"GET {url} as the first member's coordinator names {PARTNER_MARKER}"] if found else []


def test_a_coalition_members_coordinator_meets_the_others_objects_as_the_setting_says(
    coalition_world, client_class
):
    own, partner, foreign, administrator, sharing = coalition_world
    viewers = _viewers(own.values, administrator)
    failures = []
    for name, route, _ in url_patterns():
        if name.split(":")[0] == "admin":
            continue
        rule = EXPECTED[name]
        # The mission boundary holds as in any mission, for the people the coalition bounds.
        bounded = {viewer: viewers[viewer] for viewer in ("anonymous", "coordinator", "observer")}
        failures += _check(name, route, rule, bounded, own.values, foreign.values, client_class)
        if _reaches_partner_objects(name, route):
            failures += _check_partner(name, route, rule, viewers, partner, sharing, client_class)
        failures += _partner_leaks(name, route, rule, viewers, own.values, client_class)
    assert failures == []
    assert _dead_links(viewers, client_class) == []
