"""The core team's page of an election's rounds: add a run-off, change it before its reports."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pollwatch.audit.models import AuditEvent
from pollwatch.registry.models import BallotOption, Round
from pollwatch.registry.services import RegistryError, add_round, change_round

pytestmark = pytest.mark.django_db


def page(election):
    return reverse("registry:rounds", args=[election.slug])


def options_of(election):
    return {
        option.code: option.pk for option in BallotOption.objects.filter(contest__election=election)
    }


def test_the_core_team_adds_a_runoff_with_its_two_candidates(client, administrator, election):
    client.force_login(administrator)
    codes = options_of(election)
    response = client.post(
        page(election),
        {
            "action": "add",
            "add-kind": "runoff",
            "add-voting_day": "2026-05-15",
            "add-options": [codes["ann"], codes["bob"]],
        },
    )
    assert response.status_code == 302
    runoff = election.rounds.get(number=2)
    assert runoff.kind == Round.Kind.RUNOFF
    assert sorted(o.code for o in runoff.ballot()) == ["ann", "bob"]
    event = AuditEvent.objects.get(action="registry.round_added")
    assert event.data["options"] == ["ann", "bob"]


def test_a_round_voting_before_the_previous_one_or_in_unknown_areas_is_refused_clearly(
    client, administrator, election
):
    client.force_login(administrator)
    early = client.post(
        page(election),
        {"action": "add", "add-kind": "runoff", "add-voting_day": "2026-04-20"},
    )
    assert "a later round must vote after that" in early.content.decode()
    nowhere = client.post(
        page(election),
        {
            "action": "add",
            "add-kind": "repeat",
            "add-voting_day": "2026-05-20",
            "add-areas": "N1, Atlantis",
        },
    )
    assert "Unknown area codes in this election: Atlantis" in nowhere.content.decode()
    assert election.rounds.count() == 1


def test_a_round_is_changed_only_before_its_reports_begin(client, administrator, election):
    later = timezone.now() + datetime.timedelta(days=30)
    runoff = add_round(
        election,
        kind=Round.Kind.RUNOFF,
        voting_day=datetime.date(2026, 5, 15),
        reports_from=timezone.now() + datetime.timedelta(days=10),
    )
    client.force_login(administrator)
    response = client.post(
        page(election),
        {
            "action": "change",
            "round": "2",
            "round2-name": "Second round",
            "round2-reports_from": later.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    runoff.refresh_from_db()
    assert runoff.name == "Second round"
    assert runoff.reports_from == later.replace(second=0, microsecond=0)
    assert AuditEvent.objects.filter(action="registry.round_changed").count() == 1
    with pytest.raises(RegistryError, match="receives reports already"):
        change_round(runoff, name="x", reports_from=later, now=later)


def test_a_round_offers_at_least_two_options_of_its_own_election(election):
    ann = BallotOption.objects.get(contest__election=election, code="ann")
    with pytest.raises(RegistryError, match="at least two"):
        add_round(
            election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15), options=[ann]
        )


def test_an_analyst_may_not_change_rounds(client, analyst, election):
    client.force_login(analyst)
    assert client.get(page(election)).status_code == 403


def add_round_command(election, options: str) -> None:
    call_command(
        *("elections", "add-round", "--election", election.slug, "--kind", "runoff"),
        *("--date", "2026-05-15", "--options", options),
        stdout=io.StringIO(),
    )


def test_the_command_sets_a_runoffs_ballot_and_refuses_unknown_options(election):
    with pytest.raises(CommandError, match="unknown ballot option codes: carl"):
        add_round_command(election, "ann,carl")
    add_round_command(election, "bob,ann")
    assert [o.code for o in election.rounds.get(number=2).ballot()] == ["ann", "bob"]


def test_a_rounds_start_stays_between_its_neighbours_and_in_the_future(election):
    now = timezone.now()
    second = add_round(
        election,
        kind=Round.Kind.RUNOFF,
        voting_day=datetime.date(2026, 5, 15),
        reports_from=now + datetime.timedelta(days=10),
    )
    add_round(
        election,
        kind=Round.Kind.REPEAT,
        voting_day=datetime.date(2026, 6, 1),
        reports_from=now + datetime.timedelta(days=20),
    )
    with pytest.raises(RegistryError, match="before the next round's"):
        change_round(second, name="", reports_from=now + datetime.timedelta(days=25))
    with pytest.raises(RegistryError, match="still to come"):
        change_round(second, name="", reports_from=now - datetime.timedelta(days=1))
    with pytest.raises(RegistryError, match="first round"):
        change_round(election.rounds.get(number=1), name="First")
    kept = change_round(second, name="Run-off")
    assert kept.reports_from == second.reports_from and kept.title == "Run-off"
