"""The demo mission's draft preliminary statement, written from its simulated data.

Its summary deliberately contains a sweeping claim the data contradicts, so
that the claim check has something to flag. The PVT and official results
sections quote the citizen observers' tabulation and the forensic report, with
every number taken from them.
"""

from __future__ import annotations

from pollwatch.findings.figures import Scope
from pollwatch.findings.pvt import pvt_estimate
from pollwatch.forensics.models import ResultsUpload
from pollwatch.lib.numbers_in_text import format_count, format_percent
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Round
from pollwatch.statements.models import Statement
from pollwatch.statements.services import create_statement, save_draft

# Where the mission's own counting reports bear on the tabulation: figures it computes.
PVT_FIGURES = (
    "The mission's observers saw figures changed in the count protocol "
    "{share:closing_counting.figures_changed=yes}."
)
OFFICIAL_RESULTS_FIGURES = (
    "Observers were refused a copy of the count protocol "
    "{share:closing_counting.copy_given=no}, and the protocol was not posted for public "
    "view {share:closing_counting.protocol_posted=no}."
)
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


def pvt_text(corps: Mission, round_: Round | None = None) -> str:
    """What the citizen observers' PVT of ``round_`` estimates, and which official shares lie
    outside it."""
    result = pvt_estimate(corps, Scope(mission=corps, round=round_))
    if result.estimate is None:
        return ""
    organisation = ", ".join(corps.organisations.values_list("name", flat=True)) or corps.name
    sampled = sum(stratum.expected for stratum in result.completeness)
    sentences = [
        f"{organisation}, a citizen observer group, copied the count protocols of "
        f"{format_count(result.usable, 'en')} of the {format_count(sampled, 'en')} polling "
        "stations of its random sample (a parallel vote tabulation)."
    ]
    for compared in result.comparison:
        low, high = compared.estimate.interval(0.99)
        verdict = "inside" if compared.inside_99 else "outside"
        sentences.append(
            f"It estimates {compared.name}'s share of the valid votes at "
            f"{_percent(compared.estimate.value)} (99% CI {_percent(low)}–{_percent(high)}); "
            f"the official result, {_percent(compared.official)}, lies {verdict} that interval."
        )
    return " ".join(sentences)


def official_results_text(upload: ResultsUpload) -> str:
    """The forensic report's verdict on the official per-station results."""
    summary = upload.summary
    if upload.status != ResultsUpload.Status.DONE or not summary:
        return ""
    return (
        f"The mission ran the published forensic tests on the official results of "
        f"{format_count(summary['stations'], 'en')} polling stations. {summary['headline']}"
    )


def _percent(share: float) -> str:
    return f"{format_percent(100 * share, 'en')}%"


def build_demo_statement(
    mission: Mission, corps: Mission | None = None, forensics: ResultsUpload | None = None
) -> Statement:
    statement = create_statement(mission, title=f"{mission.name}: preliminary statement")
    draft = statement.draft()
    if draft is None:
        raise RuntimeError("create_statement starts every statement with a draft")
    sections = dict(draft.sections)
    sections["summary"] = (
        f"{SWEEPING_CLAIM} Voting was assessed bad or very bad {{assessment:voting=bad,very_bad}}."
    )
    sections["pre_election"] = pre_election_text(mission)
    pvt = pvt_text(corps, statement.round) if corps is not None else ""
    sections["pvt"] = f"{pvt} {PVT_FIGURES}".strip()
    official = official_results_text(forensics) if forensics is not None else ""
    sections["official_results"] = f"{official} {OFFICIAL_RESULTS_FIGURES}".strip()
    save_draft(draft, sections, actor=None)
    return statement
