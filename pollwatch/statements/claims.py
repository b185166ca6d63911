"""Find categorical claims in a statement and check them against what was observed.

A claim such as "not a single violation", "in all polling stations" or "the
elections were free and fair" speaks for every polling station, or for the
whole election. The data of a mission can carry it only so far (docs/methodology.md
§2): a recorded critical incident or negative assessment contradicts
it; stations not chosen at random speak for themselves only; stations chosen
at random with nothing found support an upper bound on the share, never
"none"; a judgement on the whole election needs long-term observation. Each
claim gets a reason and a wording the data supports, in its sentence's
language.

Framework-free: the application calls :func:`check_claims` with facts built
from a mission, the command line with facts given as options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pollwatch.statements.claim_grammar import find_structures, looks_turkish, segment_spans
from pollwatch.statements.coverage import PHASES, CoverageFacts
from pollwatch.statements.sentences import Sentence, split_sentences
from pollwatch.statements.wording import (
    Figures,
    PhaseTally,
    reason_text,
    suggestion_text,
)
from pollwatch.stats.zero_events import ShareUpperBound, share_upper_bound

# Long-term observers of international missions arrive some six weeks before
# election day; a stay shorter than four weeks cannot have followed
# registration, the campaign and the media.
MINIMUM_DAYS_FOR_WHOLE_PROCESS = 28


class ClaimKind(StrEnum):
    """What a categorical claim asserts."""

    NO_VIOLATIONS = "no_violations"
    ALL_STATIONS = "all_stations"
    WHOLE_COUNTRY = "whole_country"
    TRANSPARENT = "transparent"
    FREE_AND_FAIR = "free_and_fair"
    INTERNATIONAL_STANDARDS = "international_standards"
    PROCEEDED_SUCCESSFULLY = "proceeded_successfully"


# Claims that a share of stations is zero (or one): a random sample bounds them.
SHARE_KINDS = frozenset({ClaimKind.NO_VIOLATIONS, ClaimKind.ALL_STATIONS, ClaimKind.WHOLE_COUNTRY})
# Judgements on the whole election: they need observation of all its stages.
WHOLE_PROCESS_KINDS = frozenset(
    {ClaimKind.TRANSPARENT, ClaimKind.FREE_AND_FAIR, ClaimKind.INTERNATIONAL_STANDARDS}
)

_FLAGS = re.IGNORECASE


def _patterns(*expressions: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(expression, _FLAGS) for expression in expressions)


# Claims that a share of stations is zero or one are read from their
# quantifiers; every other kind from the structure of the sentence
# (:mod:`pollwatch.statements.claim_grammar`).
QUANTIFIER_PATTERNS: dict[ClaimKind, tuple[re.Pattern[str], ...]] = {
    ClaimKind.ALL_STATIONS: _patterns(
        r"\b(?:in|at|on)\s+(?:all|every|each)\s+(?:of\s+)?(?:the\s+)?(?:\w+\s+)?"
        r"(?:polling\s+)?(?:stations?|precincts?|polling\s+places?)\b",
        r"\b(?:all|every)\s+(?:the\s+)?(?:\w+\s+)?polling\s+(?:stations?|places?)\b",
        r"\bwithout\s+exception\b",
        r"\b(?:на|в|во)\s+(?:всех|каждом)\s+(?:\w+\s+){0,2}?(?:участк|уик)\w*",
        r"\bвсе\s+(?:\w+\s+)?(?:участк|уик)\w*",
        r"\bбез\s+исключени\w*",
        r"\b(?:tüm|bütün|her)\s+(?:\w+\s+)?sandık\w*",
    ),
    ClaimKind.WHOLE_COUNTRY: _patterns(
        r"\b(?:throughout|across|all\s+over)\s+(?:the\s+)?(?:whole\s+|entire\s+)?"
        r"(?:country|nation|republic|territory)\b",
        r"\b(?:nationwide|countrywide|country-wide|everywhere)\b",
        r"\bin\s+(?:all|every)\s+(?:the\s+)?(?:regions?|provinces?|oblasts?|districts?|"
        r"constituenc(?:y|ies))\b",
        r"\bпо\s+всей\s+(?:стране|республике|территории)",
        r"\b(?:повсеместно|повсюду|везде)\b",
        r"\bво\s+всех\s+(?:\w+\s+)?(?:регион|област|район|округ|субъект)\w*",
        r"\bна\s+всей\s+территории\b",
        r"\b(?:ülke\s+genelinde|tüm\s+ülkede|her\s+yerde)\b",
    ),
}
# A finding of problems across the country is no claim that all went well:
# "the late start of voting ... at polling stations across the country".
_NEGATIVE_FINDING = re.compile(
    r"\b(?:late|delay\w*|problem\w*|shortage\w*|violen\w*|anxiety|irregularit\w*|"
    r"violation\w*|задерж\w*|опозда\w*|нехватк\w*|нарушени\w*|проблем\w*|gecik\w*|sorun\w*)",
    _FLAGS,
)
_DENIAL = re.compile(r"\b(?:no|not|without|без|не|ни|hiçbir)\b|n't\b", _FLAGS)

# A claim limited to the stations observed, or a share given with its base,
# speaks only for what was seen.
_SCOPE_PATTERNS = _patterns(
    r"\b(?:polling\s+)?(?:stations?|precincts?|places?)\s+(?:that\s+|which\s+|where\s+)?"
    r"(?:were\s+|was\s+|we\s+|they\s+|our\s+\w+\s+)?(?:have\s+|had\s+)?"
    r"(?:observed|visited|monitored|attended|covered|saw|seen|witnessed)\b",
    r"\b(?:observed|visited|monitored)\s+(?:\w+\s+){0,2}?(?:polling\s+)?(?:stations?|precincts?)\b",
    r"\bwhere\s+(?:\w+\s+){0,2}?observers?\s+(?:were|was)\s+(?:present|deployed)\b",
    r"\b\d[\d,.]*\s*(?:%|per\s?cent|percent)\s+of\s+(?:the\s+)?(?:[\d,]+\s+)?(?:\w+\s+){0,2}?"
    r"(?:stations|observations|cases|precincts)\b",
    r"\b(?:посещ[её]нн|наблюдавш|наблюдаем|обследованн|охваченн)\w*",
    r"\b(?:где|куда|которые|которых)\s+(?:\w+\s+){0,3}?(?:посетил|побывал|присутствовал|"
    r"работал|наблюдал)\w*",
    r"\bпосетил\w*\s+(?:\w+\s+){0,2}?(?:участк|уик)\w*",
    r"\d[\d,.]*\s*(?:%|процент\w*)\s+(?:\w+\s+){0,3}?(?:участк|наблюдени)\w*",
    r"\bziyaret\w*|\bgözlemlenen\b",
)

# Words anywhere before a claim in its clause that make it a recommendation,
# a doubt or a denial of the whole: "the CEC must ensure that ... at every
# polling station", "it is not possible to conclude that ... free and fair",
# "нельзя утверждать, что нарушений не было".
_HEDGE_IN_CLAUSE = re.compile(
    r"\b(?:should|must|need\w*|recommend\w*|urge\w*|call\w*\s+(?:on|for|upon)|whether|if|"
    r"hope\w*|encourag\w*|appeal\w*|crucial|will|shall|scheduled|expected|aspir\w*|"
    r"to\s+(?:support|ensure|assess|determine|evaluate|observe|monitor|"
    r"promote|achieve|guarantee|uphold|demonstrate)|"
    r"надеж\w*|надеем\w*|будет|будут|чтобы|для\s+(?:оценки|проверки|обеспечения)|"
    r"на\s+предмет|с\s+целью|стремлени\w*|"
    r"tavsiye\w*|umuyor\w*|umarız|beklenti\w*|temenni\w*|"
    r"cannot|can\s+not|unable|impossible|not\s+possible|not\s+true|premature|too\s+early|"
    r"doubt\w*|false|следует|необходимо|должн\w*|рекоменд\w*|призыва\w*|нельзя|"
    r"невозможно|не\s+мож\w*|не\s+означа\w*|неправд\w*|сомн\w*|преждевременн\w*|рано|ли)\b|"
    r"can't\b",
    _FLAGS,
)
# Words shortly before a claim that negate it: "did not comply with
# international standards", "не были прозрачными", "lack of transparency".
# "No violations" carries its own negation, so only the hedges above apply to it.
_NEGATION_BEFORE_CLAIM = re.compile(
    r"\b(?:not|never|nor|neither|lack\w*|fail\w*|fell\s+short|insufficient\w*|more|greater|"
    r"improve\w*|не|недостат\w*|отсутств\w*|повыс\w*|более)\b|n't\b",
    _FLAGS,
)
# Describing where the mission went is not a claim about the country.
_DEPLOYMENT = re.compile(
    r"\b(?:deploy\w*|dispatched|stationed|visited|travel\w*|развёрну\w*|разверну\w*|"
    r"посетил\w*|направлен\w*|работал\w*)\b",
    _FLAGS,
)
# A clause ends at punctuation, except a comma that opens a reported clause
# ("cannot say, that ...", "нельзя утверждать, что ...").
_CLAUSE_BREAK = re.compile(r"[;—–(]|:(?!\d)|,(?!\s*(?:что|чтобы|that)\b)", _FLAGS)
_LAST_WORDS = re.compile(r"(?:\S+\s+){0,6}\S*$")

_PHASE_WORDS = {
    "opening": re.compile(r"\b(?:opening|opened|открыти\w*|открыл\w*)", _FLAGS),
    "voting": re.compile(r"\b(?:voting|polling\s+day|голосовани\w*)", _FLAGS),
    "counting": re.compile(r"\b(?:count\w*|closing|подсч[её]т\w*|закрыти\w*)", _FLAGS),
    "tabulation": re.compile(r"\b(?:tabulat\w*|aggregat\w*|табулир\w*|суммир\w*)", _FLAGS),
}
# "Generally calm" survives a few bad stations; "calm" does not.
_QUALIFIER = re.compile(
    r"\b(?:generally|largely|mostly|mainly|overall|on\s+the\s+whole|by\s+and\s+large|"
    r"in\s+(?:most|the\s+majority\s+of)|в\s+целом|в\s+основном|в\s+большинстве|"
    r"как\s+правило|преимущественно|genel\s+olarak|genel\s+itibarıyla|büyük\s+ölçüde)\b",
    _FLAGS,
)
_CYRILLIC = re.compile(r"[а-яё]", _FLAGS)
_LATIN = re.compile(r"[a-z]", _FLAGS)
# A short Turkish sentence may mark one word only ("Hiçbir ihlal tespit edilmedi"):
# then it is Turkish unless English words say otherwise.
_TURKISH_LETTER = re.compile(r"[çğışöü]", _FLAGS)
_ENGLISH_WORD = re.compile(r"\b(?:the|of|and|in|was|were|is|are|to|with|by|no|not)\b", _FLAGS)


@dataclass(frozen=True, slots=True)
class Claim:
    """A categorical claim found in a sentence.

    Attributes
    ----------
    sentence : Sentence
        The sentence holding it, with its span in the text.
    kind : ClaimKind
    phrase : str
        The words that make it a claim.
    language : str
        ``"en"``, ``"ru"`` or ``"tr"``, from the sentence's letters.
    scoped : bool
        Whether the sentence limits it to the stations observed.
    qualified : bool
        Whether the sentence softens it ("generally", «в целом»), so that a
        minority of negative findings does not contradict it.
    phases : tuple of str
        The election-day phases the sentence speaks of (empty: all of them).
    """

    sentence: Sentence
    kind: ClaimKind
    phrase: str
    language: str
    scoped: bool
    qualified: bool
    phases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """A claim and the verdict on it.

    Attributes
    ----------
    claim : Claim
    supported : bool
        Whether the facts support the claim as written.
    situation : str
        Why, in one word: ``contradicted``, ``no_base``, ``not_random``,
        ``only_a_bound``, ``short_observation`` (unsupported) or ``scoped``,
        ``full_coverage``, ``representative`` (supported).
    reason : str
        The explanation, in the sentence's language.
    suggestion : str
        A wording the facts support; empty when the claim is supported.
    """

    claim: Claim
    supported: bool
    situation: str
    reason: str
    suggestion: str

    def as_json(self) -> dict[str, object]:
        """The claim as the statement check's JSON reports it."""
        return {
            "sentence": self.claim.sentence.text,
            "kind": str(self.claim.kind),
            "supported": self.supported,
            "reason": self.reason,
            "suggestion": self.suggestion,
        }


