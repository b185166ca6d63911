from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pollwatch.accounts.guards import require, signed_in_user
from pollwatch.findings import charts, coverage, election_day, figures
from pollwatch.findings.access import areas_for, can_import_results
from pollwatch.findings.counted_answers import counted_answers
from pollwatch.findings.forms import FindingsFilterForm, OfficialResultsForm
from pollwatch.findings.inclusion import InclusionGroup, inclusion_findings
from pollwatch.findings.newest_forms import NewestForms
from pollwatch.findings.points import geopoint_questions, points_json, reported_points
from pollwatch.findings.pvt import PVTNames, figure_names, mismatches, pvt_estimate, pvt_names
from pollwatch.findings.question_types import (
    LATEST,
    NOT_ANALYSED_NOTE,
    TypeFigures,
    analysed_questions,
    type_figures,
)
from pollwatch.findings.repeats import RepeatFigure, repeat_figures
from pollwatch.findings.rounds import (
    chosen_round,
    election_rounds,
    round_changes,
    round_scope,
    with_round,
)
from pollwatch.findings.services import (
    OfficialResultsError,
    import_official_results,
    option_codes,
)
from pollwatch.findings.share_map import (
    answers_of,
    area_shares,
    mapped_answer,
    share_classes,
    share_map_json,
)
from pollwatch.findings.station_page import station_place_map, station_record, station_seen_by
from pollwatch.findings.tables import Table, find_table, table_download
from pollwatch.forms.labels import answer_label
from pollwatch.forms.models import FormVersion
from pollwatch.intake.models import Submission, TriageStatus
from pollwatch.intake.triage import open_incident_count
from pollwatch.lib.listing import page_of
from pollwatch.lib.map_tiles import configured_tiles
from pollwatch.missions.guards import mission_for
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, Round

ASSESSED_PHASES = ("opening", "voting", "counting")
NEGATIVE = ("bad", "very_bad")


@dataclass(frozen=True, slots=True)
class Context:
    mission: Mission
    filters: FindingsFilterForm
    scope: figures.Scope
    form_code: str
    form_title: str
    area: object
    restricted: bool
    forms: NewestForms
    rounds: tuple[Round, ...] = ()

    @property
    def round(self) -> Round | None:
        return self.scope.round


