"""Findings as figures a statement can quote: shares of stations with their base and interval.

The stable entry points are :func:`question_share` and :func:`assessment_figure`;
both return a :class:`ShareFigure`. The dashboard reads every question of a
form at once with :func:`form_figures`, through the same queries, so a figure
on the dashboard and the same figure in a statement are always equal.

One report per station
----------------------
A station may have several reports of the same form (a second visit, a
corrected resend). Figures count each station once, by its **latest received
report that was not rejected** (ties broken by the higher id), among the
reports that pass the filters (area, team, time): the rule of
:mod:`pollwatch.findings.counted_report`, which every finding picks by.
Rejected reports never count; reports received, accepted or flagged all do.

A question may say otherwise (``"combine": "any"`` in its form, as the
standard library's incident questions do): then the station counts as "yes"
(or a value as ticked) when **any** of those reports said so, so that a later
"no" does not hide an earlier "yes"; a station none of whose reports said so
takes the answer of its latest report that answered.

Design
------
When the mission's current deployment plan is random, each station's stratum
and weight ``1/π`` come from the plan's sampled stations and their inclusion
probabilities; the weights are adjusted
for non-response within each stratum (so that the responding stations stand
for the stratum's estimated size) and the interval follows the design
(:func:`pollwatch.stats.proportions.domain_shares`: Taylor linearisation,
Korn-Graubard interval; in strata drawn with probability proportional to
size, the with-replacement approximation without finite population
correction, and no variance from stations drawn with certainty). Reports
from stations outside the plan are left out
of such figures and counted in ``outside_sample``. When there is no current
random plan, every observed station counts once and no interval is given:
the share describes only the stations observed.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from django.conf import settings
from django.db.models import Count, F, Max, Min, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from pollwatch.deployment.models import DeploymentPlan, SampledStation
from pollwatch.findings import answer_store, answers
from pollwatch.findings.counted_report import latest_per_station
from pollwatch.findings.newest_forms import NewestForm, NewestForms
from pollwatch.forms.definition_rules import DEFAULT_COMBINE
from pollwatch.intake.models import Submission
from pollwatch.lib.numbers_in_text import (
    format_count,
    format_percent,
    percent_range,
    with_percent_sign,
)
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, PollingStation, Round
from pollwatch.stats.proportions import domain_shares
from pollwatch.stats.stratified import CERTAINTY_SUFFIX

CONFIDENCE = 0.95
ANY_REPORT = "any"
CHOICE_TYPES = ("yes_no", "single_choice", "multiple_choice")
PHASE_FORMS = {
    "opening": "opening",
    "voting": "voting",
    "counting": "closing_counting",
    "tabulation": "tabulation",
}
SELECTION_RULE = (
    "Each station counts once per form: its latest received report that was not rejected."
)


class FindingsError(Exception):
    """A figure that cannot be computed as asked (unknown form or question)."""


@dataclass(frozen=True, slots=True)
class ShareFigure:
    """A share of observed polling stations, as a statement quotes it.

    Attributes
    ----------
    count : int
        Stations whose chosen report gives one of the values.
    base : int
        Stations whose chosen report answered the question.
    share : float
        The share, a fraction: weighted by the design when ``is_random``,
        otherwise ``count / base``.
    low, high : float or None
        The interval at ``confidence``; None when the stations were not drawn
        at random (no interval for the country can be claimed).
    confidence : float
        Confidence level of the interval.
    is_random : bool
        Whether the stations were drawn at random by the current plan.
    outside_sample : int
        Stations with a report that are not in the random plan, left out.
    standard_error : float or None
        Linearised standard error of ``share`` when ``is_random``, else None.
    """

    count: int
    base: int
    share: float
    low: float | None
    high: float | None
    confidence: float
    is_random: bool
    outside_sample: int = 0
    standard_error: float | None = None

    @property
    def share_pct(self) -> float:
        return 100.0 * self.share

    @property
    def low_pct(self) -> float | None:
        return None if self.low is None else 100.0 * self.low

    @property
    def high_pct(self) -> float | None:
        return None if self.high is None else 100.0 * self.high

    def sentence(self, language: str = "en") -> str:
        """``in 4% (95% CI 2–7%) of 412 polling stations observed``, or the not-random wording."""
        known = [code for code, _name in settings.LANGUAGES]
        if language not in known:
            raise ValueError(f"unknown language {language!r}; valid languages: {', '.join(known)}")
        with override(language):
            return self._sentence(language)

    def _sentence(self, language: str) -> str:
        values = {"share": percent(self.share, language), "base": format_count(self.base, language)}
        if not self.is_random or self.low is None or self.high is None:
            return (
                ngettext(
                    "in %(share)s of the %(base)s polling station observed (not drawn at random: "
                    "the share describes only these stations, not the country)",
                    "in %(share)s of the %(base)s polling stations observed (not drawn at random: "
                    "the share describes only these stations, not the country)",
                    self.base,
                )
                % values
            )
        values |= interval_words(self.low, self.high, self.confidence, language)
        return (
            ngettext(
                "in %(share)s (%(level)s%% CI %(interval)s) of %(base)s polling station observed",
                "in %(share)s (%(level)s%% CI %(interval)s) of %(base)s polling stations observed",
                self.base,
            )
            % values
        )


def percent(value: float, language: str = "en", *, sign: bool = True) -> str:
    """Whole percent, or one decimal below 1% (``0.4%``) so that a rare event is not shown as 0."""
    hundred = 100.0 * value
    decimals = 1 if 0 < hundred < 1 else 0
    text = format_percent(hundred, language, decimals)
    return with_percent_sign(text, language) if sign else text


def interval_words(low: float, high: float, confidence: float, language: str) -> dict[str, str]:
    """The ``level`` and ``interval`` of a sentence's "95% CI 40–57%", in ``language``."""
    return {
        "level": format_percent(100 * confidence, language, 0),
        "interval": percent_range(
            percent(low, language, sign=False), percent(high, language, sign=False), language
        ),
    }


