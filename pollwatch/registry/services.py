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
    options: Sequence[BallotOption] = (),
    actor: User | None = None,
) -> Round:
    """Add the next round of ``election`` (a run-off, or repeat voting in ``areas``).

    Reports received from ``reports_from`` on belong to the new round; by
    default that is the start of the day after the previous round's voting
    day, on the election's clock. ``options`` are the ballot options on the
    round's ballot (a run-off's two leading candidates); none means every
    option of the election.

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
    opens = _on_election_clock(
        reports_from or start_of_day_after(previous.voting_day, election), election
    )
    _check_opens_after(previous, opens)
    foreign = [area.code for area in areas if area.election_id != election.pk]
    if foreign:
        raise RegistryError(
            _("areas not of this election: %(codes)s") % {"codes": ", ".join(foreign)}
        )
    _check_options_of(election, options)
    round_ = Round.objects.create(
        election=election,
        number=previous.number + 1,
        kind=kind,
        voting_day=voting_day,
        name=name,
        reports_from=opens,
    )
    round_.areas.set(areas)
    round_.options.set(options)
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
            "options": [option.code for option in options],
        },
    )
    return round_


def _on_election_clock(moment: datetime.datetime, election: Election) -> datetime.datetime:
    """``moment`` as given, or, when it names no zone, read on the election's clock."""
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, election_zone(election))
    return moment


def _check_opens_after(previous: Round | None, opens: datetime.datetime) -> None:
    if (
        previous is not None
        and previous.reports_from is not None
        and opens <= previous.reports_from
    ):
        raise RegistryError(_("a round's reports must begin after the previous round's"))


def _check_options_of(election: Election, options: Sequence[BallotOption]) -> None:
    foreign = [option.code for option in options if option.contest.election_id != election.pk]
    if foreign:
        raise RegistryError(
            _("ballot options not of this election: %(codes)s") % {"codes": ", ".join(foreign)}
        )
    if len({option.pk for option in options}) == 1:
        raise RegistryError(_("a round's ballot offers at least two options"))


@transaction.atomic
def change_round(
    round_: Round,
    *,
    name: str,
    reports_from: datetime.datetime | None = None,
    options: Sequence[BallotOption] = (),
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> Round:
    """Rename a later round, move when its reports begin (None: keep it), or change its ballot.

    Only before its reports begin: moving the start of a window that has
    opened would move reports already received from one round to another.

    Raises
    ------
    RegistryError
        For the first round, a round receiving reports already, or a start that
        would not fall between the previous round's and the next round's.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    election = round_.election
    moment = now or timezone.now()
    if round_.number == 1:
        raise RegistryError(_("the first round follows the election; change the election instead"))
    current = round_.reports_from
    if current is None or current <= moment:
        raise RegistryError(
            _("round %(number)s receives reports already: it can no longer be changed")
            % {"number": round_.number}
        )
    opens = _on_election_clock(reports_from, election) if reports_from is not None else current
    if opens <= moment:
        raise RegistryError(_("a round's reports can only be moved to a time still to come"))
    _check_opens_after(round_.previous_round, opens)
    following = round_.next_round
    later = following.reports_from if following is not None else None
    if later is not None and opens >= later:
        raise RegistryError(_("a round's reports must begin before the next round's"))
    _check_options_of(election, options)
    before = {
        "name": round_.name,
        "reports_from": round_.reports_from.isoformat() if round_.reports_from else None,
        "options": sorted(round_.options.values_list("code", flat=True)),
    }
    round_.name = name
    round_.reports_from = opens
    round_.save(update_fields=["name", "reports_from"])
    round_.options.set(options)
    forget_voting_days()
    log_action(
        "registry.round_changed",
        actor=actor,
        target=election,
        data={
            "round": round_.number,
            "before": before,
            "after": {
                "name": name,
                "reports_from": opens.isoformat(),
                "options": sorted(option.code for option in options),
            },
        },
    )
    return round_
