"""The words of the claim check, in English and Russian.

Reasons and suggested wordings are written in the language of the sentence
they are about. Russian texts put counts in parentheses ("12 из 412") where
the grammar would otherwise need the case of every number.
"""

from __future__ import annotations

from dataclasses import dataclass

from pollwatch.lib.numbers_in_text import format_count, format_percent, russian_plural

LANGUAGES = ("en", "ru")


@dataclass(frozen=True, slots=True)
class PhaseTally:
    """Negative assessments and critical incidents of one phase, for the wording."""

    phase: str
    stations_assessed: int
    assessed_negative: int
    critical_incidents: int


@dataclass(frozen=True, slots=True)
class Figures:
    """The numbers a reason or a suggestion quotes; ``None`` when unknown."""

    stations_observed: int | None
    stations_total: int | None
    areas_observed: int | None
    areas_total: int | None
    random_selection: bool | None
    days_in_country: int | None
    long_term_observers: bool | None
    bound_percent: float | None
    confidence_percent: int
    tallies: tuple[PhaseTally, ...]
    kind: str = ""
    # The bound as a number of stations, when the total is known (the exact
    # hypergeometric bound: at most this many of ``stations_total``).
    bound_stations: int | None = None


def english_stations(count: int, noun: str = "polling station") -> str:
    """``"1 polling station"``, ``"5,273 polling stations"``."""
    return f"{format_count(count, 'en')} {noun}{'' if count == 1 else 's'}"


PHASE_NAMES = {
    "en": {
        "opening": "the opening",
        "voting": "voting",
        "counting": "the count",
        "tabulation": "tabulation",
    },
    "ru": {
        "opening": "открытия",
        "voting": "голосования",
        "counting": "подсчёта голосов",
        "tabulation": "табулирования",
    },
}


def _of_total(figures: Figures, language: str) -> str:
    observed = format_count(figures.stations_observed or 0, language)
    if figures.stations_total is None:
        return observed
    joiner = " из " if language == "ru" else " of "
    return observed + joiner + format_count(figures.stations_total, language)


def _share(part: int, whole: int, language: str) -> str:
    return format_percent(100.0 * part / whole, language) + "%" if whole else "–"


def findings_text(figures: Figures, language: str) -> str:
    """The negative findings, one clause per phase, with their bases."""
    parts: list[str] = []
    for tally in figures.tallies:
        if tally.assessed_negative == 0:
            continue
        name = PHASE_NAMES[language][tally.phase]
        negative = format_count(tally.assessed_negative, language)
        assessed = format_count(tally.stations_assessed, language)
        share = _share(tally.assessed_negative, tally.stations_assessed, language)
        if language == "ru":
            many = "наблюдавшихся участков"
            stations = russian_plural(tally.stations_assessed, "наблюдавшегося участка", many, many)
            parts.append(
                f"ход {name} оценён как «плохо» или «очень плохо» "
                f"на {negative} из {assessed} {stations} ({share})"
            )
        else:
            of_stations = english_stations(tally.stations_assessed)
            parts.append(
                f"{name} was assessed bad or very bad in {negative} of {of_stations} "
                f"observed ({share})"
            )
    incidents = sum(tally.critical_incidents for tally in figures.tallies)
    if incidents:
        count = format_count(incidents, language)
        if language == "ru":
            parts.append(f"зафиксировано критических инцидентов: {count}")
        else:
            noun = "incident was" if incidents == 1 else "incidents were"
            parts.append(f"{count} critical {noun} recorded")
    return "; ".join(parts)


def _selection_words(figures: Figures, language: str) -> str:
    if language == "ru":
        return "выбраны случайно" if figures.random_selection else "выбраны не случайно"
    return "chosen at random" if figures.random_selection else "not chosen at random"


def _areas_clause(figures: Figures, language: str) -> str:
    if figures.areas_observed is None:
        return ""
    areas = format_count(figures.areas_observed, language)
    if figures.areas_total is not None:
        joiner = " из " if language == "ru" else " of "
        areas += joiner + format_count(figures.areas_total, language)
    return f", районы: {areas}" if language == "ru" else f", in {areas} areas"