@dataclass(frozen=True, slots=True)
class Scope:
    """Which reports a figure is computed from.

    ``areas`` restricts to stations in those areas (and below): the area
    filter, and a coordinator's own areas. ``since`` and ``until`` bound the
    time a report was received. ``round`` keeps the reports the server
    received in that round's reporting window
    (:meth:`pollwatch.registry.models.Round.reports_until`) and takes the
    design from that round's plan; without it every report counts and the
    design is the current plan's.
    """

    mission: Mission
    phase: str | None = None
    areas: tuple[Area, ...] = ()
    team_id: int | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    round: Round | None = None
    # The mission's design, read once by the first figure of a request that asks for it.
    known: dict[str, Design | None] = field(default_factory=dict, compare=False, repr=False)

    def design(self) -> Design | None:
        """The design of the mission's current plan (:func:`current_design`), read once."""
        if "design" not in self.known:
            self.known["design"] = (
                current_design(self.mission)
                if self.round is None
                else round_design(self.mission, self.round)
            )
        return self.known["design"]

    def bounded_by_round(self) -> bool:
        """Whether the round leaves out some reports (an election's only round does not)."""
        return self.round is not None and (
            self.round.reports_from is not None or self.round.reports_until() is not None
        )

    def submissions(self, form_code: str | None = None) -> QuerySet[Submission]:
        reports = Submission.objects.filter(mission=self.mission).exclude(
            status=Submission.Status.REJECTED
        )
        if form_code is not None:
            reports = reports.filter(form_version__form__code=form_code)
        if self.phase:
            reports = reports.filter(phase=self.phase)
        if self.areas:
            reports = reports.filter(station__in=_stations_in(self.areas))
        if self.team_id:
            reports = reports.filter(team_id=self.team_id)
        if self.since:
            reports = reports.filter(received_at__gte=self.since)
        if self.until:
            reports = reports.filter(received_at__lt=self.until)
        if self.round is not None:
            reports = in_round(reports, self.round)
        return reports


SubmissionsT = TypeVar("SubmissionsT", bound=QuerySet[Submission])


def in_round(reports: SubmissionsT, round_: Round) -> SubmissionsT:
    """The reports the server received in the round's reporting window."""
    return reports.filter(round_.received_within())


def _stations_in(areas: Sequence[Area]) -> QuerySet[PollingStation, Any]:
    return PollingStation.objects.in_areas(areas).values("pk")


@dataclass(frozen=True, slots=True)
class Design:
    """The current random plan: its id, each stratum's estimated size, its PPS strata.

    ``stratum_sizes`` sums ``1/π`` over the stations drawn in each stratum;
    in a stratum drawn with unequal probabilities (listed in ``unequal``),
    the stations drawn with certainty are summed apart, under the stratum's
    label followed by :data:`pollwatch.stats.stratified.CERTAINTY_SUFFIX`.
    """

    plan_id: int
    stratum_sizes: dict[str, float] = field(default_factory=dict)
    unequal: frozenset[str] = frozenset()