def sentence_language(text: str) -> str:
    """``"ru"`` when Cyrillic letters outnumber Latin ones, ``"tr"`` when Turkish letters
    mark several words, else ``"en"``: the language its reason and wording are written in."""
    if len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)):
        return "ru"
    if looks_turkish(text) or (_TURKISH_LETTER.search(text) and not _ENGLISH_WORD.search(text)):
        return "tr"
    return "en"


def find_claims(text: str) -> list[Claim]:
    """Every categorical claim in ``text``, at most one per kind and sentence."""
    claims: list[Claim] = []
    for sentence in split_sentences(text):
        claims.extend(_claims_in_sentence(sentence))
    return claims


def check_claims(text: str, facts: CoverageFacts) -> tuple[ClaimCheck, ...]:
    """Find the categorical claims in ``text`` and check each against ``facts``."""
    return tuple(check_claim(claim, facts) for claim in find_claims(text))


def check_claim(claim: Claim, facts: CoverageFacts) -> ClaimCheck:
    """Check one claim against what the mission observed."""
    tallies = _tallies(claim, facts)
    situation = _judge(claim, facts, tallies)
    supported = situation in {"scoped", "full_coverage", "representative"}
    figures = _figures(facts, tallies, str(claim.kind))
    return ClaimCheck(
        claim=claim,
        supported=supported,
        situation=situation,
        reason=reason_text(situation, figures, claim.language),
        suggestion=""
        if supported
        else suggestion_text(str(claim.kind), situation, figures, claim.language),
    )


