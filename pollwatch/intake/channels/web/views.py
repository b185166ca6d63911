"""The web form: the observer's mobile page, which keeps working offline once loaded.

The page renders every form as the XForm a device gets and sends each report as
OpenRosa instance XML, so it offers the forms by the OpenRosa channel's rule
(``offered_xforms``) and hands what it sends to the OpenRosa intake service:
the same storage, instance record and idempotency as ODK Collect. Here are the
page, its service worker, and those endpoints under the observer's login.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pollwatch.forms.labels import in_language
from pollwatch.forms.models import FormVersion
from pollwatch.intake.channels.openrosa.device_forms import (
    media_names,
    offered_media_file,
    offered_xform,
    offered_xforms,
)
from pollwatch.intake.channels.openrosa.services import InstanceConflict, receive_instance
from pollwatch.intake.channels.openrosa.views import media_response
from pollwatch.intake.channels.openrosa.xforms import XFormUnbuildable
from pollwatch.intake.checks import phase_hours, phase_window
from pollwatch.intake.rejections import SubmissionRejected
from pollwatch.intake.services import sending_member
from pollwatch.missions.models import Member
from pollwatch.registry.models import Election
from pollwatch.registry.voting_days import voting_day_at

SERVICE_WORKER_VERSION = "4"
INSTANCE_PART = "xml_submission_file"


# A photo, sound or film taken for a report is shown or played from the phone's memory (a
# blob: address) before it is sent; blob: addresses are made by this page's own scripts,
# never by another origin. Media files of the form itself come from this origin.
@csp_update({"img-src": ["blob:"], "media-src": ["'self'", "blob:"]})
def observe(request):
    """The observer's mobile page; it keeps working offline once loaded."""
    member = _observer_member(request)
    if isinstance(member, JsonResponse):
        # An account with no membership (an administrator, say) has no assignment or
        # forms to fill: say so rather than offer a form that can only fail.
        return render(request, "intake/observe_not_member.html")
    config = {
        "api": "/api/v1/",
        "forms": reverse("intake:observer_forms"),
        "submission": reverse("intake:observer_submission"),
        "engine": static("vendor/enketo/webform.js"),
        "csrf": get_token(request),
        "language": (get_language() or "en")[:2],
        "serviceWorker": reverse("intake:service_worker"),
        "scope": reverse("intake:observe"),
        "incidentForm": "incident",
        "phaseHours": _phase_hours(member.mission.election),
        "text": {
            "team": _("Team"),
            "fixErrors": _("Some answers are missing or wrong; see the questions marked."),
            "formProblems": _("This form has problems and may not work:"),
            "receipt": _("receipt"),
            "online": _("online"),
            "offline": _("offline"),
            "noNetwork": _("no network, will retry"),
            "loginAgain": _("log in again to send"),
            "noAssignment": _("Your assignment could not be loaded; connect once to get it."),
            "formsNow": _("Checklists for now"),
            "formsOther": _("Other checklists"),
            "reported": _("reported:"),
            "phases": _phase_names(),
        },
    }
    return render(request, "intake/observe.html", {"config": config})


def _phase_names() -> dict[str, str]:
    """Each phase as the station list names it when the team has reported it there."""
    return {
        "opening": _("opening"),
        "voting": _("voting"),
        "counting": _("counting"),
        "tabulation": _("tabulation"),
        "incident": _("incident"),
        "pvt": _("PVT"),
        "long_term": _("long-term"),
    }


def _phase_hours(election: Election) -> dict[str, tuple[str, str]]:
    """When each phase's reports are expected, for the page to put the current phase's
    checklists first by the phone's clock, offline too: on the voting day of the round
    being observed now."""
    day = voting_day_at(election, timezone.now())
    windows = {phase: phase_window(phase, election, day) for phase in phase_hours()}
    return {
        phase: (window[0].isoformat(), window[1].isoformat())
        for phase, window in windows.items()
        if window is not None
    }


def service_worker(request):
    shell = [
        reverse("intake:observe"),
        static("intake/observer.js"),
        static("pollwatch/site.css"),
        static("vendor/enketo/webform.js"),
        static("vendor/enketo/webform.css"),
    ]
    body = render_to_string(
        "intake/service_worker.js",
        {
            "version": SERVICE_WORKER_VERSION,
            "shell": shell,
            "static_url": static(""),
            "api_url": "/api/v1/",
        },
    )
    response = HttpResponse(body, content_type="application/javascript")
    response["Service-Worker-Allowed"] = reverse("intake:observe")
    response["Cache-Control"] = "no-cache"
    return response