def _stay_words(figures: Figures, language: str) -> str:
    days = figures.days_in_country
    if language == "ru":
        if days is None:
            return "срок пребывания миссии в стране не указан"
        word = russian_plural(days, "день", "дня", "дней")
        return f"миссия провела в стране {format_count(days, language)} {word}"
    if days is None:
        return "the mission's time in the country is not stated"
    unit = "day" if days == 1 else "days"
    return f"the mission spent {format_count(days, language)} {unit} in the country"


def reason_text(situation: str, figures: Figures, language: str) -> str:
    """Why a claim is, or is not, supported by the figures."""
    return _REASONS[situation](figures, language)


def scope_text(figures: Figures, language: str) -> str:
    """The stations a supportable wording can speak for."""
    if figures.stations_observed is None:
        if language == "ru":
            return (
                "на наблюдавшихся участках (укажите их число, общее число участков и способ отбора)"
            )
        return (
            "the polling stations observed (state how many, of how many, and how they were chosen)"
        )
    counts = _of_total(figures, language)
    selection = _selection_words(figures, language)
    if language == "ru":
        return f"на наблюдавшихся участках ({counts}, {selection})"
    observed = english_stations(figures.stations_observed)
    if figures.stations_total is None:
        return f"the {observed} observed ({selection})"
    total = format_count(figures.stations_total, language)
    return f"the {observed} observed (of {total}; {selection})"


_PREDICATES = {
    "no_violations": {
        "en": "Observers recorded no violations in {scope}",
        "ru": "Наблюдатели не зафиксировали нарушений {scope}",
    },
    "all_stations": {
        "en": "This held in each of {scope}",
        "ru": "Так было на каждом из наблюдавшихся участков ({counts})",
    },
    "whole_country": {
        "en": "This held in {scope}",
        "ru": "Так было {scope}",
    },
    "transparent": {
        "en": "Observers assessed the process as transparent in {scope}",
        "ru": "Наблюдатели оценили процесс как прозрачный {scope}",
    },
    "free_and_fair": {
        "en": "In {scope}, observers saw the vote conducted freely and fairly",
        "ru": "Наблюдатели не видели нарушений свободы и честности голосования {scope}",
    },
    "international_standards": {
        "en": "In {scope}, observers found the procedures in line with international standards",
        "ru": "Наблюдатели сочли процедуры соответствующими международным стандартам {scope}",
    },
    "proceeded_successfully": {
        "en": "Voting proceeded without serious problems in {scope}",
        "ru": "Голосование прошло без серьёзных проблем {scope}",
    },
}


def suggestion_text(kind: str, situation: str, figures: Figures, language: str) -> str:
    """A wording of the claim that the figures support."""
    if situation == "contradicted":
        findings = findings_text(figures, language)
        return findings[0].upper() + findings[1:] + "."
    scope = scope_text(figures, language)
    if figures.stations_observed is None:
        counts = "укажите их число и общее число участков"
    else:
        counts = _of_total(figures, language) + ", " + _selection_words(figures, language)
    predicate = _PREDICATES[kind][language].format(scope=scope, counts=counts)
    return predicate + _LIMITS[situation](figures, language)


def _no_base_limit(figures: Figures, language: str) -> str:
    if language == "ru":
        return "; об остальных участках ничего сказать нельзя."
    return "; nothing can be said about other polling stations."


def _not_random_limit(figures: Figures, language: str) -> str:
    if language == "ru":
        return (
            ". Поскольку участки выбраны не случайно, это ничего не говорит об остальных "
            "участках и о стране в целом."
        )
    return (
        ". As these stations were not chosen at random, this says nothing about "
        "other polling stations or the country as a whole."
    )


