"""Actions that change the election registry."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pollwatch.audit.services import log_action
from pollwatch.registry.models import Area, BallotOption, Contest, Election, Round
from pollwatch.registry.templatetags.election_time import election_zone
from pollwatch.registry.voting_days import forget_voting_days


class RegistryError(Exception):
    """A change to the registry that cannot be made, with a message the user can act on."""


@transaction.atomic
def create_election(
    *,
    slug: str,
    name: str,
    country: str,
    date: datetime.date,
    kind: str,
    options: Sequence[str] = (),
    actor: User | None = None,
) -> Election:
    if kind not in Election.Kind.values:
        raise RegistryError(
            f"unknown election kind {kind!r}; use one of {', '.join(Election.Kind.values)}"
        )
    try:
        with transaction.atomic():
            election = Election.objects.create(
                slug=slug, name=name, country=country, date=date, kind=kind
            )
        Round.objects.create(election=election, number=1, kind=Round.Kind.FIRST, voting_day=date)
    except IntegrityError as error:
        raise RegistryError(f"an election with slug {slug!r} exists already") from error
    contest = Contest.objects.create(election=election, name=name)
    BallotOption.objects.bulk_create(
        BallotOption(
            contest=contest, code=slugify(option)[:40] or f"option-{i}", name=option, position=i
        )
        for i, option in enumerate(options, start=1)
    )
    log_action(
        "registry.election_created", actor=actor, target=election, data={"options": list(options)}
    )
    return election


def start_of_day_after(day: datetime.date, election: Election) -> datetime.datetime:
    """Midnight at the start of the day after ``day``, on the election's clock."""
    zone = election_zone(election)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


@transaction.atomic
def add_round(
    election: Election,
    *,
    kind: str,
    voting_day: datetime.date,
    name: str = "",
    reports_from: datetime.datetime | None = None,
    areas: Sequence[Area] = (),
    actor: User | None = None,
) -> Round:
    """Add the next round of ``election`` (a run-off, or repeat voting in ``areas``).

    Reports received from ``reports_from`` on belong to the new round; by
    default that is the start of the day after the previous round's voting
    day, on the election's clock.

    Raises
    ------
    RegistryError
        When the kind is unknown or the round would not follow the previous one.
    """
    if kind not in (Round.Kind.RUNOFF, Round.Kind.REPEAT):
        raise RegistryError(
            _("a later round is a run-off or repeat voting, not %(kind)r") % {"kind": kind}
        )
    previous = (
        Round.objects.select_for_update().filter(election=election).order_by("-number").first()
    )
    if previous is None:
        previous = Round.objects.create(
            election=election, number=1, kind=Round.Kind.FIRST, voting_day=election.date
        )
    if voting_day <= previous.voting_day:
        raise RegistryError(
            _("round %(number)s votes on %(day)s: a later round must vote after that")
            % {"number": previous.number, "day": previous.voting_day.isoformat()}
        )
    opens = reports_from or start_of_day_after(previous.voting_day, election)
    if timezone.is_naive(opens):
        opens = timezone.make_aware(opens, election_zone(election))
    if previous.reports_from is not None and opens <= previous.reports_from:
        raise RegistryError(_("a round's reports must begin after the previous round's"))
    foreign = [area.code for area in areas if area.election_id != election.pk]
    if foreign:
        raise RegistryError(
            _("areas not of this election: %(codes)s") % {"codes": ", ".join(foreign)}
        )
    round_ = Round.objects.create(
        election=election,
        number=previous.number + 1,
        kind=kind,
        voting_day=voting_day,
        name=name,
        reports_from=opens,
    )
    round_.areas.set(areas)
    forget_voting_days()
    log_action(
        "registry.round_added",
        actor=actor,
        target=election,
        data={
            "round": round_.number,
            "kind": kind,
            "voting_day": voting_day.isoformat(),
            "reports_from": opens.isoformat(),
            "areas": [area.code for area in areas],
        },
    )
    return round_
