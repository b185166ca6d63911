"""The stations an observer's team covers, as the field channels list them.

Deployment decides them (the team's route, else its areas' stations) and sits
above intake, so it hands its answer in when it is set up
(``DeploymentConfig.ready``) instead of intake importing it.
"""

from __future__ import annotations

from collections.abc import Callable

from pollwatch.missions.models import Member
from pollwatch.registry.models import PollingStation

StationsOfMember = Callable[[Member], list[PollingStation]]

_SOURCE: list[StationsOfMember] = []


def set_assigned_stations(source: StationsOfMember) -> None:
    """Name the function that answers :func:`assigned_stations` (replacing any before it)."""
    _SOURCE[:] = [source]


def assigned_stations(member: Member) -> list[PollingStation]:
    """The stations the member's team covers; none while no app has said how to find them."""
    return _SOURCE[0](member) if _SOURCE else []
