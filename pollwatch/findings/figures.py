"""Findings as figures a statement can quote: shares of stations with their base and interval.

The stable entry points are :func:`question_share` and :func:`assessment_figure`;
both return a :class:`ShareFigure`. The dashboard reads every question of a
form at once with :func:`form_figures`, through the same queries, so a figure
on the dashboard and the same figure in a statement are always equal.

One report per station and phase
--------------------------------
A station may have several reports of the same form (a second visit, a
corrected resend). Figures count each station once, by its **latest received
report that was not rejected** (ties broken by the higher id), among the
reports that pass the filters (area, team, time). Rejected reports never
count; reports received, accepted or flagged all do.

Design
------
When the mission's current deployment plan is random, each station's stratum
and weight come from the plan's sampled stations; the weights are adjusted
for non-response within each stratum (so that the responding stations stand
for the stratum's estimated size) and the interval follows the design
(:func:`pollwatch.stats.proportions.domain_shares`: Taylor linearisation,
Korn-Graubard interval). Reports from stations outside the plan are left out
of such figures and counted in ``outside_sample``. When there is no current
random plan, every observed station counts once and no interval is given:
the share describes only the stations observed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from pollwatch.deployment.models import DeploymentPlan, SampledStation
from pollwatch.forms.models import FormVersion
from pollwatch.intake.models import Submission
from pollwatch.statements.wording import format_count, format_percent, russian_plural
from pollwatch.stats.proportions import StratumTotals, domain_shares

CONFIDENCE = 0.95
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
    """

    count: int
    base: int
    share: float
    low: float | None
    high: float | None
    confidence: float
    is_random: bool
    outside_sample: int = 0

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
        if language not in ("en", "ru"):
            raise ValueError(f"unknown language {language!r}; valid languages: en, ru")
        share = percent(self.share, language)
        base = format_count(self.base, language)
        if language == "ru":
            stations = russian_plural(
                self.base,
                "наблюдавшегося участка",
                "наблюдавшихся участков",
                "наблюдавшихся участков",
            )
            if not self.is_random or self.low is None or self.high is None:
                return (
                    f"на {share} из {base} {stations} (участки выбраны не случайно: "
                    "доля описывает только их, а не страну в целом)"
                )
            level = format_percent(100 * self.confidence, language, 0)
            interval = f"{percent(self.low, language, sign=False)}–{percent(self.high, language)}"
            return f"на {share} ({level}% ДИ {interval}) из {base} {stations}"
        noun = "polling station" if self.base == 1 else "polling stations"
        if not self.is_random or self.low is None or self.high is None:
            return (
                f"in {share} of the {base} {noun} observed (not drawn at random: "
                "the share describes only these stations, not the country)"
            )
        level = format_percent(100 * self.confidence, language, 0)
        interval = f"{percent(self.low, language, sign=False)}–{percent(self.high, language)}"
        return f"in {share} ({level}% CI {interval}) of {base} {noun} observed"


def percent(value: float, language: str = "en", *, sign: bool = True) -> str:
    """Whole percent, or one decimal below 1% (``0.4%``) so that a rare event is not shown as 0."""
    hundred = 100.0 * value
    decimals = 1 if 0 < hundred < 1 else 0
    text = format_percent(hundred, language, decimals)
    return f"{text}%" if sign else text


@dataclass(frozen=True, slots=True)
class Scope:
    """Which reports a figure is computed from.

    ``areas`` restricts to stations in those areas (and below): the area
    filter, and a coordinator's own areas. ``since`` and ``until`` bound the
    time a report was received.
    """

    mission: object
    phase: str | None = None
    areas: tuple = ()
    team_id: int | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None

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
        return reports


def _stations_in(areas):
    from pollwatch.registry.models import PollingStation

    return PollingStation.objects.in_areas(areas).values("pk")


def chosen_reports(scope: Scope, form_code: str) -> QuerySet[Submission]:
    """One report per station and phase: the latest received that was not rejected."""
    ranked = scope.submissions(form_code).annotate(
        pick=Window(
            RowNumber(),
            partition_by=[F("station_id"), F("phase")],
            order_by=[F("received_at").desc(), F("id").desc()],
        )
    )
    return ranked.filter(pick=1)


@dataclass(frozen=True, slots=True)
class Design:
    """The current random plan: its id and each stratum's estimated size."""

    plan_id: int
    stratum_sizes: dict[str, float] = field(default_factory=dict)