def current_design(mission: Mission) -> Design | None:
    """The design of the mission's current plan, or None when it is not random."""
    plan = DeploymentPlan.objects.filter(mission=mission, is_current=True, is_random=True).first()
    return None if plan is None else plan_design(plan)


def round_design(mission: Mission, round_: Round) -> Design | None:
    """The design of the plan the round was observed by, or None when it is not random."""
    plan = DeploymentPlan.objects.filter(mission=mission).of_round(round_)
    return None if plan is None or not plan.is_random else plan_design(plan)


def plan_design(plan: DeploymentPlan) -> Design:
    """A random plan's strata and their estimated sizes."""
    drawn = SampledStation.objects.filter(plan=plan, is_reserve=False)
    rows = (
        drawn.values_list("stratum")
        .order_by()
        .annotate(
            size=Sum(1.0 / F("inclusion_probability")),
            low=Min("inclusion_probability"),
            high=Max("inclusion_probability"),
        )
    )
    sizes, unequal = {}, set()
    for stratum, size, low, high in rows:
        sizes[stratum] = float(size)
        if high - low > 1e-9 * high:
            unequal.add(stratum)
    certain = (
        drawn.filter(stratum__in=unequal, inclusion_probability__gte=1.0)
        .values_list("stratum")
        .order_by()
        .annotate(size=Count("id"))
    )
    for stratum, count in certain:
        sizes[stratum] -= count
        sizes[stratum + CERTAINTY_SUFFIX] = float(count)
    return Design(plan_id=plan.pk, stratum_sizes=sizes, unequal=frozenset(unequal))


@dataclass(frozen=True, slots=True)
class ValueFigure:
    """One answer value of one question with its figure."""

    value: str
    figure: ShareFigure


@dataclass(frozen=True, slots=True)
class QuestionFigures:
    """Every value of a choice question, with the stations that answered it."""

    code: str
    type: str
    values: tuple[ValueFigure, ...]
    combine: str = DEFAULT_COMBINE


def question_share(
    mission: Mission,
    form_code: str,
    question: str,
    values: Sequence[str],
    *,
    phase: str | None = None,
    area: Area | None = None,
    confidence: float = CONFIDENCE,
    forms: NewestForms | None = None,
    in_round: Round | None = None,
) -> ShareFigure:
    """Share of observed stations whose answer to ``question`` is one of ``values``.

    For a multiple-choice question a station counts when any of ``values`` was
    ticked. The base is the stations whose chosen report answered the question.
    ``forms`` holds the forms the caller has read already (see
    :class:`~pollwatch.findings.newest_forms.NewestForms`); every function
    here that reads a form takes it. ``in_round`` keeps that round's reports
    (see :class:`Scope`).
    """
    scope = Scope(
        mission=mission,
        phase=phase,
        areas=(area,) if area is not None else (),
        round=in_round,
    )
    return scoped_share(scope, form_code, question, values, confidence, forms=forms)


def scoped_share(
    scope: Scope,
    form_code: str,
    question: str,
    values: Sequence[str],
    confidence: float = CONFIDENCE,
    *,
    forms: NewestForms | None = None,
) -> ShareFigure:
    """:func:`question_share` for any :class:`Scope` (team, time and several areas)."""
    hits = {question: tuple(str(value) for value in values)}
    form = newest_form(form_code, forms)
    return _figures(scope, form, hits, confidence)[(question, "__hit__")]


def assessment_figure(
    mission: Mission,
    phase: str,
    values: Sequence[str] = ("bad", "very_bad"),
    *,
    form_code: str | None = None,
    area: Area | None = None,
    confidence: float = CONFIDENCE,
    forms: NewestForms | None = None,
    in_round: Round | None = None,
) -> ShareFigure:
    """Share of stations whose overall assessment of ``phase`` is one of ``values``.

    The form is the standard checklist of the phase (``voting`` for voting,
    ``closing_counting`` for counting...) unless ``form_code`` is given; its
    question marked ``assessment`` is the one read.
    """
    code = form_code or PHASE_FORMS.get(phase)
    if code is None:
        raise FindingsError(
            _("no checklist is known for phase %(phase)s; name the form") % {"phase": repr(phase)}
        )
    forms = forms if forms is not None else NewestForms()
    question = assessment_question(code, forms)
    return question_share(
        mission,
        code,
        question,
        values,
        phase=phase,
        area=area,
        confidence=confidence,
        forms=forms,
        in_round=in_round,
    )