def _claims_in_sentence(sentence: Sentence) -> list[Claim]:
    text = sentence.text
    found: dict[ClaimKind, tuple[int, int]] = {}
    for structure in find_structures(text):
        kind = ClaimKind(structure.kind)
        if kind not in found and _asserted(kind, _clause_before(text, structure.anchor)):
            found[kind] = (structure.start, structure.end)
    for kind, patterns in QUANTIFIER_PATTERNS.items():
        span = _first_asserted_quantifier(kind, patterns, text)
        if span is not None:
            found[kind] = span
    if not found:
        return []  # most sentences: no need to segment them
    segments = segment_spans(text)
    return [
        Claim(
            sentence=sentence,
            kind=kind,
            phrase=text[start:end],
            language=sentence_language(text),
            scoped=_scoped(text, segments, start),
            qualified=_QUALIFIER.search(text) is not None,
            phases=tuple(phase for phase in PHASES if _PHASE_WORDS[phase].search(text)),
        )
        for kind in ClaimKind
        if kind in found
        for start, end in [found[kind]]
    ]


def _scoped(text: str, segments: list[tuple[int, int]], position: int) -> bool:
    """Whether the segment holding the claim limits it to the stations observed.

    A scope in another segment ("..., but in 48% of the stations visited")
    does not limit the claim.
    """
    segment = next((text[start:end] for start, end in segments if start <= position < end), text)
    return any(pattern.search(segment) for pattern in _SCOPE_PATTERNS)