# The endpoints below answer a script, not a person: a lapsed login is a 401 the page can
# show ("log in again"), never a redirect to the login page that a script would take for
# an answer.


def _error(status: int, reason: str, field: str = "") -> JsonResponse:
    return JsonResponse({"errors": [{"field": field, "reason": reason}]}, status=status)


def _observer_member(request: HttpRequest) -> Member | JsonResponse:
    """The logged-in person's membership, or the answer refusing them."""
    if not request.user.is_authenticated:
        return _error(401, _("log in to use the observer form"))
    try:
        return sending_member(request.user)
    except SubmissionRejected:
        return _error(403, _("this account is not a member of a mission"))


def _titles_in_page_language(codes: list[str]) -> dict[str, str]:
    """Each form's title in the page's language, where the form has one."""
    language = (get_language() or "en")[:2]
    definitions = FormVersion.objects.newest_definitions(codes)
    return {
        code: in_language(definition.get("title"), language, "")
        for code, definition in definitions.items()
    }


@login_not_required
def observer_forms(request: HttpRequest) -> JsonResponse:
    """The forms the observer's device is offered: code, version, title and md5 of each,
    and the name, md5 and address of each of its media files."""
    member = _observer_member(request)
    if isinstance(member, JsonResponse):
        return member
    xforms = offered_xforms(member)
    media = media_names(xforms)
    titles = _titles_in_page_language([x.form_id for x in xforms])
    forms = [
        {
            "code": x.form_id,
            "version": x.version,
            "title": titles.get(x.form_id) or x.title,
            "md5": x.md5,
            "media": [
                {
                    "name": name,
                    "md5": md5,
                    "url": reverse("intake:observer_media", args=[x.form_id, name]),
                }
                for name, md5 in media[x.form_id]
            ],
        }
        for x in xforms
    ]
    return JsonResponse({"forms": forms})


@login_not_required
def observer_form(request: HttpRequest, code: str) -> HttpResponse:
    """The XForm of ``code`` as the observer's device gets it."""
    member = _observer_member(request)
    if isinstance(member, JsonResponse):
        return member
    try:
        xform = offered_xform(member, code)
    except XFormUnbuildable:
        return _error(503, _("the form %(form)s cannot be served at the moment") % {"form": code})
    if xform is None:
        return _error(404, _("no form %(form)s") % {"form": code})
    return HttpResponse(xform.xml, content_type="text/xml; charset=utf-8")


@login_not_required
def observer_media(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """A media file of ``code``, for an observer offered the form."""
    member = _observer_member(request)
    if isinstance(member, JsonResponse):
        return member
    try:
        found = offered_media_file(member, code, name)
    except XFormUnbuildable:
        return _error(503, _("the form %(form)s cannot be served at the moment") % {"form": code})
    if found is None:
        return _error(
            404, _("no media file %(file)s for form %(form)s") % {"file": name, "form": code}
        )
    return media_response(found)


@login_not_required
def observer_submission(request: HttpRequest) -> JsonResponse:
    """One report as OpenRosa instance XML, with its attachments (multipart).

    The instance's ``meta/instanceID`` is the key: a resend gets the first receipt,
    the same key with other content is refused as a conflict (409).
    """
    member = _observer_member(request)
    if isinstance(member, JsonResponse):
        return member
    if request.method != "POST":
        return _error(405, _("use POST"))
    upload = request.FILES.get(INSTANCE_PART)
    if upload is None:
        return _error(
            400, _("the %(part)s part is missing") % {"part": INSTANCE_PART}, INSTANCE_PART
        )
    files = [
        part
        for name in request.FILES
        for part in request.FILES.getlist(name)
        if name != INSTANCE_PART
    ]
    try:
        receipt = receive_instance(upload.read(), files, member=member)
    except InstanceConflict as conflict:
        return _error(409, str(conflict), "instanceID")
    except SubmissionRejected as rejected:
        return JsonResponse({"errors": [p.as_dict() for p in rejected.problems]}, status=400)
    body = {
        "id": receipt.submission_id,
        "duplicate": receipt.duplicate,
        "revised": receipt.revised,
        "attachments": receipt.attachments,
    }
    return JsonResponse(body, status=200 if receipt.duplicate else 201)