def newest_form(form_code: str, forms: NewestForms | None = None) -> NewestForm:
    """The newest version of a form, from ``forms`` when given (read there once)."""
    form = (forms if forms is not None else NewestForms()).get(form_code)
    if form is None:
        raise FindingsError(_("no form %(form)s") % {"form": repr(form_code)})
    return form


def form_questions(form_code: str, forms: NewestForms | None = None) -> list[dict]:
    """The questions of the newest version of a form, as in its definition."""
    return list(newest_form(form_code, forms).questions)


def question_combine(form_code: str, question: str, forms: NewestForms | None = None) -> str:
    """How the question's reports combine per station: ``"latest"`` or ``"any"``."""
    return newest_form(form_code, forms).combine(question)


def assessment_question(form_code: str, forms: NewestForms | None = None) -> str:
    question = newest_form(form_code, forms).assessment_question()
    if question is None:
        raise FindingsError(
            _("form %(form)s has no overall assessment question") % {"form": repr(form_code)}
        )
    return question


def form_figures(
    scope: Scope,
    form_code: str,
    confidence: float = CONFIDENCE,
    *,
    forms: NewestForms | None = None,
) -> list[QuestionFigures]:
    """Every value of every choice question of a form, in the form's order."""
    form = newest_form(form_code, forms)
    questions = [q for q in form.questions if q["type"] in CHOICE_TYPES]
    hits: dict[str, tuple[str, ...] | None] = {q["code"]: None for q in questions}
    figures = _figures(scope, form, hits, confidence)
    by_question: dict[str, list[ValueFigure]] = {}
    for (code, value), figure in figures.items():
        by_question.setdefault(code, []).append(ValueFigure(value, figure))
    return [
        QuestionFigures(
            code=q["code"],
            type=q["type"],
            values=tuple(sorted(by_question.get(q["code"], []), key=lambda v: -v.figure.count)),
            combine=q.get("combine", DEFAULT_COMBINE),
        )
        for q in questions
    ]


def _figures(
    scope: Scope,
    form: NewestForm,
    hits: Mapping[str, tuple[str, ...] | None],
    confidence: float,
) -> dict[tuple[str, str], ShareFigure]:
    """Figures keyed by (question, value); a question with given values gets ``__hit__``."""
    if not hits:
        return {}
    design = scope.design()
    columns = _columns(form, hits)
    encoded = _encoded(scope, form.code, columns, design, _seen_characters(form, columns))
    found = answers.attributes(columns)
    sizes = design.stratum_sizes if design is not None else None
    unequal = design.unequal if design is not None else frozenset()
    totals = answers.stratum_totals(encoded, found, sizes, unequal)
    outside = int((~encoded.in_sample).sum()) if design is not None else 0
    if design is not None and totals.reporting.size:
        shares = domain_shares(totals, confidence)
        return {
            (a.question, a.value): ShareFigure(
                s.count, s.base, s.share, s.low, s.high, confidence, True, outside, s.standard_error
            )
            for a, s in zip(found, shares, strict=True)
        }
    return {
        (a.question, a.value): _observed(
            int(count), int(base), design is not None, confidence, outside
        )
        for a, count, base in zip(found, totals.hits, totals.base, strict=True)
    }


def _observed(
    count: int, base: int, is_random: bool, confidence: float, outside: int
) -> ShareFigure:
    share = count / base if base else 0.0
    return ShareFigure(count, base, share, None, None, confidence, is_random, outside)


def _columns(form: NewestForm, hits: Mapping[str, tuple[str, ...] | None]) -> list[answers.Column]:
    """The encoding's columns: a flag for a question with given values, else its choices."""
    choices = form.choice_codes
    columns: list[answers.Column] = []
    for code, values in hits.items():
        question = form.question(code) or {"type": "single_choice"}
        multiple = question["type"] == "multiple_choice"
        if values is not None:
            columns.append(answers.Column(code, tuple(values), True, multiple, "__hit__"))
        elif multiple:
            columns += [
                answers.Column(code, (value,), True, True, value) for value in choices.get(code, ())
            ]
        else:
            columns.append(answers.Column(code, choices.get(code, ()), False, False))
    return columns


