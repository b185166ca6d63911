"""The criteria of a credible observation statement (docs/methodology.md §2).

The Declaration of Principles for International Election Observation (2005)
and the criteria used to identify biased or low-quality observation (EPDE;
Debre and Morgenbesser 2017; Kelley 2012) ask a statement to state its
coverage and its method, to give its numbers with their bases, to acknowledge
its limits, to make no claim its coverage cannot carry, and to rest on
observation of all stages rather than election day alone. Each criterion is
judged on the text, and on the coverage facts where they are known.

Framework-free: the application and the command line share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pollwatch.statements.claims import (
    MINIMUM_DAYS_FOR_WHOLE_PROCESS,
    ClaimCheck,
    nothing_found_bound,
)
from pollwatch.statements.coverage import CoverageFacts
from pollwatch.statements.sentences import Sentence, split_sentences
from pollwatch.statements.wording import english_stations

CRITERIA = (
    "coverage_stated",
    "method_stated",
    "numbers_with_bases",
    "limits_acknowledged",
    "categorical_claims_supported",
    "all_stages_observed",
)

_FLAGS = re.IGNORECASE
# Digits with optional thousands groups: 5,273 or 5 273.
_NUMBER = r"\d+(?:[,\u00a0\u202f ]\d{3})*"
_STATIONS_COUNTED = re.compile(
    rf"\b{_NUMBER}\s+(?:\w+\s+){{0,2}}?(?:polling\s+stations?|precincts?|polling\s+places?|"
    r"участк\w*|уик|избирательн\w+\s+участк\w*)",
    _FLAGS,
)
_TOTAL = re.compile(
    rf"\b(?:of|out\s+of|из)\s+(?:the\s+|some\s+|about\s+|около\s+)?{_NUMBER}", _FLAGS
)
_AREAS = re.compile(
    rf"\b{_NUMBER}\s+(?:\w+\s+)?(?:regions?|provinces?|oblasts?|districts?|areas?|"
    r"constituenc\w+|municipalit\w+|регион\w*|област\w*|район\w*|округ\w*|субъект\w*)\b",
    _FLAGS,
)
_TIME_IN_COUNTRY = re.compile(
    rf"\b(?:{_NUMBER}\s+(?:days?|weeks?|months?|дн\w*|день|недел\w*|месяц\w*)|since\s+\d|"
    r"long-term\s+observers?|долгосрочн\w+\s+наблюдател\w*|с\s+\d+\s+\w+\s+\d{4})",
    _FLAGS,
)
_DURATION = re.compile(
    r"\b(?P<count>\d{1,3})\s+(?P<unit>days?|weeks?|months?|дн\w*|день|недел\w*|месяц\w*)",
    _FLAGS,
)
_DAYS_PER_UNIT = (("week", 7), ("недел", 7), ("month", 30), ("месяц", 30))
_LONG_TERM = re.compile(r"\b(?:long-term\s+observ\w*|долгосрочн\w+\s+наблюд\w*)", _FLAGS)
_METHOD = re.compile(
    r"\b(?:random\w*|sampl\w*|selected|chosen|methodolog\w*|statistic\w*|stratif\w*|"
    r"случайн\w*|выборк\w*|отобран\w*|выбран\w*|методик\w*|методолог\w*|стратифиц\w*)",
    _FLAGS,
)
# "95% confidence interval" states a level, not a finding; it needs no base.
_CONFIDENCE_LEVEL = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|-?процентн\w*)\s*(?:CI\b|confidence|ДИ\b|доверительн\w*)", _FLAGS
)
_PERCENTAGE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|per\s?cent\b|percent\b|процент\w*)", _FLAGS)
_BASE = re.compile(
    rf"\b(?:of|out\s+of|из)\s+(?:the\s+)?{_NUMBER}|"
    rf"\b{_NUMBER}\s+(?:\w+\s+)?(?:polling\s+stations?|stations|observations|reports|"
    r"участк\w*|наблюдени\w*|отч[её]т\w*)",
    _FLAGS,
)
_LIMITS = re.compile(
    r"\b(?:limit\w*|not\s+(?:be\s+)?representative|cannot\s+be\s+(?:generali[sz]ed|extrapolated)|"
    r"(?:cannot|can\s+not|does\s+not|do\s+not)\s+(?:speak\s+for|cover|reflect|allow)|"
    r"only\s+(?:\w+\s+){0,3}?(?:observed|visited)|margin\s+of\s+error|confidence\s+interval|"
    r"upper\s+bound|\d+%\s+CI|final\s+assessment|not\s+in\s+a\s+position|"
    r"ограничен\w*|нерепрезентатив\w*|не\s+(?:являются\s+|является\s+)?репрезентатив\w*|"
    r"не\s+(?:может|могут)\s+быть\s+(?:распростран|обобщ)\w*|нельзя\s+(?:распростран|обобщ)\w*|"
    r"только\s+(?:\w+\s+){0,3}?(?:посещ|наблюда)\w*|погрешност\w*|доверительн\w*|"
    r"окончательн\w+\s+оценк\w*|не\s+охватыва\w*)",
    _FLAGS,
)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of a credible statement and whether the text meets it.

    Attributes
    ----------
    name : str
        One of ``CRITERIA``.
    met : bool
    evidence : str
        What in the text (quoted) or in the facts decided it.
    """

    name: str
    met: bool
    evidence: str

    def as_json(self) -> dict[str, object]:
        """The criterion as the statement check's JSON reports it."""
        return {"name": self.name, "met": self.met, "evidence": self.evidence}


