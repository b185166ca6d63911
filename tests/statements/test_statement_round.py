"""A published statement says which round it covers when its election has more than one."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pollwatch.registry.models import Round
from pollwatch.registry.services import add_round
from pollwatch.statements.exports import statement_html
from pollwatch.statements.services import create_statement, publish, save_draft


def published_on(mission, administrator, round_=None):
    statement = create_statement(
        mission, title="Preliminary statement", actor=administrator, for_round=round_
    )
    version = statement.draft()
    save_draft(version, {"summary": "Voting was calm."}, actor=administrator)
    return publish(version, actor=administrator, confirm_flags=True)


def test_the_public_page_and_the_printed_statement_name_the_runoff(
    client, mission, election, administrator
):
    runoff = add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    version = published_on(mission, administrator, runoff)
    said = "This statement covers Round 2: run-off, voting on 15 May 2026."
    page = client.get(reverse("statements:public", args=[version.statement_id, version.number]))
    assert said in page.content.decode()
    assert said in statement_html(version, for_print=True)


@pytest.mark.django_db
def test_a_statement_of_an_election_with_one_round_names_none(client, mission, administrator):
    version = published_on(mission, administrator)
    page = client.get(reverse("statements:public", args=[version.statement_id, version.number]))
    assert "This statement covers" not in page.content.decode()
    assert "This statement covers" not in statement_html(version, for_print=True)


def test_the_missions_public_list_names_each_statements_round(
    client, mission, election, administrator
):
    runoff = add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    published_on(mission, administrator, election.rounds.get(number=1))
    published_on(mission, administrator, runoff)
    page = client.get(reverse("statements:public_mission", args=[mission.slug])).content.decode()
    assert "Round 1: first round" in page and "Round 2: run-off" in page