def bound_phrase(figures: Figures, language: str) -> str:
    """Where the opposite of a claim can still hold: "in under 5.0% of all polling stations".

    With the total known the bound is a whole number of stations; when it is
    exact in per cent (none of 60, 6 of 60) "under" would be false, so the
    phrase says "none" or "at most".
    """
    bound = format_percent(figures.bound_percent or 0.0, language)
    if _under(figures):
        if language == "ru":
            return f"меньше чем на {bound}% участков"
        return f"in under {bound}% of all polling stations"
    stations, total = figures.bound_stations or 0, figures.stations_total or 0
    total_words = format_count(total, language)
    if stations == 0:
        if language == "ru":
            many = russian_plural(total, "участка", "участков", "участков")
            return f"ни на одном из {total_words} {many}"
        return f"in none of the {total_words} polling stations"
    count = format_count(stations, language)
    if language == "ru":
        return f"не более чем на {bound}% участков ({count} из {total_words})"
    return f"in at most {bound}% of all polling stations ({count} of {total_words})"


def _bound_limit(figures: Figures, language: str) -> str:
    level = figures.confidence_percent
    violations = figures.kind == "no_violations"
    if _under(figures):
        bound = format_percent(figures.bound_percent or 0.0, language)
        if language == "ru":
            which = " с нарушениями" if violations else ", где было иначе,"
            return f"; с доверительной вероятностью {level}% доля участков{which} меньше {bound}%."
        what = "violations occurred" if violations else "it did not hold"
        return f"; at {level}% confidence, {what} in under {bound}% of all polling stations."
    if figures.bound_stations == 0:
        return _none_left_limit(figures, language, violations)
    where = bound_phrase(figures, language)
    if language == "ru":
        what = "нарушения были" if violations else "было иначе"
        return f"; с доверительной вероятностью {level}% {what} {where}."
    what = "violations occurred" if violations else "it did not hold"
    return f"; at {level}% confidence, {what} {where}."


def _none_left_limit(figures: Figures, language: str, violations: bool) -> str:
    """So few stations went unobserved that the bound excludes every one of them."""
    level = figures.confidence_percent
    total = format_count(figures.stations_total or 0, language)
    if language == "ru":
        if violations:
            where = bound_phrase(figures, language)
            return f"; с доверительной вероятностью {level}% нарушений не было {where}."
        return f"; с доверительной вероятностью {level}% так было на всех {total} участках."
    if violations:
        return (
            f"; at {level}% confidence, violations occurred in none of the {total} "
            "polling stations."
        )
    return f"; at {level}% confidence, it held in all {total} polling stations."


def _under(figures: Figures) -> bool:
    """Whether "under" the rounded-up bound is true (it is unless the bound is exact)."""
    stations, total = figures.bound_stations, figures.stations_total
    if stations is None or not total:
        return True
    return stations > 0 and abs(100.0 * stations / total - (figures.bound_percent or 0.0)) >= 1e-9


def _short_observation_limit(figures: Figures, language: str) -> str:
    stay = _stay_words(figures, language)
    if language == "ru":
        return f"; {stay}, поэтому это не оценка выборов в целом."
    return f"; {stay}, so this is no judgement on the election as a whole."


_LIMITS = {
    "no_base": _no_base_limit,
    "not_random": _not_random_limit,
    "only_a_bound": _bound_limit,
    "short_observation": _short_observation_limit,
}


def _contradicted_reason(figures: Figures, language: str) -> str:
    findings = findings_text(figures, language)
    if language == "ru":
        return f"Этому противоречат данные самой миссии: {findings}."
    return f"The mission's own data contradicts this: {findings}."


def _no_base_reason(figures: Figures, language: str) -> str:
    if language == "ru":
        return (
            "Неизвестно, сколько участков наблюдалось и как они выбраны, поэтому "
            "категоричное утверждение ничем не подкреплено."
        )
    return (
        "It is not known how many polling stations were observed or how they were "
        "chosen, so nothing supports a categorical claim."
    )


def _not_random_reason(figures: Figures, language: str) -> str:
    counts = _of_total(figures, language)
    areas = _areas_clause(figures, language)
    unknown = figures.random_selection is None
    if language == "ru":
        how = "не указано, что они выбраны случайно" if unknown else "выбраны не случайно"
        return (
            f"Наблюдавшиеся участки ({counts}{areas}) {how}, поэтому они ничего не говорят "
            "об остальных участках и о стране в целом; долю для всей страны назвать нельзя."
        )
    how = "were not shown to be chosen at random" if unknown else "were not chosen at random"
    return (
        f"The polling stations observed ({counts}{areas}) {how}, so they say nothing "
        "about other polling stations or the country; no share for the country can be claimed."
    )


