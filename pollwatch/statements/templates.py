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
    "pvt",
    "official_results",
    "recommendations",
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
        }
    return {section: written.get(section, "") for section in SECTIONS}
