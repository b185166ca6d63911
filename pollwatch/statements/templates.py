"""The text a new draft starts from: the sections of a preliminary statement, with figures."""

from __future__ import annotations

STARTING_TEXT = {
    "en": {
        "summary": "",
        "mission": "{method}",
        "pre_election": "",
        "opening": "The opening was assessed bad or very bad {assessment:opening=bad,very_bad}.",
        "voting": "Voting was assessed bad or very bad {assessment:voting=bad,very_bad}. "
        "Indications of ballot stuffing were seen {share:voting.ballot_stuffing=yes}.",
        "counting": "The count was assessed bad or very bad {assessment:counting=bad,very_bad}.",
        "tabulation": "",
        "pvt": "",
        "official_results": "",
        "recommendations": "",
    },
    "ru": {
        "summary": "",
        "mission": "{method}",
        "pre_election": "",
        "opening": "Открытие оценено как плохое или очень плохое "
        "{assessment:opening=bad,very_bad}.",
        "voting": "Голосование оценено как плохое или очень плохое "
        "{assessment:voting=bad,very_bad}. Признаки вброса бюллетеней отмечены "
        "{share:voting.ballot_stuffing=yes}.",
        "counting": "Подсчёт оценён как плохой или очень плохой "
        "{assessment:counting=bad,very_bad}.",
        "tabulation": "",
        "pvt": "",
        "official_results": "",
        "recommendations": "",
    },
}


def starting_sections(language: str) -> dict[str, str]:
    return dict(STARTING_TEXT.get(language, STARTING_TEXT["en"]))
