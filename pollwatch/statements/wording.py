"""The words of the claim check, through the translation catalogues.

Reasons and suggested wordings are written in the language of the sentence
they are about: the public functions take that language and translate into
it, whatever the language of the page. The catalogues are read without the
web framework (``pollwatch.lib.catalogues``), as the claim check runs alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pollwatch.lib.catalogues import (
    current_language,
    gettext_noop,
    ngettext,
    npgettext,
    pgettext,
    writing_in,
)
from pollwatch.lib.catalogues import gettext as _
from pollwatch.lib.numbers_in_text import format_count, format_percent, with_percent_sign


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


def _phase_name(phase: str) -> str:
    names = {
        "opening": pgettext("phase, subject of 'was assessed'", "the opening"),
        "voting": pgettext("phase, subject of 'was assessed'", "voting"),
        "counting": pgettext("phase, subject of 'was assessed'", "the count"),
        "tabulation": pgettext("phase, subject of 'was assessed'", "tabulation"),
    }
    return names[phase]


def _count(value: int) -> str:
    return format_count(value, current_language())


def _percent(value: float) -> str:
    return format_percent(value, current_language())


def _of_total(figures: Figures) -> str:
    observed = _count(figures.stations_observed or 0)
    if figures.stations_total is None:
        return observed
    return _("%(observed)s of %(total)s") % {
        "observed": observed,
        "total": _count(figures.stations_total),
    }


def _share(part: int, whole: int) -> str:
    if not whole:
        return "–"
    return with_percent_sign(_percent(100.0 * part / whole), current_language())


def _findings(figures: Figures) -> str:
    parts: list[str] = []
    for tally in figures.tallies:
        if tally.assessed_negative == 0:
            continue
        parts.append(
            ngettext(
                "%(phase)s was assessed bad or very bad in %(negative)s of %(assessed)s "
                "polling station observed (%(share)s)",
                "%(phase)s was assessed bad or very bad in %(negative)s of %(assessed)s "
                "polling stations observed (%(share)s)",
                tally.stations_assessed,
            )
            % {
                "phase": _phase_name(tally.phase),
                "negative": _count(tally.assessed_negative),
                "assessed": _count(tally.stations_assessed),
                "share": _share(tally.assessed_negative, tally.stations_assessed),
            }
        )
    incidents = sum(tally.critical_incidents for tally in figures.tallies)
    if incidents:
        parts.append(
            ngettext(
                "%(count)s critical incident was recorded",
                "%(count)s critical incidents were recorded",
                incidents,
            )
            % {"count": _count(incidents)}
        )
    return "; ".join(parts)


def findings_text(figures: Figures, language: str) -> str:
    """The negative findings, one clause per phase, with their bases."""
    with writing_in(language):
        return _findings(figures)


def _selection_words(figures: Figures) -> str:
    return _("chosen at random") if figures.random_selection else _("not chosen at random")


def _areas_clause(figures: Figures) -> str:
    if figures.areas_observed is None:
        return ""
    areas = _count(figures.areas_observed)
    if figures.areas_total is not None:
        areas = _("%(observed)s of %(total)s") % {
            "observed": areas,
            "total": _count(figures.areas_total),
        }
    return _(", in %(areas)s areas") % {"areas": areas}


def _stay_words(figures: Figures) -> str:
    days = figures.days_in_country
    if days is None:
        return _("the mission's time in the country is not stated")
    return ngettext(
        "the mission spent %(days)s day in the country",
        "the mission spent %(days)s days in the country",
        days,
    ) % {"days": _count(days)}


def reason_text(situation: str, figures: Figures, language: str) -> str:
    """Why a claim is, or is not, supported by the figures."""
    with writing_in(language):
        return _REASONS[situation](figures)


def _scope(figures: Figures) -> str:
    if figures.stations_observed is None:
        return _(
            "the polling stations observed (state how many, of how many, and how they were chosen)"
        )
    values = _scope_values(figures, figures.stations_observed)
    if figures.stations_total is None:
        return (
            ngettext(
                "the %(observed)s polling station observed (%(selection)s)",
                "the %(observed)s polling stations observed (%(selection)s)",
                figures.stations_observed,
            )
            % values
        )
    return (
        ngettext(
            "the %(observed)s polling station observed (of %(total)s; %(selection)s)",
            "the %(observed)s polling stations observed (of %(total)s; %(selection)s)",
            figures.stations_observed,
        )
        % values
    )


def _scope_values(figures: Figures, observed: int) -> dict[str, str]:
    return {
        "observed": _count(observed),
        "total": _count(figures.stations_total or 0),
        "selection": _selection_words(figures),
    }


def _scope_after_each_of(figures: Figures) -> str:
    """The scope as it follows "each of", which some languages word differently."""
    if figures.stations_observed is None:
        return pgettext(
            "stations after 'each of'",
            "the polling stations observed (state how many, of how many, and how they were chosen)",
        )
    values = _scope_values(figures, figures.stations_observed)
    if figures.stations_total is None:
        return (
            npgettext(
                "stations after 'each of'",
                "the %(observed)s polling station observed (%(selection)s)",
                "the %(observed)s polling stations observed (%(selection)s)",
                figures.stations_observed,
            )
            % values
        )
    return (
        npgettext(
            "stations after 'each of'",
            "the %(observed)s polling station observed (of %(total)s; %(selection)s)",
            "the %(observed)s polling stations observed (of %(total)s; %(selection)s)",
            figures.stations_observed,
        )
        % values
    )


def scope_text(figures: Figures, language: str) -> str:
    """The stations a supportable wording can speak for."""
    with writing_in(language):
        return _scope(figures)


_PREDICATES = {
    "no_violations": gettext_noop("Observers recorded no violations in %(scope)s"),
    "all_stations": gettext_noop("This held in each of %(scope)s"),
    "whole_country": gettext_noop("This held in %(scope)s"),
    "transparent": gettext_noop("Observers assessed the process as transparent in %(scope)s"),
    "free_and_fair": gettext_noop(
        "In %(scope)s, observers saw the vote conducted freely and fairly"
    ),
    "international_standards": gettext_noop(
        "In %(scope)s, observers found the procedures in line with international standards"
    ),
    "proceeded_successfully": gettext_noop(
        "Voting proceeded without serious problems in %(scope)s"
    ),
}


def suggestion_text(kind: str, situation: str, figures: Figures, language: str) -> str:
    """A wording of the claim that the figures support."""
    with writing_in(language):
        if situation == "contradicted":
            findings = _findings(figures)
            return findings[0].upper() + findings[1:] + "."
        scope = _scope_after_each_of(figures) if kind == "all_stations" else _scope(figures)
        predicate = _(_PREDICATES[kind]) % {"scope": scope}
        return predicate + _LIMITS[situation](figures)


def _no_base_limit(figures: Figures) -> str:
    return _("; nothing can be said about other polling stations.")


def _not_random_limit(figures: Figures) -> str:
    return _(
        ". As these stations were not chosen at random, this says nothing about "
        "other polling stations or the country as a whole."
    )


def _bound_phrase(figures: Figures) -> str:
    bound = _percent(figures.bound_percent or 0.0)
    if _under(figures):
        return _("in under %(bound)s%% of all polling stations") % {"bound": bound}
    stations, total = figures.bound_stations or 0, figures.stations_total or 0
    if stations == 0:
        return ngettext(
            "in none of the %(total)s polling stations",
            "in none of the %(total)s polling stations",
            total,
        ) % {"total": _count(total)}
    return _("in at most %(bound)s%% of all polling stations (%(count)s of %(total)s)") % {
        "bound": bound,
        "count": _count(stations),
        "total": _count(total),
    }


def bound_phrase(figures: Figures, language: str) -> str:
    """Where the opposite of a claim can still hold: "in under 5.0% of all polling stations".

    With the total known the bound is a whole number of stations; when it is
    exact in per cent (none of 60, 6 of 60) "under" would be false, so the
    phrase says "none" or "at most".
    """
    with writing_in(language):
        return _bound_phrase(figures)


def _bound_limit(figures: Figures) -> str:
    level = figures.confidence_percent
    violations = figures.kind == "no_violations"
    if _under(figures):
        values = {"level": level, "bound": _percent(figures.bound_percent or 0.0)}
        if violations:
            return (
                _(
                    "; at %(level)s%% confidence, violations occurred in under %(bound)s%% "
                    "of all polling stations."
                )
                % values
            )
        return (
            _(
                "; at %(level)s%% confidence, it did not hold in under %(bound)s%% "
                "of all polling stations."
            )
            % values
        )
    if figures.bound_stations == 0:
        return _none_left_limit(figures, violations)
    values = {"level": level, "where": _bound_phrase(figures)}
    if violations:
        return _("; at %(level)s%% confidence, violations occurred %(where)s.") % values
    return _("; at %(level)s%% confidence, it did not hold %(where)s.") % values


def _none_left_limit(figures: Figures, violations: bool) -> str:
    """So few stations went unobserved that the bound excludes every one of them."""
    level = figures.confidence_percent
    if violations:
        return pgettext(
            "no station is left where violations could have occurred",
            "; at %(level)s%% confidence, violations occurred %(where)s.",
        ) % {"level": level, "where": _bound_phrase(figures)}
    return _("; at %(level)s%% confidence, it held in all %(total)s polling stations.") % {
        "level": level,
        "total": _count(figures.stations_total or 0),
    }


def _under(figures: Figures) -> bool:
    """Whether "under" the rounded-up bound is true (it is unless the bound is exact)."""
    stations, total = figures.bound_stations, figures.stations_total
    if stations is None or not total:
        return True
    return stations > 0 and abs(100.0 * stations / total - (figures.bound_percent or 0.0)) >= 1e-9


def _short_observation_limit(figures: Figures) -> str:
    return _("; %(stay)s, so this is no judgement on the election as a whole.") % {
        "stay": _stay_words(figures)
    }


_LIMITS: dict[str, Callable[[Figures], str]] = {
    "no_base": _no_base_limit,
    "not_random": _not_random_limit,
    "only_a_bound": _bound_limit,
    "short_observation": _short_observation_limit,
}


def _contradicted_reason(figures: Figures) -> str:
    return _("The mission's own data contradicts this: %(findings)s.") % {
        "findings": _findings(figures)
    }


def _no_base_reason(figures: Figures) -> str:
    return _(
        "It is not known how many polling stations were observed or how they were "
        "chosen, so nothing supports a categorical claim."
    )


def _not_random_reason(figures: Figures) -> str:
    values = {"counts": _of_total(figures), "areas": _areas_clause(figures)}
    if figures.random_selection is None:
        return (
            _(
                "The polling stations observed (%(counts)s%(areas)s) were not shown to be "
                "chosen at random, so they say nothing about other polling stations or the "
                "country; no share for the country can be claimed."
            )
            % values
        )
    return (
        _(
            "The polling stations observed (%(counts)s%(areas)s) were not chosen at random, "
            "so they say nothing about other polling stations or the country; no share for "
            "the country can be claimed."
        )
        % values
    )


def _only_a_bound_reason(figures: Figures) -> str:
    counts = _of_total(figures)
    level = figures.confidence_percent
    if not _under(figures):
        unobserved = (figures.stations_total or 0) - (figures.stations_observed or 0)
        return ngettext(
            "The polling stations were chosen at random (%(counts)s); with nothing found in "
            "them, the data supports at %(level)s%% confidence that the opposite occurred "
            "%(where)s, but %(unobserved)s was not observed: a bound, not a certainty.",
            "The polling stations were chosen at random (%(counts)s); with nothing found in "
            "them, the data supports at %(level)s%% confidence that the opposite occurred "
            "%(where)s, but %(unobserved)s were not observed: a bound, not a certainty.",
            unobserved,
        ) % {
            "counts": counts,
            "level": level,
            "where": _bound_phrase(figures),
            "unobserved": _count(unobserved),
        }
    return _(
        "The polling stations were chosen at random (%(counts)s); with nothing found in them, "
        "the data supports only that the opposite occurred in under %(bound)s%% of polling "
        "stations (%(level)s%% upper bound), not that it never occurred."
    ) % {"counts": counts, "level": level, "bound": _percent(figures.bound_percent or 0.0)}


def _short_observation_reason(figures: Figures) -> str:
    stay = {"stay": _stay_words(figures)}
    if figures.long_term_observers is True:
        return (
            _(
                "A judgement on the election as a whole needs observation of all its stages, "
                "not only election day; %(stay)s."
            )
            % stay
        )
    if figures.long_term_observers is False:
        return (
            _(
                "A judgement on the election as a whole needs observation of all its stages, "
                "not only election day; %(stay)s and had no long-term observers."
            )
            % stay
        )
    return (
        _(
            "A judgement on the election as a whole needs observation of all its stages, "
            "not only election day; %(stay)s and no long-term observers are known."
        )
        % stay
    )


def _scoped_reason(figures: Figures) -> str:
    if figures.tallies != ():
        return _(
            "The claim is limited to the polling stations observed; "
            "the mission's data does not contradict it."
        )
    return _("The claim is limited to the polling stations observed; no findings were given.")


def _full_coverage_reason(figures: Figures) -> str:
    return _("Every polling station was observed (%(counts)s).") % {"counts": _of_total(figures)}


def _representative_reason(figures: Figures) -> str:
    return _(
        "The polling stations were chosen at random (%(counts)s); %(stay)s; "
        "the mission's data does not contradict it."
    ) % {"counts": _of_total(figures), "stay": _stay_words(figures)}


_REASONS: dict[str, Callable[[Figures], str]] = {
    "contradicted": _contradicted_reason,
    "no_base": _no_base_reason,
    "not_random": _not_random_reason,
    "only_a_bound": _only_a_bound_reason,
    "short_observation": _short_observation_reason,
    "scoped": _scoped_reason,
    "full_coverage": _full_coverage_reason,
    "representative": _representative_reason,
}