def current_design(mission) -> Design | None:
    """The design of the mission's current plan, or None when it is not random."""
    plan = DeploymentPlan.objects.filter(mission=mission, is_current=True, is_random=True).first()
    if plan is None:
        return None
    rows = (
        SampledStation.objects.filter(plan=plan, is_reserve=False)
        .values_list("stratum")
        .order_by()
        .annotate(size=_sum("weight"))
    )
    return Design(plan_id=plan.pk, stratum_sizes={stratum: float(size) for stratum, size in rows})


def _sum(name):
    from django.db.models import Sum

    return Sum(name)


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


def question_share(
    mission,
    form_code: str,
    question: str,
    values: Sequence[str],
    *,
    phase: str | None = None,
    area=None,
    confidence: float = CONFIDENCE,
) -> ShareFigure:
    """Share of observed stations whose answer to ``question`` is one of ``values``.

    For a multiple-choice question a station counts when any of ``values`` was
    ticked. The base is the stations whose chosen report answered the question.
    """
    scope = Scope(mission=mission, phase=phase, areas=(area,) if area is not None else ())
    return scoped_share(scope, form_code, question, values, confidence)


def scoped_share(
    scope: Scope,
    form_code: str,
    question: str,
    values: Sequence[str],
    confidence: float = CONFIDENCE,
) -> ShareFigure:
    """:func:`question_share` for any :class:`Scope` (team, time and several areas)."""
    hits = {question: tuple(str(value) for value in values)}
    return _figures(scope, form_code, hits, confidence)[(question, "__hit__")]


def assessment_figure(
    mission,
    phase: str,
    values: Sequence[str] = ("bad", "very_bad"),
    *,
    form_code: str | None = None,
    area=None,
    confidence: float = CONFIDENCE,
) -> ShareFigure:
    """Share of stations whose overall assessment of ``phase`` is one of ``values``.

    The form is the standard checklist of the phase (``voting`` for voting,
    ``closing_counting`` for counting...) unless ``form_code`` is given; its
    question marked ``assessment`` is the one read.
    """
    code = form_code or PHASE_FORMS.get(phase)
    if code is None:
        raise FindingsError(f"no checklist is known for phase {phase!r}; name the form")
    question = assessment_question(code)
    return question_share(
        mission, code, question, values, phase=phase, area=area, confidence=confidence
    )


def form_questions(form_code: str) -> list[dict]:
    """The questions of the newest version of a form, as in its definition."""
    version = FormVersion.objects.filter(form__code=form_code).order_by("-version").first()
    if version is None:
        raise FindingsError(f"no form {form_code!r}")
    return [q for s in version.definition.get("sections", []) for q in s.get("questions", [])]


def assessment_question(form_code: str) -> str:
    for question in form_questions(form_code):
        if question.get("assessment"):
            return question["code"]
    raise FindingsError(f"form {form_code!r} has no overall assessment question")


def form_figures(
    scope: Scope, form_code: str, confidence: float = CONFIDENCE
) -> list[QuestionFigures]:
    """Every value of every choice question of a form, in the form's order."""
    questions = [q for q in form_questions(form_code) if q["type"] in CHOICE_TYPES]
    figures = _figures(scope, form_code, {q["code"]: None for q in questions}, confidence)
    by_question: dict[str, list[ValueFigure]] = {}
    for (code, value), figure in figures.items():
        by_question.setdefault(code, []).append(ValueFigure(value, figure))
    return [
        QuestionFigures(
            code=q["code"],
            type=q["type"],
            values=tuple(sorted(by_question.get(q["code"], []), key=lambda v: -v.figure.count)),
        )
        for q in questions
    ]


def _figures(
    scope: Scope,
    form_code: str,
    hits: dict[str, tuple[str, ...] | None],
    confidence: float,
) -> dict[tuple[str, str], ShareFigure]:
    """Figures keyed by (question, value); a question with given values gets ``__hit__``."""
    if not hits:
        return {}
    design = current_design(scope.mission)
    sums = answer_sums(scope, form_code, hits, design)
    outside = 0
    if design is not None:
        outside = outside_sample(scope, form_code, design)
    if not sums.keys:
        return {
            (code, "__hit__"): _empty(design is not None, confidence, outside)
            for code, values in hits.items()
            if values is not None
        }
    shares = domain_shares(sums.totals, confidence) if design is not None else None
    result: dict[tuple[str, str], ShareFigure] = {}
    for index, key in enumerate(sums.keys):
        count, base = int(sums.totals.hits[index]), int(sums.totals.base[index])
        if shares is None:
            result[key] = ShareFigure(
                count, base, count / base if base else 0.0, None, None, confidence, False
            )
        else:
            estimate = shares[index]
            result[key] = ShareFigure(
                count, base, estimate.share, estimate.low, estimate.high, confidence, True, outside
            )
    for code, values in hits.items():
        if values is not None and (code, "__hit__") not in result:
            result[(code, "__hit__")] = _empty(design is not None, confidence, outside)
    return result