def _context(request, slug) -> Context:
    mission = mission_for(request, slug, "findings.view_findings")
    reported = Submission.objects.filter(mission=mission, form_version=OuterRef("pk"))
    titles = dict(
        FormVersion.objects.filter(Exists(reported)).values_list("form__code", "form__title")
    )
    codes = sorted(titles)
    rounds = election_rounds(mission)
    filters = FindingsFilterForm(
        request.GET or None, mission=mission, form_codes=codes, form_titles=titles, rounds=rounds
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    area = data.get("area")
    areas = areas_for(request.user, mission, area)
    scope = figures.Scope(
        mission=mission,
        phase=data.get("phase") or None,
        areas=areas,
        team_id=int(data["team"]) if data.get("team") else None,
        since=data.get("since"),
        until=data.get("until"),
        round=chosen_round(mission, rounds, data.get("round")),
    )
    default = "voting" if "voting" in codes else (codes[0] if codes else "")
    form_code = data.get("form") or default
    restricted = bool(areas) and area is None
    return Context(
        mission,
        filters,
        scope,
        form_code,
        titles.get(form_code, form_code),
        area,
        restricted,
        NewestForms(),
        tuple(rounds),
    )


def _download(context: Context, table: Table, export: str):
    """A table's download; with several rounds, each row says its round."""
    shown = context.round if len(context.rounds) > 1 else None
    return table_download(with_round(table, shown), export)


def _labels(form_code: str, forms: NewestForms) -> dict[str, str]:
    return figures.newest_form(form_code, forms).labels(_language())


def _answer_labels(form_code: str, forms: NewestForms) -> dict[str, dict[str, str]]:
    return figures.newest_form(form_code, forms).answer_labels(_language())


def _language() -> str:
    return (get_language() or "en")[:2]


def _question_table(questions, labels, answers) -> Table:
    """Downloads keep each answer's code and add its label, last."""
    rows = tuple(
        (
            labels.get(q.code, q.code),
            v.value,
            v.figure.count,
            v.figure.base,
            round(100 * v.figure.share, 1),
            _bound(v.figure.low),
            _bound(v.figure.high),
            answer_label(v.value, answers.get(q.code)),
        )
        for q in questions
        for v in q.values
    )
    header = (
        "question",
        "answer",
        "stations",
        "base",
        "share_pct",
        "ci95_low_pct",
        "ci95_high_pct",
        "answer_label",
    )
    return Table("questions", _("Answers by question"), header, rows)


def _bound(value: float | None):
    return None if value is None else round(100 * value, 1)


@dataclass(frozen=True, slots=True)
class Assessment:
    phase: str
    form_code: str
    question: str
    figure: figures.ShareFigure
    text: str


def _assessments(scope: figures.Scope, forms: NewestForms) -> list[Assessment]:
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    found = []
    for phase in ASSESSED_PHASES:
        form_code = figures.PHASE_FORMS[phase]
        try:
            question = figures.assessment_question(form_code, forms)
        except figures.FindingsError:
            continue
        figure = figures.scoped_share(scope, form_code, question, NEGATIVE, forms=forms)
        if figure.base:
            found.append(Assessment(phase, form_code, question, figure, figure.sentence(language)))
    return found


def _assessment_table(assessments) -> Table:
    rows = tuple(
        (
            a.phase,
            a.figure.count,
            a.figure.base,
            round(a.figure.share_pct, 1),
            _bound(a.figure.low),
            _bound(a.figure.high),
            a.text,
        )
        for a in assessments
    )
    header = (
        "phase",
        "bad_or_very_bad",
        "base",
        "share_pct",
        "ci95_low_pct",
        "ci95_high_pct",
        "statement",
    )
    return Table("assessments", _("Overall assessment"), header, rows)


def _coverage_table(items) -> Table:
    rows = tuple(
        (item.area.code, item.area.name, item.stations, item.observed, round(100 * item.share, 1))
        for item in items
    )
    header = ("area_code", "area", "stations", "observed", "observed_pct")
    return Table("coverage", _("Coverage"), header, rows)


def _time_table(bins) -> Table:
    rows = tuple((b.start, b.count, round(100 * b.cumulative, 1)) for b in bins)
    return Table("times", _("Times"), ("from", "stations", "cumulative_pct"), rows)


def _other_figures(
    scope: figures.Scope, form_code: str, forms: NewestForms, search: str, latest: int | None
) -> tuple[TypeFigures | None, list[RepeatFigure]]:
    """The figures of the form's non-choice questions and repeats; read only when it has any.

    Texts and files list the newest ``latest`` answers; a download lists all (None).
    """
    if not form_code:
        return None, []
    form = figures.newest_form(form_code, forms)
    if not (analysed_questions(form) or form.repeats):
        return None, []
    counted = counted_answers(scope, form_code)
    language = (get_language() or "en")[:2]
    return (
        type_figures(counted, form, search, language, latest),
        repeat_figures(counted, form, language),
    )


def _rounded(value: float | None, digits: int = 2):
    return None if value is None else round(value, digits)


def _type_tables(found: TypeFigures | None, labels) -> list[Table]:
    """The downloads of the non-choice questions; each row names the question and its code."""
    if found is None:
        found = TypeFigures(base=0, is_random=False, outside_sample=0)

    def named(code: str) -> tuple[str, str]:
        return labels.get(code, code), code

    numbers = tuple(
        (*named(n.code), n.answered, n.base, _rounded(n.mean), _rounded(n.low),
         _rounded(n.high), n.minimum, n.median, n.maximum)
        for n in found.numbers
    )  # fmt: skip
    dated = tuple(
        (*named(c.code), c.type, key, count, c.answered, c.base)
        for c in found.counts
        for key, count in c.bins
    )
    texts = tuple(
        (*named(t.code), report, text, t.answered, t.base)
        for t in found.listed
        for report, text in t.latest
    )
    places = tuple((*named(p.code), p.type, p.answered, p.base) for p in found.places)
    media = tuple(
        (*named(m.code), m.type, f.report_id, f.name, f.attachment_id, m.answered)
        for m in found.media
        for f in m.latest
    )
    skipped = tuple((*named(code), NOT_ANALYSED_NOTE) for code in found.not_analysed)
    question = ("question", "code")
    return [
        Table(
            "numbers",
            _("Numbers"),
            (
                *question,
                "answered",
                "base",
                "mean",
                "ci95_low",
                "ci95_high",
                "min_observed",
                "median_observed",
                "max_observed",
            ),
            numbers,
        ),  # fmt: skip
        Table(
            "dated",
            _("Dates and times"),
            (*question, "type", "day_or_hour", "stations", "answered", "base"),
            dated,
        ),
        Table("texts", _("Texts"), (*question, "report_id", "text", "answered", "base"), texts),
        Table("places", _("Places"), (*question, "type", "answered", "base"), places),
        Table(
            "media",
            _("Files"),
            (*question, "type", "report_id", "file", "attachment_id", "files"),
            media,
        ),
        Table("not_analysed", _("Not analysed"), (*question, "note"), skipped),
    ]


def _repeat_tables(repeats: list[RepeatFigure]) -> list[Table]:
    sections = tuple(
        (
            r.code,
            r.label,
            r.depth,
            r.with_entries,
            r.base,
            _rounded(100 * r.share_with_entries.value, 1),
            _bound(r.share_with_entries.low),
            _bound(r.share_with_entries.high),
            r.entries,
            _rounded(r.per_report.value),
            _rounded(r.per_report.low),
            _rounded(r.per_report.high),
        )
        for r in repeats
    )
    entry_rows: list[tuple[object, ...]] = []
    for r in repeats:
        for q in r.questions:
            for v in q.values:
                entry_rows.append(
                    (r.code, q.code, v.value, v.entries, v.base,
                     _rounded(100 * v.share.value, 1), _bound(v.share.low),
                     _bound(v.share.high), None, None, None, r.with_entries)
                )  # fmt: skip
            if q.mean is not None:
                entry_rows.append(
                    (r.code, q.code, "", None, q.answered, None, None, None,
                     _rounded(q.mean.value), _rounded(q.mean.low), _rounded(q.mean.high),
                     r.with_entries)
                )  # fmt: skip
    return [
        Table(
            "repeats",
            _("Repeated sections"),
            (
                "section",
                "label",
                "depth",
                "reports_with_entries",
                "base",
                "share_pct",
                "ci95_low_pct",
                "ci95_high_pct",
                "entries",
                "entries_per_report",
                "per_report_ci95_low",
                "per_report_ci95_high",
            ),
            sections,
        ),
        Table(
            "repeat_answers",
            _("Answers in repeated sections"),
            (
                "section",
                "question",
                "answer",
                "entries",
                "entries_answered",
                "share_of_entries_pct",
                "ci95_low_pct",
                "ci95_high_pct",
                "mean_per_entry",
                "mean_ci95_low",
                "mean_ci95_high",
                "reports_with_entries",
            ),
            tuple(entry_rows),
        ),
    ]


def dashboard(request, slug):
    context = _context(request, slug)
    scope, form_code, forms = context.scope, context.form_code, context.forms
    # Every form the page shows, read in one query and handed to each figure.
    forms.read([form_code, *(figures.PHASE_FORMS[phase] for phase in ASSESSED_PHASES)])
    questions = figures.form_figures(scope, form_code, forms=forms) if form_code else []
    labels = _labels(form_code, forms) if form_code else {}
    answers = _answer_labels(form_code, forms) if form_code else {}
    assessments = _assessments(scope, forms)
    items = coverage.area_coverage(scope, coverage.shown_areas(context.mission, context.area))
    time_question = figures.newest_form(form_code, forms).time_question() if form_code else None
    bins = coverage.time_distribution(scope, form_code, time_question) if time_question else []
    search = request.GET.get("search", "")
    export = request.GET.get("export")
    latest = None if export in ("csv", "xlsx") else LATEST
    others, repeats = _other_figures(scope, form_code, forms, search, latest)
    tables = [
        _question_table(questions, labels, answers),
        _assessment_table(assessments),
        _coverage_table(items),
        _time_table(bins),
        *_type_tables(others, labels),
        *_repeat_tables(repeats),
    ]
    if export in ("csv", "xlsx"):
        table = find_table(tables, request.GET.get("table", ""))
        if table is None:
            raise Http404
        return _download(context, table, export)
    outlines = Area.objects.filter(election=context.mission.election_id).outlines()
    shapes = coverage.choropleth(outlines, items)
    first = next((v.figure for q in questions for v in q.values), None)
    return render(
        request,
        "findings/dashboard.html",
        {
            "c": context,
            "mission": context.mission,
            "questions": [(q, labels.get(q.code, q.code)) for q in questions],
            "answer_labels": answers,
            "assessments": assessments,
            "coverage": items,
            "shapes": shapes,
            "map_size": (coverage.MAP_WIDTH, coverage.MAP_HEIGHT),
            "time_question": labels.get(time_question or "", ""),
            "bins": bins,
            "others": others,
            "repeats": repeats,
            "search": search,
            "is_random": first.is_random if first else context.scope.design() is not None,
            "outside_sample": first.outside_sample if first else 0,
            "rule": figures.SELECTION_RULE,
            "any_report": any(q.combine == figures.ANY_REPORT for q in questions),
            "query": _query_without(request, "export", "table"),
            "keep": _query_without(request, "export", "table", "round"),
            "can_upload": can_import_results(request.user, context.mission),
            "can_pvt": request.user.has_perm("findings.view_pvt", context.mission),
        },
    )


def round_comparison(request, slug):
    """A round's shares beside the previous round's, on the same questions, with the change."""
    context = _context(request, slug)
    form_code, forms = context.form_code, context.forms
    changes = round_changes(context.scope, form_code, forms) if form_code else []
    labels = _labels(form_code, forms) if form_code else {}
    answers = _answer_labels(form_code, forms) if form_code else {}
    table = _round_change_table(changes, answers)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _download(context, table, export)
    return render(
        request,
        "findings/rounds.html",
        {
            "c": context,
            "mission": context.mission,
            "previous": context.round.previous_round if context.round else None,
            "changes": [(item, labels.get(item.question, item.question)) for item in changes],
            "answer_labels": answers,
            "query": _query_without(request, "export", "table"),
            "keep": _query_without(request, "export", "table", "round"),
        },
    )


def _round_change_table(changes, answers) -> Table:
    return Table(
        "round_changes",
        _("Change since the previous round"),
        (
            "question",
            "answer",
            "share_pct",
            "base",
            "previous_share_pct",
            "previous_base",
            "change_pct",
            "change_ci95_low_pct",
            "change_ci95_high_pct",
            "answer_label",
        ),
        tuple(
            (
                change.question,
                change.value,
                round(100 * change.later.share, 1),
                change.later.base,
                round(100 * change.earlier.share, 1),
                change.earlier.base,
                _bound(change.change.difference if change.change else None),
                _bound(change.change.low if change.change else None),
                _bound(change.change.high if change.change else None),
                answer_label(change.value, answers.get(change.question)),
            )
            for change in changes
        ),
    )


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def incidents(request, slug):
    context = _context(request, slug)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _download(
            context,
            _incident_table(coverage.incident_feed(context.scope, request.user, None)),
            export,
        )
    return render(
        request,
        "findings/_incidents.html",
        {
            "mission": context.mission,
            "incidents": coverage.incident_feed(context.scope, request.user),
            "query": _query_without(request),
        },
    )


def _incident_table(reports) -> Table:
    header = ("received_at", "station", "team", "phase", "form", "alerts", "report")
    rows = tuple(
        (
            report.received_at.isoformat(),
            report.station.code,
            report.team.code if report.team else "",
            report.phase,
            report.form_version.form.code,
            "; ".join(f"{a['question']} = {a['answer']}" for a in report.alerts),
            report.pk,
        )
        for report in reports
    )
    return Table("incidents", _("Critical incidents"), header, rows)


def question_by_area(request, slug, form_code, question):
    context = _context(request, slug)
    try:
        labels = _labels(form_code, context.forms)
    except figures.FindingsError as unknown:
        raise Http404 from unknown
    if question not in labels:
        raise Http404
    answers = _answer_labels(form_code, context.forms).get(question)
    rows = []
    shown = (
        list(context.scope.areas)
        if context.restricted
        else coverage.shown_areas(context.mission, context.area)
    )
    for area in shown:
        scope = figures.Scope(
            mission=context.mission,
            phase=context.scope.phase,
            areas=(area,),
            team_id=context.scope.team_id,
            since=context.scope.since,
            until=context.scope.until,
            round=context.scope.round,
        )
        found = figures.form_figures_for(scope, form_code, question, forms=context.forms)
        rows += [(area, value) for value in found.values]
    table = Table(
        "by_area",
        labels[question],
        (
            "area_code",
            "area",
            "answer",
            "stations",
            "base",
            "share_pct",
            "ci95_low_pct",
            "ci95_high_pct",
            "answer_label",
        ),
        tuple(
            (
                a.code,
                a.name,
                v.value,
                v.figure.count,
                v.figure.base,
                round(100 * v.figure.share, 1),
                _bound(v.figure.low),
                _bound(v.figure.high),
                answer_label(v.value, answers),
            )
            for a, v in rows
        ),
    )
    if request.GET.get("export") in ("csv", "xlsx"):
        return _download(context, table, request.GET["export"])
    answer = mapped_answer(rows, request.GET.get("answer"))
    share_map = share_map_json(area_shares(rows, answer) if answer else [], shown)
    return render(
        request,
        "findings/question.html",
        {
            "c": context,
            "mission": context.mission,
            "form_code": form_code,
            "question": question,
            "label": labels[question],
            "answer_labels": {question: answers or {}},
            "rows": rows,
            "chart": charts.shares_chart(
                "chart-by-area",
                labels[question],
                [
                    (f"{area.name}: {answer_label(value.value, answers)}", value.figure)
                    for area, value in rows
                ],
            ),
            "query": _query_without(request, "export", "table"),
            "answers": answers_of(rows),
            "answer": answer,
            "share_map": share_map if share_map["areas"]["features"] else None,
            "share_classes": share_classes(),
            "map_query": _query_without(request, "export", "table", "answer"),
            "tiles": configured_tiles(),
        },
    )


def reports(request, slug):
    """Drill-down: the reports counted in one figure (one per station, by the rule)."""
    context = _context(request, slug)
    question = request.GET.get("question", "")
    values = [value for value in request.GET.getlist("value") if value]
    if not question:
        raise Http404
    ids = figures.reports_behind(
        context.scope, context.form_code, question, values, forms=context.forms
    )
    # The count is a figure; the list shows only the reports the viewer may read.
    submissions = (
        Submission.objects.visible_to(request.user)
        .filter(id__in=ids)
        .select_related("station", "team")
        .order_by("station__code")
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        columns = ("id", "station__code", "received_at", "team__code", "status")
        rows = tuple(
            (pk, code, received.isoformat(), team or "", status)
            for pk, code, received, team, status in submissions.values_list(*columns)
        )
        header = ("report_id", "station", "received_at", "team", "status")
        return _download(context, Table("reports", _("Reports"), header, rows), export)
    answers = _answer_labels(context.form_code, context.forms).get(question, {})
    return render(
        request,
        "findings/reports.html",
        {
            "c": context,
            "mission": context.mission,
            "question": _labels(context.form_code, context.forms).get(question, question),
            "values": [answer_label(value, answers) for value in values],
            "count": len(ids),
            "page": page_of(submissions, request),
            "query": _query_without(request, "page", "export"),
            "rule": figures.SELECTION_RULE,
            "any_report": bool(values)
            and figures.question_combine(context.form_code, question, context.forms)
            == figures.ANY_REPORT,
        },
    )


def _points(request, context: Context):
    questions = geopoint_questions(context.form_code, context.forms, get_language() or "en")
    return questions, reported_points(request.user, context.scope, context.form_code, questions)


def points(request, slug):
    """The places a form's geopoint answers give, on a map and in a table."""
    context = _context(request, slug)
    questions, found = _points(request, context)
    query = _query_without(request, "page", "export")
    return render(
        request,
        "findings/points.html",
        {
            "c": context,
            "mission": context.mission,
            "questions": questions,
            "points": found,
            "query": query,
            "source": reverse("findings:points_data", args=[slug]) + (f"?{query}" if query else ""),
            "tiles": configured_tiles(),
        },
    )


def points_data(request, slug):
    context = _context(request, slug)
    _questions, found = _points(request, context)
    outlines = Area.objects.filter(election=context.mission.election_id).outlines()
    return JsonResponse(points_json(found, outlines))


def inclusion(request, slug):
    """How women, young, elderly and disabled voters took part: the inclusion findings."""
    context = _context(request, slug)
    groups = inclusion_findings(context.scope, forms=context.forms)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _download(context, _inclusion_table(groups), export)
    return render(
        request,
        "findings/inclusion.html",
        {
            "c": context,
            "mission": context.mission,
            "groups": groups,
            "is_random": context.scope.design() is not None,
            "query": _query_without(request, "export", "table"),
            "keep": _query_without(request, "export", "table", "round"),
        },
    )


def _inclusion_table(groups: list[InclusionGroup]) -> Table:
    """One row per finding: its question, base, non-response, share and interval."""
    rows = tuple(
        (
            group.code,
            f.item.form,
            f.item.question,
            ",".join(f.item.values),
            str(f.item.label),
            f.asked,
            f.answered,
            f.not_answered,
            f.figure.count,
            f.figure.base,
            round(100 * f.figure.share, 1),
            _bound(f.figure.low),
            _bound(f.figure.high),
        )
        for group in groups
        for f in group.findings
    )
    header = (
        "group",
        "form",
        "question",
        "answers",
        "finding",
        "stations_asked",
        "stations_answered",
        "stations_not_answered",
        "count",
        "base",
        "share_pct",
        "ci95_low_pct",
        "ci95_high_pct",
    )
    return Table("inclusion", _("Inclusion"), header, rows)


def _pvt_tables(result, found_mismatches, names: PVTNames) -> list[Table]:
    """Downloads keep the codes of figures and strata and add their names, last."""
    estimates: tuple[tuple[object, ...], ...] = ()
    if result.estimate is not None:
        estimates = tuple(
            (
                e.name,
                round(100 * e.value, 2),
                round(100 * e.margin_95, 2),
                round(100 * e.margin_99, 2),
                names.figure(e.name),
            )
            for e in (*result.estimate.shares, result.turnout)
        )
    return [
        Table(
            "pvt_estimates",
            _("Estimates"),
            ("figure", "pct", "moe95_pct", "moe99_pct", "figure_name"),
            estimates,
        ),
        Table(
            "pvt_completeness",
            _("Completeness per stratum"),
            ("stratum", "reported", "expected", "pct", "stratum_name"),
            tuple(
                (
                    c.stratum,
                    c.reported,
                    c.expected,
                    round(100 * c.fraction, 1),
                    names.stratum(c.stratum),
                )
                for c in result.completeness
            ),
        ),
        Table(
            "pvt_comparison",
            _("Official results against the PVT"),
            ("option", "official_pct", "pvt_pct", "inside_95", "inside_99"),
            tuple(
                (
                    c.option,
                    round(100 * c.official, 2),
                    round(100 * c.estimate.value, 2),
                    c.inside_95,
                    c.inside_99,
                )
                for c in result.comparison
            ),
        ),
        Table(
            "pvt_mismatches",
            _("Official per-station figures that differ from the observers' copy"),
            ("station", "figure", "official", "observed", "report_id", "figure_name"),
            tuple(
                (
                    m.station_code,
                    m.figure,
                    m.official,
                    m.observed,
                    m.submission_id,
                    names.figure(m.figure),
                )
                for m in found_mismatches
            ),
        ),
    ]


def pvt(request, slug):
    mission = mission_for(request, slug, "findings.view_pvt")
    if request.method == "POST":
        require(request.user, "findings.change_results", mission)
    rounds = election_rounds(mission)
    scope = figures.Scope(
        mission=mission, round=chosen_round(mission, rounds, request.GET.get("round"))
    )
    form = OfficialResultsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and can_import_results(request.user, mission) and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            import_official_results(
                mission,
                upload,
                filename=upload.name,
                actor=signed_in_user(request),
                round_=scope.round,
            )
        except OfficialResultsError as refused:
            for problem in refused.problems[:20]:
                form.add_error("file", problem)
        else:
            messages.success(request, _("Official results imported."))
            page = reverse("findings:pvt", kwargs={"slug": slug})
            return redirect(f"{page}?{_round_query(scope.round, rounds)}".rstrip("?&"))
    result = pvt_estimate(mission, scope)
    found = mismatches(mission, result.official, scope)
    names = pvt_names(mission, result)
    tables = _pvt_tables(result, found, names)
    if request.GET.get("export") in ("csv", "xlsx"):
        table = find_table(tables, request.GET.get("table", ""))
        if table is None:
            raise Http404
        shown = scope.round if len(rounds) > 1 else None
        return table_download(with_round(table, shown), request.GET["export"])
    template = "findings/_pvt_estimates.html" if request.htmx else "findings/pvt.html"
    estimates = (*result.estimate.shares, result.turnout) if result.estimate is not None else ()
    return render(
        request,
        template,
        {
            "mission": mission,
            "estimates": [
                (names.figure(e.name), e.value, e.interval(0.95), e.interval(0.99))
                for e in estimates
                if e is not None
            ],
            "result": result,
            "completeness": [(names.stratum(s.stratum), s) for s in result.completeness],
            "pvt_chart": charts.pvt_chart(result, names),
            "mismatches": [(names.figure(m.figure), m) for m in found],
            "form": form if can_import_results(request.user, mission) else None,
            "round": scope.round,
            "rounds": rounds,
            "round_query": _round_query(scope.round, rounds),
            "keep": _query_without(request, "export", "table", "round"),
        },
    )


def _round_query(round_: Round | None, rounds: list[Round]) -> str:
    """``round=N&`` to keep the round in a page's links, when there is a choice."""
    return f"round={round_.number}&" if round_ is not None and len(rounds) > 1 else ""


def station(request, slug, code):
    """One polling station: its reports, incidents, files, official figures and PVT tallies."""
    mission = mission_for(request, slug)
    record = station_record(request.user, mission, station_seen_by(request.user, mission, code))
    names = (
        figure_names(option_codes(mission.election)) if record.tallies or record.official else {}
    )
    return render(
        request,
        "findings/station.html",
        {
            "mission": mission,
            "record": record,
            "figure_names": names,
            "status_labels": dict(TriageStatus.choices),
            "place_map": station_place_map(record.station),
            "tiles": configured_tiles(),
        },
    )


DASHBOARD_PANELS = ("reports", "teams", "coverage", "incidents", "pvt")


def _reports_panel(request, mission) -> dict:
    reports = election_day.reports_over_time(mission, request.user)
    return {"reports": reports, "reports_chart": charts.reports_chart(reports)}


def _teams_panel(request, mission) -> dict:
    return {"activity": election_day.team_activity(mission, request.user, timezone.now())}


def _coverage_panel(request, mission) -> dict:
    table = election_day.area_coverage(mission)
    return {
        "coverage": table,
        "coverage_chart": charts.coverage_chart(table),
        "coverage_phase": charts.most_reported_phase(table) if table is not None else None,
    }


def _incidents_panel(request, mission) -> dict:
    return {"open_incidents": open_incident_count(mission, request.user)}


def _pvt_panel(request, mission) -> dict:
    if not request.user.has_perm("findings.view_pvt", mission):
        return {}
    scope = round_scope(mission, request.GET.get("round"))
    result = pvt_estimate(mission, scope)
    reported = sum(stratum.reported for stratum in result.completeness)
    expected = sum(stratum.expected for stratum in result.completeness)
    names = pvt_names(mission, result)
    # A random deployment plan can weigh PVT reports, but without a PVT sample or any
    # PVT report the mission runs no PVT, and "0 of N" would read as N missing reports.
    runs_pvt = result.design_source == "pvt" or result.reports > 0
    return {
        "pvt": result,
        "pvt_reported": reported,
        "pvt_expected": expected,
        "runs_pvt": runs_pvt,
        "pvt_strata": [(names.stratum(s.stratum), s) for s in result.completeness],
        "pvt_round": scope.round,
    }


PANEL_CONTEXTS = {
    "reports": _reports_panel,
    "teams": _teams_panel,
    "coverage": _coverage_panel,
    "incidents": _incidents_panel,
    "pvt": _pvt_panel,
}


def _dashboard_base(request, mission) -> dict:
    zone = election_day.election_zone(mission)
    return {
        "mission": mission,
        "zone": zone.key,
        "updated": timezone.now().astimezone(zone),
        "can_pvt": request.user.has_perm("findings.view_pvt", mission),
    }


def mission_dashboard(request, slug):
    """Election day at a glance: each panel reloads itself every few seconds."""
    mission = mission_for(request, slug, "findings.view_mission_dashboard")
    context = _dashboard_base(request, mission)
    for panel in DASHBOARD_PANELS:
        if panel != "pvt" or context["can_pvt"]:
            context |= PANEL_CONTEXTS[panel](request, mission)
    return render(request, "findings/mission_dashboard.html", context)


def mission_dashboard_panel(request, slug, panel):
    """One panel of the dashboard, as its reload asks for it."""
    mission = mission_for(request, slug, "findings.view_mission_dashboard")
    if panel == "pvt":
        require(request.user, "findings.view_pvt", mission)
    context = _dashboard_base(request, mission) | PANEL_CONTEXTS[panel](request, mission)
    return render(request, f"findings/_dashboard_{panel}.html", context)
