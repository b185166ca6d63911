"""The demo mission's draft preliminary statement, written from its simulated data.

Its summary deliberately contains a sweeping claim the data contradicts, so
that the claim check has something to flag.
"""

from __future__ import annotations

from pollwatch.missions.models import Mission
from pollwatch.statements.models import Statement
from pollwatch.statements.services import create_statement, save_draft

SWEEPING_CLAIM = (
    "Election day proceeded successfully, without a single violation in all "
    "polling stations observed."
)


def pre_election_text(mission: Mission) -> str:
    meetings = list(mission.meetings.order_by("date"))
    if not meetings:
        return ""
    institutions = ", ".join(dict.fromkeys(meeting.institution for meeting in meetings))
    first, last = meetings[0].date, meetings[-1].date
    return (
        f"Between {first:%-d %B} and {last:%-d %B} the mission held {len(meetings)} "
        f"meetings with {institutions}."
    )


def build_demo_statement(mission: Mission) -> Statement:
    statement = create_statement(mission, title=f"{mission.name}: preliminary statement")
    draft = statement.draft()
    if draft is None:
        raise RuntimeError("create_statement starts every statement with a draft")
    sections = dict(draft.sections)
    sections["summary"] = (
        f"{SWEEPING_CLAIM} Voting was assessed bad or very bad {{assessment:voting=bad,very_bad}}."
    )
    sections["pre_election"] = pre_election_text(mission)
    save_draft(draft, sections, actor=None)
    return statement