def _first_asserted_quantifier(
    kind: ClaimKind, patterns: tuple[re.Pattern[str], ...], text: str
) -> tuple[int, int] | None:
    if kind is ClaimKind.WHOLE_COUNTRY and _DEPLOYMENT.search(text):
        return None
    if _NEGATIVE_FINDING.search(text) and not _DENIAL.search(text):
        return None
    for pattern in patterns:
        for match in pattern.finditer(text):
            if _asserted(kind, _clause_before(text, match.start())):
                return match.start(), match.end()
    return None


def _asserted(kind: ClaimKind, clause_before: str) -> bool:
    if _HEDGE_IN_CLAUSE.search(clause_before):
        return False
    if kind is ClaimKind.NO_VIOLATIONS:
        return True
    last_words = _LAST_WORDS.search(clause_before)
    window = last_words.group(0) if last_words is not None else clause_before
    return not _NEGATION_BEFORE_CLAIM.search(window)


def _clause_before(text: str, position: int) -> str:
    before = text[:position]
    breaks = [match.end() for match in _CLAUSE_BREAK.finditer(before)]
    return before[breaks[-1] :] if breaks else before


def _tallies(claim: Claim, facts: CoverageFacts) -> tuple[PhaseTally, ...]:
    return tuple(
        PhaseTally(
            phase=finding.phase,
            stations_assessed=finding.stations_assessed,
            assessed_negative=finding.assessed_negative,
            critical_incidents=finding.critical_incidents,
        )
        for finding in facts.findings_for(claim.phases)
    )