def _only_a_bound_reason(figures: Figures, language: str) -> str:
    counts = _of_total(figures, language)
    level = figures.confidence_percent
    if not _under(figures):
        where = bound_phrase(figures, language)
        unobserved = format_count(
            (figures.stations_total or 0) - (figures.stations_observed or 0), language
        )
        if language == "ru":
            return (
                f"Участки выбраны случайно ({counts}); когда на них ничего не выявлено, с "
                f"доверительной вероятностью {level}% иного не было {where}, но участков, где "
                f"наблюдения не было: {unobserved}; это оценка, а не достоверный факт."
            )
        return (
            f"The polling stations were chosen at random ({counts}); with nothing found in "
            f"them, the data supports at {level}% confidence that the opposite occurred "
            f"{where}, but {unobserved} {'was' if unobserved == '1' else 'were'} not observed: "
            "a bound, not a certainty."
        )
    bound = format_percent(figures.bound_percent or 0.0, language)
    if language == "ru":
        return (
            f"Участки выбраны случайно ({counts}); когда на них ничего не выявлено, данные "
            f"позволяют утверждать лишь, что доля участков, где было иначе, меньше {bound}% "
            f"(верхняя граница с доверительной вероятностью {level}%), но не что таких нет вовсе."
        )
    return (
        f"The polling stations were chosen at random ({counts}); with nothing found in them, "
        f"the data supports only that the opposite occurred in under {bound}% of polling "
        f"stations ({level}% upper bound), not that it never occurred."
    )


_EN_LONG_TERM = {
    True: "",
    False: " and had no long-term observers",
    None: " and no long-term observers are known",
}
_RU_LONG_TERM = {
    True: "",
    False: " и долгосрочных наблюдателей не было",
    None: " и о долгосрочных наблюдателях не известно",
}


def _short_observation_reason(figures: Figures, language: str) -> str:
    stay = _stay_words(figures, language)
    if language == "ru":
        lto = _RU_LONG_TERM[figures.long_term_observers]
        return (
            "Оценка выборов в целом требует наблюдения за всеми этапами, а не только "
            f"за днём голосования; {stay}{lto}."
        )
    lto = _EN_LONG_TERM[figures.long_term_observers]
    return (
        "A judgement on the election as a whole needs observation of all its stages, "
        f"not only election day; {stay}{lto}."
    )


def _scoped_reason(figures: Figures, language: str) -> str:
    checked = figures.tallies != ()
    if language == "ru":
        tail = "данные миссии ему не противоречат" if checked else "данных о находках нет"
        return f"Утверждение ограничено наблюдавшимися участками; {tail}."
    tail = "the mission's data does not contradict it" if checked else "no findings were given"
    return f"The claim is limited to the polling stations observed; {tail}."


def _full_coverage_reason(figures: Figures, language: str) -> str:
    counts = _of_total(figures, language)
    if language == "ru":
        return f"Наблюдение велось на всех участках ({counts})."
    return f"Every polling station was observed ({counts})."


def _representative_reason(figures: Figures, language: str) -> str:
    counts = _of_total(figures, language)
    stay = _stay_words(figures, language)
    if language == "ru":
        return f"Участки выбраны случайно ({counts}); {stay}; данные миссии этому не противоречат."
    return (
        f"The polling stations were chosen at random ({counts}); {stay}; "
        "the mission's data does not contradict it."
    )


_REASONS = {
    "contradicted": _contradicted_reason,
    "no_base": _no_base_reason,
    "not_random": _not_random_reason,
    "only_a_bound": _only_a_bound_reason,
    "short_observation": _short_observation_reason,
    "scoped": _scoped_reason,
    "full_coverage": _full_coverage_reason,
    "representative": _representative_reason,
}