def assess_criteria(
    text: str, facts: CoverageFacts, claim_checks: tuple[ClaimCheck, ...]
) -> tuple[Criterion, ...]:
    """Judge ``text`` against every criterion, in the order of ``CRITERIA``."""
    sentences = split_sentences(text)
    return (
        _coverage_stated(sentences),
        _method_stated(sentences),
        _numbers_with_bases(sentences),
        _limits_acknowledged(sentences),
        _categorical_claims_supported(claim_checks, facts),
        _all_stages_observed(sentences, facts),
    )


def what_coverage_supports(facts: CoverageFacts) -> str:
    """In words, the strongest kind of claim the given coverage can carry."""
    observed = facts.stations_observed
    if not observed:
        return (
            "no coverage is known, so nothing beyond the polling stations actually "
            "visited can be claimed"
        )
    last = facts.stations_total if facts.stations_total is not None else observed
    of_total = f"{observed:,} of " if facts.stations_total is not None else ""
    stations = of_total + english_stations(last)
    if facts.full_coverage:
        every = (
            "the only polling station was"
            if observed == 1
            else f"all {english_stations(observed)} were"
        )
        return f"{every} observed, so counts for the whole election"
    if facts.random_selection is not True:
        return (
            f"{stations} not chosen at random support statements "
            "about those stations only; no share for the country"
        )
    upper = nothing_found_bound(facts)
    level = round(100 * facts.confidence)
    supports = f"{stations} chosen at random support shares for the country with their "
    if upper.population is not None and upper.upper == 0.0:
        unobserved = upper.population - observed
        return (
            supports + f"confidence intervals; with nothing found, 'in none of the "
            f"{upper.population:,} polling stations' at {level}% confidence, as only "
            f"{english_stations(unobserved)} went unobserved"
        )
    return (
        supports + f"confidence intervals; with nothing found, 'under "
        f"{upper.percent_ceiling():.1f}% of polling stations' ({level}% upper bound), never 'none'"
    )


def _quote(sentence: Sentence, limit: int = 160) -> str:
    text = sentence.text
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _first(sentences: list[Sentence], pattern: re.Pattern[str]) -> Sentence | None:
    return next((sentence for sentence in sentences if pattern.search(sentence.text)), None)


def _coverage_stated(sentences: list[Sentence]) -> Criterion:
    counted = [sentence for sentence in sentences if _STATIONS_COUNTED.search(sentence.text)]
    if not counted:
        return Criterion(
            "coverage_stated", False, "The text gives no number of polling stations observed."
        )
    with_total = next((s for s in counted if _TOTAL.search(s.text)), None)
    parts = [f"Stations observed: {_quote(with_total or counted[0])}"]
    if with_total is None:
        parts.append("the total number of polling stations is not given")
    for label, pattern in (("areas covered", _AREAS), ("time in the country", _TIME_IN_COUNTRY)):
        found = _first(sentences, pattern)
        parts.append(f"{label}: {_quote(found)}" if found else f"{label}: not stated")
    return Criterion("coverage_stated", with_total is not None, "; ".join(parts) + ".")


def _method_stated(sentences: list[Sentence]) -> Criterion:
    found = _first(sentences, _METHOD)
    if found is None:
        return Criterion(
            "method_stated", False, "The text does not say how the polling stations were chosen."
        )
    return Criterion("method_stated", True, f"Method: {_quote(found)}.")


