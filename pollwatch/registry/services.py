"""Actions that change the election registry."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from pollwatch.audit.services import log_action
from pollwatch.registry.models import BallotOption, Contest, Election


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
    round: int = 1,
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
                slug=slug, name=name, country=country, date=date, kind=kind, round=round
            )
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