def _empty(is_random: bool, confidence: float, outside: int) -> ShareFigure:
    return ShareFigure(0, 0, 0.0, None, None, confidence, is_random, outside)


def outside_sample(scope: Scope, form_code: str, design: Design) -> int:
    in_plan = SampledStation.objects.filter(plan_id=design.plan_id).values("station_id")
    return (
        chosen_reports(scope, form_code)
        .exclude(station_id__in=in_plan)
        .values("station_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True, slots=True)
class AnswerSums:
    """Per-stratum totals for every (question, value), in the order of ``keys``."""

    keys: tuple[tuple[str, str], ...]
    totals: StratumTotals


def answer_sums(
    scope: Scope,
    form_code: str,
    hits: dict[str, tuple[str, ...] | None],
    design: Design | None,
) -> AnswerSums:
    """Sum, in the database, the chosen reports' answers by stratum, question and value.

    ``hits`` maps each question to the values that count as one attribute
    (``__hit__``), or to None to get every value as its own attribute. Three
    grouped queries: by stratum (reporting stations), by stratum and question
    (stations that answered), by stratum, question and value.
    """
    chosen_sql, chosen_params = (
        chosen_reports(scope, form_code).values("id").query.sql_with_params()
    )
    source, source_params = _source(chosen_sql, chosen_params, design)
    reporting = _rows(
        f"SELECT stratum, COUNT(*), SUM(weight) FROM ({source}) r GROUP BY stratum",
        source_params,
    )
    if not reporting:
        return AnswerSums((), _no_totals())
    strata = sorted(row[0] for row in reporting)
    where = {label: index for index, label in enumerate(strata)}
    questions = list(hits)
    answered = _rows(*_answered_query(source, source_params, questions))
    valued = _rows(*_valued_query(source, source_params, hits))
    keys = sorted({(row[1], row[2]) for row in valued})
    keys += [(code, "__hit__") for code, values in hits.items() if values is not None]
    keys = list(dict.fromkeys(keys))
    return AnswerSums(
        tuple(keys), _totals(strata, where, reporting, answered, valued, keys, design)
    )


def _no_totals() -> StratumTotals:
    empty = np.zeros((0, 0))
    return StratumTotals(
        np.zeros(0), None, empty, empty, empty, empty, np.zeros(0, np.int64), np.zeros(0, np.int64)
    )


def _source(chosen_sql: str, chosen_params, design: Design | None) -> tuple[str, list]:
    """The chosen reports with each station's stratum and weight (1 without a design)."""
    if design is None:
        sql = (
            "SELECT s.id, s.answers, '' AS stratum, 1.0 AS weight FROM intake_submission s "
            f"WHERE s.id IN ({chosen_sql})"
        )
        return sql, list(chosen_params)
    sql = (
        "SELECT s.id, s.answers, ss.stratum AS stratum, ss.weight AS weight "
        "FROM intake_submission s JOIN deployment_sampledstation ss "
        "ON ss.station_id = s.station_id AND ss.plan_id = %s "
        f"WHERE s.id IN ({chosen_sql})"
    )
    return sql, [design.plan_id, *chosen_params]


def _in_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def _answered_query(source: str, params: list, questions: list[str]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        each = "jsonb_each(r.answers::jsonb) e"
        answered = "jsonb_typeof(e.value) <> 'null'"
    else:
        each = "json_each(r.answers) e"
        answered = "e.type <> 'null'"
    sql = (
        "SELECT r.stratum, e.key, COUNT(*), SUM(r.weight), SUM(r.weight * r.weight) "
        f"FROM ({source}) r, {each} WHERE e.key IN {_in_list(questions)} AND {answered} "
        "GROUP BY r.stratum, e.key"
    )
    return sql, [*params, *questions]


def _valued_query(
    source: str, params: list, hits: dict[str, tuple[str, ...] | None]
) -> tuple[str, list]:
    """One row per stratum, question and value; values of ``hits`` fold into ``__hit__``."""
    if connection.vendor == "postgresql":
        expand = (
            "jsonb_each(r.answers::jsonb) e, jsonb_array_elements_text(CASE WHEN "
            "jsonb_typeof(e.value) = 'array' THEN e.value ELSE jsonb_build_array(e.value) END) a"
        )
        item = "a"
    else:
        expand = "json_each(r.answers) e, json_each(r.answers, '$.\"' || e.key || '\"') a"
        item = "a.value"
    cases, case_params = [], []
    for code, values in hits.items():
        if values is not None:
            cases.append(f"WHEN e.key = %s AND {item} IN {_in_list(values)} THEN '__hit__'")
            case_params += [code, *values]
    folded = f"CASE {' '.join(cases)} ELSE {item} END" if cases else item
    wanted = [code for code, values in hits.items()]
    only_hits = [code for code, values in hits.items() if values is not None]
    keep = (
        f"AND NOT (e.key IN {_in_list(only_hits)} AND {folded} <> '__hit__')" if only_hits else ""
    )
    inner = (
        f"SELECT DISTINCT r.id, r.stratum, r.weight, e.key AS question, {folded} AS value "
        f"FROM ({source}) r, {expand} WHERE e.key IN {_in_list(wanted)} {keep}"
    )
    inner_params = [*case_params, *params, *wanted]
    if only_hits:
        inner_params += [*only_hits, *case_params]
    sql = (
        "SELECT v.stratum, v.question, v.value, COUNT(*), SUM(v.weight), "
        f"SUM(v.weight * v.weight) FROM ({inner}) v GROUP BY v.stratum, v.question, v.value"
    )
    return sql, inner_params


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _totals(strata, where, reporting, answered, valued, keys, design) -> StratumTotals:
    size, width = len(strata), len(keys)
    column = {key: index for index, key in enumerate(keys)}
    reported = np.zeros(size)
    reported_weight = np.zeros(size)
    for stratum, count, weight in reporting:
        reported[where[stratum]] = count
        reported_weight[where[stratum]] = weight
    # Weights adjusted for non-response within each stratum: the responding
    # stations stand for the stratum's estimated size.
    adjust = np.ones(size)
    frame_sizes = None
    if design is not None:
        estimated = np.array([design.stratum_sizes.get(label, 0.0) for label in strata])
        known = estimated > 0
        adjust = np.where(known, estimated / np.where(known, reported_weight, 1.0), 1.0)
        frame_sizes = np.maximum(np.where(known, np.round(estimated), reported), reported)
    base_by_question: dict[str, np.ndarray] = {}
    for stratum, question, count, weight, squared in answered:
        row = base_by_question.setdefault(question, np.zeros((size, 3)))
        row[where[stratum]] = (count, weight, squared)
    hit = np.zeros((size, width, 3))
    for stratum, question, value, count, weight, squared in valued:
        if (question, value) in column:
            hit[where[stratum], column[(question, value)]] = (count, weight, squared)
    base = np.zeros((size, width, 3))
    for index, (question, _value) in enumerate(keys):
        if question in base_by_question:
            base[:, index] = base_by_question[question]
    scale, squared_scale = adjust[:, None], (adjust**2)[:, None]
    return StratumTotals(
        reporting=reported,
        frame_sizes=frame_sizes,
        weighted_hits=hit[:, :, 1] * scale,
        squared_weighted_hits=hit[:, :, 2] * squared_scale,
        weighted_base=base[:, :, 1] * scale,
        squared_weighted_base=base[:, :, 2] * squared_scale,
        hits=hit[:, :, 0].sum(axis=0).astype(np.int64),
        base=base[:, :, 0].sum(axis=0).astype(np.int64),
    )


def reports_behind(
    scope: Scope, form_code: str, question: str, values: Sequence[str] = ()
) -> list[int]:
    """Ids of the chosen reports counted in a figure: answering ``question`` with ``values``.

    A report counts when its answer is one of ``values``; with no values, every
    chosen report that answered the question (the base).
    """
    design = current_design(scope.mission)
    chosen_sql, chosen_params = (
        chosen_reports(scope, form_code).values("id").query.sql_with_params()
    )
    source, params = _source(chosen_sql, chosen_params, design)
    if connection.vendor == "postgresql":
        expand = (
            "jsonb_each(r.answers::jsonb) e, jsonb_array_elements_text(CASE WHEN "
            "jsonb_typeof(e.value) = 'array' THEN e.value ELSE jsonb_build_array(e.value) END) a"
        )
        item = "a"
    else:
        expand = "json_each(r.answers) e, json_each(r.answers, '$.\"' || e.key || '\"') a"
        item = "a.value"
    values = [str(value) for value in values]
    condition = f" AND {item} IN {_in_list(values)}" if values else ""
    sql = (
        f"SELECT DISTINCT r.id FROM ({source}) r, {expand} "
        f"WHERE e.key = %s AND {item} IS NOT NULL{condition}"
    )
    return [row[0] for row in _rows(sql, [*params, question, *values])]
