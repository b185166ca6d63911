"""The field channels' URLs, all named in the ``channels`` namespace.

Each channel lists its own in ``<channel>/urls.py``; the JSON API's are
mounted under /api/v1/ by :mod:`pollwatch.api`, the web form's in the
``intake`` namespace by :mod:`pollwatch.intake.urls`.
"""

from django.urls import include, path

app_name = "channels"
urlpatterns = [
    path("", include("pollwatch.intake.channels.sms.urls")),
    path("", include("pollwatch.intake.channels.openrosa.urls")),
    path("", include("pollwatch.intake.channels.broadcast.urls")),
]