def _numbers_with_bases(sentences: list[Sentence]) -> Criterion:
    with_figures = [s for s in sentences if _PERCENTAGE.search(_CONFIDENCE_LEVEL.sub("", s.text))]
    counted = [s for s in sentences if _STATIONS_COUNTED.search(s.text)]
    if not with_figures:
        if counted:
            return Criterion(
                "numbers_with_bases", True, f"Counts are given as such: {_quote(counted[0])}."
            )
        return Criterion("numbers_with_bases", False, "The text reports no figures at all.")
    without_base = [s for s in with_figures if not _BASE.search(s.text)]
    if without_base:
        return Criterion(
            "numbers_with_bases",
            False,
            f"{len(without_base)} of {len(with_figures)} sentences with a percentage give no "
            f"base (number of stations or reports), for example {_quote(without_base[0])}.",
        )
    return Criterion(
        "numbers_with_bases",
        True,
        f"All {len(with_figures)} sentences with a percentage give its base, "
        f"for example {_quote(with_figures[0])}.",
    )


def _limits_acknowledged(sentences: list[Sentence]) -> Criterion:
    found = _first(sentences, _LIMITS)
    if found is None:
        return Criterion(
            "limits_acknowledged",
            False,
            "The text does not say what its observation cannot show (limited scope, "
            "uncertainty, stages not observed).",
        )
    return Criterion("limits_acknowledged", True, f"Limits: {_quote(found)}.")


def _categorical_claims_supported(
    claim_checks: tuple[ClaimCheck, ...], facts: CoverageFacts
) -> Criterion:
    supports = what_coverage_supports(facts)
    flagged = [check for check in claim_checks if not check.supported]
    if not flagged:
        found = (
            f"{len(claim_checks)} categorical claims, all supported"
            if claim_checks
            else "No categorical claims"
        )
        return Criterion(
            "categorical_claims_supported", True, f"{found}; the coverage: {supports}."
        )
    kinds = sorted({str(check.claim.kind) for check in flagged})
    return Criterion(
        "categorical_claims_supported",
        False,
        f"{len(flagged)} of {len(claim_checks)} categorical claims are not supported "
        f"({', '.join(kinds)}), for example {_quote(flagged[0].claim.sentence)}; "
        f"the coverage: {supports}.",
    )


def _all_stages_observed(sentences: list[Sentence], facts: CoverageFacts) -> Criterion:
    if facts.long_term_observers or facts.days_in_country is not None:
        long_enough = bool(facts.long_term_observers) or (
            facts.days_in_country is not None
            and facts.days_in_country >= MINIMUM_DAYS_FOR_WHOLE_PROCESS
        )
        stay = _stay_in_words(facts)
        verdict = "enough to follow" if long_enough else "too short to follow"
        return Criterion(
            "all_stages_observed",
            long_enough,
            f"{stay}: {verdict} the pre-election period, election day and tabulation "
            f"(at least {MINIMUM_DAYS_FOR_WHOLE_PROCESS} days or long-term observers).",
        )
    for sentence in sentences:
        if _LONG_TERM.search(sentence.text) or _longest_stay_days(sentence.text) >= (
            MINIMUM_DAYS_FOR_WHOLE_PROCESS
        ):
            return Criterion(
                "all_stages_observed",
                True,
                f"The text describes observation beyond election day: {_quote(sentence)}.",
            )
    return Criterion(
        "all_stages_observed",
        False,
        "Neither the text nor the facts show observation beyond election day "
        f"(at least {MINIMUM_DAYS_FOR_WHOLE_PROCESS} days or long-term observers).",
    )


def _longest_stay_days(text: str) -> int:
    longest = 0
    for match in _DURATION.finditer(text):
        unit = match.group("unit").lower()
        factor = next((days for stem, days in _DAYS_PER_UNIT if unit.startswith(stem)), 1)
        longest = max(longest, int(match.group("count")) * factor)
    return longest


def _stay_in_words(facts: CoverageFacts) -> str:
    parts = []
    if facts.days_in_country is not None:
        parts.append(f"{facts.days_in_country} days in the country")
    if facts.long_term_observers is not None:
        parts.append(
            "long-term observers" if facts.long_term_observers else "no long-term observers"
        )
    return "; ".join(parts).capitalize()
