"""An election's rounds: the first made with it, later ones added, and their reporting windows."""

import datetime
import importlib
import io
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from pollwatch.audit.models import AuditEvent
from pollwatch.registry.models import Area, Round
from pollwatch.registry.services import RegistryError, add_round

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 5, day, hour, tzinfo=UTC)


def test_a_new_election_has_its_first_round_on_its_date(election):
    (first,) = election.rounds.all()
    assert (first.number, first.kind, first.voting_day) == (1, "first", election.date)
    assert first.reports_from is None
    assert str(first) == "Round 1: first round"


def test_a_runoffs_reports_begin_the_day_after_the_previous_voting_day_on_the_elections_clock(
    election,
):
    election.time_zone = "Asia/Tbilisi"
    election.save()
    second = add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    assert second.number == 2
    assert second.reports_from == datetime.datetime(2026, 5, 2, tzinfo=ZoneInfo("Asia/Tbilisi"))
    assert AuditEvent.objects.filter(action="registry.round_added").count() == 1


def test_a_report_belongs_to_the_last_round_opened_when_the_server_received_it(election):
    first = election.rounds.get()
    second = add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    rounds = Round.objects.filter(election=election)
    assert rounds.receiving_at(at(1)) == first
    assert rounds.receiving_at(datetime.datetime(2026, 5, 1, 23, 59, tzinfo=UTC)) == first
    assert rounds.receiving_at(at(2, 0)) == second
    assert rounds.receiving_at(at(20)) == second
    assert first.reports_until() == second.reports_from and second.reports_until() is None


def test_rounds_in_order_know_their_neighbours_without_more_queries(
    election, django_assert_num_queries
):
    add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    with django_assert_num_queries(1):
        first, second = Round.objects.filter(election=election).in_order()
        assert first.next_round == second and second.previous_round == first
        assert first.previous_round is None and second.reports_until() is None


def test_repeat_voting_is_held_in_the_areas_named(election):
    north = Area.objects.get(election=election, code="N1")
    repeat = add_round(
        election, kind=Round.Kind.REPEAT, voting_day=datetime.date(2026, 5, 8), areas=[north]
    )
    assert list(repeat.areas.all()) == [north]


@pytest.mark.parametrize(
    ("kind", "day", "message"),
    [
        ("first", datetime.date(2026, 5, 15), "run-off or repeat"),
        ("runoff", datetime.date(2026, 5, 1), "must vote after"),
    ],
)
def test_a_round_that_cannot_follow_is_refused_with_the_reason(election, kind, day, message):
    with pytest.raises(RegistryError, match=message):
        add_round(election, kind=kind, voting_day=day)
    assert election.rounds.count() == 1


def test_reports_of_a_round_must_begin_after_the_previous_rounds(election):
    add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    with pytest.raises(RegistryError, match="after the previous"):
        add_round(
            election,
            kind=Round.Kind.REPEAT,
            voting_day=datetime.date(2026, 5, 22),
            reports_from=at(1),
        )


def test_the_command_adds_a_round_and_lists_the_rounds(election):
    out = io.StringIO()
    call_command(
        "elections",
        "add-round",
        "--election",
        election.slug,
        "--kind",
        "repeat",
        "--date",
        "2026-05-08",
        "--areas",
        "N1",
        stdout=out,
    )
    assert "added round 2" in out.getvalue()
    assert [a.code for a in election.rounds.get(number=2).areas.all()] == ["N1"]
    out = io.StringIO()
    call_command("elections", "list", stdout=out)
    assert "round 2\t2026-05-08\trepeat" in out.getvalue()
    with pytest.raises(CommandError, match="unknown area codes: X9"):
        call_command(
            "elections", "add-round", "--election", election.slug, "--kind", "repeat",
            "--date", "2026-05-09", "--areas", "X9",
        )  # fmt: skip


def test_the_migration_gives_every_election_its_first_round_from_its_date(election):
    migration = importlib.import_module("pollwatch.registry.migrations.0005_rounds")
    election.rounds.all().delete()
    migration.create_first_rounds(apps, None)
    (first,) = election.rounds.all()
    assert (first.number, first.kind, first.voting_day) == (1, "first", election.date)


def test_the_command_creates_an_election_with_its_first_round(db):
    out = io.StringIO()
    call_command(
        "elections", "create", "--slug", "ge-2026", "--name", "General election 2026",
        "--country", "Georgia", "--date", "2026-10-26", "--kind", "parliamentary",
        "--options", "Party A,Party B", stdout=out,
    )  # fmt: skip
    assert "created ge-2026 with 2 options" in out.getvalue()
    (first,) = Round.objects.filter(election__slug="ge-2026")
    assert first.voting_day == datetime.date(2026, 10, 26)


def test_the_election_page_lists_its_rounds(client, administrator, election):
    add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    client.force_login(administrator)
    page = client.get(election.get_absolute_url()).content.decode()
    assert "Round 1: first round, voting on" in page and "Round 2: run-off, voting on" in page
