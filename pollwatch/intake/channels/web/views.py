"""The web form: the observer's mobile page, which keeps working offline once loaded.

The page sends its reports through the JSON API channel, so it has no
services of its own; here are only the page and its service worker.
"""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SERVICE_WORKER_VERSION = "1"


def observe(request):
    """The observer's mobile page; it keeps working offline once loaded."""
    config = {
        "api": "/api/v1/",
        "csrf": get_token(request),
        "language": (get_language() or "en")[:2],
        "serviceWorker": reverse("intake:service_worker"),
        "scope": reverse("intake:observe"),
        "incidentForm": "incident",
        "text": {
            "send": _("Send"),
            "team": _("Team"),
            "required": _("Answer this question."),
            "fixErrors": _("Some answers are missing; see the questions marked."),
            "receipt": _("receipt"),
            "online": _("online"),
            "offline": _("offline"),
            "noNetwork": _("no network, will retry"),
            "loginAgain": _("log in again to send"),
            "noAssignment": _("Your assignment could not be loaded; connect once to get it."),
        },
    }
    return render(request, "intake/observe.html", {"config": config})


def service_worker(request):
    shell = [
        reverse("intake:observe"),
        static("forms/conditions.js"),
        static("intake/observer.js"),
        static("pollwatch/site.css"),
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
