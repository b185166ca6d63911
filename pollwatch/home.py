"""The overview page: the elections and missions the user works on.

It shows more than one app's data, so it lives above the apps rather than in any of them.
"""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pollwatch.missions.models import Mission
from pollwatch.registry.models import Election


def home(request: HttpRequest) -> HttpResponse:
    elections = Election.objects.visible_to(request.user).annotate(station_count=Count("stations"))
    missions = Mission.objects.visible_to(request.user)[:20]
    return render(request, "home.html", {"elections": elections, "missions": missions})
