"""Deployment endpoints of the JSON API: an observer's assignment."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from pollwatch.deployment.assignment import Assignment, assignment_for
from pollwatch.intake.channels.api.services import DeviceTokenAuth, requesting_member

router = Router(auth=[DeviceTokenAuth(), django_auth])


@router.get("/assignment", tags=["observers"])
def my_assignment(request: HttpRequest) -> Assignment:
    """The stations and forms of the observer's team."""
    return assignment_for(requesting_member(request))
