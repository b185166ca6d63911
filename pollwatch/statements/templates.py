"""The text a new draft starts from: the sections of a preliminary statement, with figures.

The sentences come from the translation catalogues; the references in braces
(``{assessment:opening=bad,very_bad}``) are the same in every language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override

SECTIONS = (
    "summary",
    "mission",
    "pre_election",
    "opening",
    "voting",
    "counting",
    "tabulation",
    "inclusion",
    "pvt",
    "official_results",
    "recommendations",
)


def inclusion_section() -> str:
    """The participation of women, young, elderly and disabled voters, in the active language.

    Its references are the inclusion findings' own (:mod:`pollwatch.findings.inclusion`).
    """
    return _(
        "A wheelchair user could enter the polling station independently "
        "{share:accessibility.step_free=yes}; a booth usable seated was available "
        "{share:accessibility.booth_accessible=yes}, and tactile ballot guides or magnifiers "
        "{share:accessibility.tactile_aids=yes}. Where voters needed help, a person of their "
        "choice assisted them {share:accessibility.assisted_by=chosen_person}, and the secrecy "
        "of their vote was kept {share:accessibility.assisted_secrecy=yes}. The mobile ballot "
        "box for elderly and housebound voters was used {share:voting.mobile_box_used=yes}; "
        "where it was, it went out sealed, with two members, only to voters who had asked for "
        "it {share:voting.mobile_box_procedure=yes}. Commissions were chaired by a woman "
        "{share:opening.chair_gender=woman}; women were "
        "{ratio:opening.women_members/members_present} of the commission members present at "
        "the opening. Where young first-time voters came to vote, they were turned away for "
        "missing or invalid documents {share:voting.first_time_turned_away=yes}, and treated "
        "like any other voter {share:voting.first_time_treated_properly=yes}."
    )


def starting_sections(language: str) -> dict[str, str]:
    with override(language):
        written = {
            "mission": "{method}",
            "opening": _(
                "The opening was assessed bad or very bad {assessment:opening=bad,very_bad}."
            ),
            "voting": _(
                "Voting was assessed bad or very bad {assessment:voting=bad,very_bad}. "
                "Indications of ballot stuffing were seen {share:voting.ballot_stuffing=yes}."
            ),
            "counting": _(
                "The count was assessed bad or very bad {assessment:counting=bad,very_bad}."
            ),
            "inclusion": inclusion_section(),
        }
    return {section: written.get(section, "") for section in SECTIONS}