def _judge(claim: Claim, facts: CoverageFacts, tallies: tuple[PhaseTally, ...]) -> str:
    if _contradicted(claim, tallies):
        return "contradicted"
    if claim.scoped:
        return "scoped"
    if not facts.stations_observed:
        return "no_base"
    if not facts.full_coverage:
        if facts.random_selection is not True:
            return "not_random"
        if claim.kind in SHARE_KINDS:
            return "only_a_bound"
    if claim.kind in WHOLE_PROCESS_KINDS and not _observed_long_enough(facts):
        return "short_observation"
    return "full_coverage" if facts.full_coverage else "representative"


def _contradicted(claim: Claim, tallies: tuple[PhaseTally, ...]) -> bool:
    if claim.qualified:
        return any(
            tally.stations_assessed and 2 * tally.assessed_negative >= tally.stations_assessed
            for tally in tallies
        )
    return any(tally.assessed_negative or tally.critical_incidents for tally in tallies)


def _observed_long_enough(facts: CoverageFacts) -> bool:
    if facts.long_term_observers:
        return True
    return facts.days_in_country is not None and (
        facts.days_in_country >= MINIMUM_DAYS_FOR_WHOLE_PROCESS
    )


def nothing_found_bound(facts: CoverageFacts) -> ShareUpperBound:
    """The upper bound on the share of stations where a claim fails, nothing having been found.

    With the number of stations in the country known, the exact bound for a
    sample drawn without replacement (hypergeometric); otherwise the binomial
    Clopper-Pearson bound. Observing 59 of 60 stations leaves at most one
    unobserved, which the binomial "under 5%" ignores.
    """
    if not facts.stations_observed:
        raise ValueError("no polling stations were observed")
    return _bound(facts.stations_observed, facts.stations_total, facts.confidence)


@lru_cache(maxsize=256)
def _bound(observed: int, total: int | None, confidence: float) -> ShareUpperBound:
    if total is None:
        return share_upper_bound(0, observed, confidence)
    return share_upper_bound(0, observed, confidence, method="hypergeometric", population=total)


def _figures(facts: CoverageFacts, tallies: tuple[PhaseTally, ...], kind: str) -> Figures:
    bound = bound_stations = None
    if facts.stations_observed:
        upper = nothing_found_bound(facts)
        bound = upper.percent_ceiling()
        if upper.population is not None:
            bound_stations = round(upper.upper * upper.population)
    return Figures(
        stations_observed=facts.stations_observed,
        stations_total=facts.stations_total,
        areas_observed=facts.areas_observed,
        areas_total=facts.areas_total,
        random_selection=facts.random_selection,
        days_in_country=facts.days_in_country,
        long_term_observers=facts.long_term_observers,
        bound_percent=bound,
        confidence_percent=round(100 * facts.confidence),
        tallies=tallies,
        kind=kind,
        bound_stations=bound_stations,
    )
