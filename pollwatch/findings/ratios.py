"""A ratio of two numbers counted at each station, as findings and statements quote it.

The women's share of the commission members present is the example: each
report counts the members present and, of them, the women. The share is of
the members, not of the stations: the ratio of the totals over the stations,
``sum w y / sum w x``, each station weighted by the design when it was drawn
at random (:func:`pollwatch.stats.means.design_share_of_units`: stations as
clusters, Taylor linearisation, Korn-Graubard interval); otherwise the plain
ratio of the totals observed, without interval. Each station counts once, by
the report the other findings count (:mod:`pollwatch.findings.counted_answers`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from pollwatch.findings.counted_answers import CountedAnswers, counted_answers
from pollwatch.findings.figures import (
    CONFIDENCE,
    FindingsError,
    Scope,
    interval_words,
    newest_form,
    percent,
)
from pollwatch.findings.newest_forms import NewestForms
from pollwatch.lib.numbers_in_text import format_count
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, Round
from pollwatch.stats.means import design_share_of_units

NUMBER_TYPES = ("integer", "decimal")


@dataclass(frozen=True, slots=True)
class RatioFigure:
    """The share one counted number is of another, over the stations observed.

    Attributes
    ----------
    count : int
        The numerator counted at the stations (e.g. women members), unweighted.
    base : int
        The denominator counted at the same stations (e.g. members present).
    stations : int
        Stations whose counted report gave both numbers, with a denominator above 0.
    share : float
        The ratio, a fraction: of weighted totals when ``is_random``,
        otherwise ``count / base``.
    low, high : float or None
        The interval at ``confidence``; None when the stations were not drawn
        at random, or none gave a denominator.
    confidence : float
        Confidence level of the interval.
    is_random : bool
        Whether the stations were drawn at random by the current plan.
    outside_sample : int
        Stations with a report that are not in the random plan, left out.
    """

    count: int
    base: int
    stations: int
    share: float
    low: float | None
    high: float | None
    confidence: float
    is_random: bool
    outside_sample: int = 0

    @property
    def rest(self) -> int:
        """The denominator less the numerator (the men members, beside the women)."""
        return self.base - self.count

    def sentence(self, language: str = "en") -> str:
        """``38% (95% CI 35–41%; 2,310 counted at 412 polling stations observed)``."""
        known = [code for code, _name in settings.LANGUAGES]
        if language not in known:
            raise ValueError(f"unknown language {language!r}; valid languages: {', '.join(known)}")
        with override(language):
            return self._sentence(language)

    def _sentence(self, language: str) -> str:
        values = {
            "share": percent(self.share, language),
            "units": format_count(self.base, language),
            "stations": format_count(self.stations, language),
        }
        if not self.is_random or self.low is None or self.high is None:
            return (
                ngettext(
                    "%(share)s (%(units)s counted at the %(stations)s polling station observed, "
                    "not drawn at random: the share describes only this station, not the country)",
                    "%(share)s (%(units)s counted at the %(stations)s polling stations observed, "
                    "not drawn at random: the share describes only these stations, "
                    "not the country)",
                    self.stations,
                )
                % values
            )
        values |= interval_words(self.low, self.high, self.confidence, language)
        return (
            ngettext(
                "%(share)s (%(level)s%% CI %(interval)s; %(units)s counted at "
                "%(stations)s polling station observed)",
                "%(share)s (%(level)s%% CI %(interval)s; %(units)s counted at "
                "%(stations)s polling stations observed)",
                self.stations,
            )
            % values
        )


def question_ratio(
    mission: Mission,
    form_code: str,
    numerator: str,
    denominator: str,
    *,
    area: Area | None = None,
    confidence: float = CONFIDENCE,
    forms: NewestForms | None = None,
    in_round: Round | None = None,
) -> RatioFigure:
    """The share ``numerator`` is of ``denominator``, two number questions of one form.

    ``in_round`` keeps that round's reports (see :class:`Scope`).
    """
    scope = Scope(mission=mission, areas=(area,) if area is not None else (), round=in_round)
    return scoped_ratio(scope, form_code, numerator, denominator, confidence, forms=forms)


def scoped_ratio(
    scope: Scope,
    form_code: str,
    numerator: str,
    denominator: str,
    confidence: float = CONFIDENCE,
    *,
    forms: NewestForms | None = None,
    counted: CountedAnswers | None = None,
) -> RatioFigure:
    """:func:`question_ratio` for any :class:`Scope`; ``counted`` when read already."""
    _require_numbers(form_code, (numerator, denominator), forms)
    found = counted if counted is not None else counted_answers(scope, form_code)
    return ratio_of_counted(found, numerator, denominator, confidence)


def _require_numbers(form_code: str, codes: tuple[str, ...], forms: NewestForms | None) -> None:
    form = newest_form(form_code, forms)
    for code in codes:
        question = form.question(code)
        if question is None or question["type"] not in NUMBER_TYPES:
            raise FindingsError(
                _("form %(form)s has no number question %(question)s")
                % {"form": repr(form_code), "question": repr(code)}
            )


def ratio_of_counted(
    counted: CountedAnswers, numerator: str, denominator: str, confidence: float = CONFIDENCE
) -> RatioFigure:
    """The ratio over the counted reports; a station counts when it gave both numbers."""
    y, x = _station_totals(counted, numerator, denominator)
    stations, count, base = int((x > 0).sum()), int(round(y.sum())), int(round(x.sum()))
    outside = counted.outside_sample
    if base == 0:
        return RatioFigure(0, 0, 0, 0.0, None, None, confidence, counted.is_random, outside)
    if counted.design is None:
        return RatioFigure(
            count, base, stations, count / base, None, None, confidence, counted.is_random, outside
        )
    found = design_share_of_units(counted.design, y, x, confidence)
    return RatioFigure(
        count, base, stations, found.value, found.low, found.high, confidence, True, outside
    )


def _station_totals(
    counted: CountedAnswers, numerator: str, denominator: str
) -> tuple[np.ndarray, np.ndarray]:
    """``y`` and ``x`` per station; 0 and 0 where either number is missing."""
    pairs = [(_number(a.get(numerator)), _number(a.get(denominator))) for a in counted.answers]
    given = [(y, x) if y is not None and x is not None else (0.0, 0.0) for y, x in pairs]
    y = np.array([pair[0] for pair in given], dtype=np.float64)
    x = np.array([pair[1] for pair in given], dtype=np.float64)
    return y, x


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