def _encoded(
    scope: Scope,
    form_code: str,
    columns: Sequence[answers.Column],
    design: Design | None,
    seen: dict[int, int],
) -> answers.EncodedAnswers:
    """The chosen reports' encoded answers with their strata and weights.

    One row per station: its latest counted report, except in the columns of
    ``seen`` (those of questions whose reports combine by "any", see the
    module's notes and :func:`_seen_characters`).
    """
    stored = answer_store.encoded_rows(scope.mission.pk, form_code, columns)
    counted = np.flatnonzero(_candidates(scope, form_code, stored.ids))
    ids, stations = stored.ids[counted], stored.stations[counted]
    received, matrix = stored.received[counted], stored.matrix[counted]
    latest = latest_per_station(ids, stations, received)
    combined = answers.any_report(stations, received, ids, matrix, latest, seen)
    sampled = answer_store.sampled_stations(design.plan_id) if design is not None else None
    return answers.with_design(ids[latest], stations[latest], combined, sampled)


def _seen_characters(form: NewestForm, columns: Sequence[answers.Column]) -> dict[int, int]:
    """Position → the character meaning "seen", for the columns of "any report" questions."""
    combine_any = {q["code"] for q in form.questions if q.get("combine") == ANY_REPORT}
    seen: dict[int, int] = {}
    for position, column in enumerate(columns):
        if column.question not in combine_any:
            continue
        if column.flag:
            seen[position] = answers.HIT
        elif column.values[:1] == ("yes",):
            seen[position] = answers.FIRST_VALUE
    return seen


def _candidates(scope: Scope, form_code: str, ids: np.ndarray) -> np.ndarray:
    """Which stored reports pass the scope: not rejected, and inside every filter."""
    unfiltered = not (
        scope.phase
        or scope.areas
        or scope.team_id
        or scope.since
        or scope.until
        or scope.bounded_by_round()
    )
    if unfiltered:
        rejected = Submission.objects.filter(
            mission=scope.mission,
            form_version__form__code=form_code,
            status=Submission.Status.REJECTED,
        ).values_list("id", flat=True)
        return ~np.isin(ids, np.fromiter(rejected, dtype=np.int64))
    wanted = scope.submissions(form_code).order_by().values_list("id", flat=True)
    return np.isin(ids, np.fromiter(wanted, dtype=np.int64))


def reports_behind(
    scope: Scope,
    form_code: str,
    question: str,
    values: Sequence[str] = (),
    *,
    forms: NewestForms | None = None,
) -> list[int]:
    """Ids of the chosen reports counted in a figure: answering ``question`` with ``values``.

    A report counts when its answer is one of ``values``; with no values, every
    chosen report that answered the question (the base). With a random plan,
    only reports from stations in the plan count, as in the figure.
    """
    design = scope.design()
    form = newest_form(form_code, forms)
    asked = form.question(question) or {}
    multiple = asked.get("type") == "multiple_choice"
    column = answers.Column(question, tuple(values) or ("",), True, multiple, "__hit__")
    if values and asked.get("combine") == ANY_REPORT:
        return _reports_that_saw(scope, form_code, column, design)
    encoded = _encoded(scope, form_code, [column], design, _seen_characters(form, [column]))
    counted = encoded.in_sample if design is not None else np.ones(len(encoded.ids), bool)
    if values:
        wanted = encoded.matrix[:, 0] == answers.HIT
    else:
        wanted = encoded.matrix[:, 0] != answers.UNANSWERED
    return encoded.ids[counted & wanted].tolist()


def _reports_that_saw(
    scope: Scope, form_code: str, column: answers.Column, design: Design | None
) -> list[int]:
    """Every counted report that gave one of the values: each is why its station counts."""
    stored = answer_store.encoded_rows(scope.mission.pk, form_code, [column])
    saw = _candidates(scope, form_code, stored.ids) & (stored.matrix[:, 0] == answers.HIT)
    if design is not None:
        sampled = answer_store.sampled_stations(design.plan_id)[0]
        saw &= np.isin(stored.stations, sampled)
    return stored.ids[saw].tolist()


def form_figures_for(
    scope: Scope,
    form_code: str,
    question: str,
    confidence: float = CONFIDENCE,
    *,
    forms: NewestForms | None = None,
) -> QuestionFigures:
    """Every value of one choice question (see :func:`form_figures`)."""
    form = newest_form(form_code, forms)
    asked = form.question(question)
    if asked is None:
        raise FindingsError(
            _("form %(form)s has no question %(question)s")
            % {"form": repr(form_code), "question": repr(question)}
        )
    found = _figures(scope, form, {question: None}, confidence)
    values = [ValueFigure(value, figure) for (_code, value), figure in found.items()]
    return QuestionFigures(
        question,
        asked["type"],
        tuple(sorted(values, key=lambda v: -v.figure.count)),
        asked.get("combine", DEFAULT_COMBINE),
    )
