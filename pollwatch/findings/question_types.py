"""Findings of the questions that are not choices: numbers, dates, texts, places and files.

Each figure is of the report that counts for each station
(:mod:`pollwatch.findings.counted_answers`) and carries its base, the
stations counted, beside the stations that answered:

- integer and decimal: the mean, with its design-based interval when the
  stations were drawn at random (:func:`pollwatch.stats.means.design_mean`),
  and the smallest, median and largest answer of the stations observed
  (unweighted, without interval);
- date, date and time, clock time: counts by day, by day and hour, by hour
  (never averaged); a date and time is counted at the clock time it was sent
  with, in the sender's own time zone;
- text and barcode: listed, the newest first, each with its report; a
  search narrows the list;
- geopoint: counted; :func:`located_points` gives the points with their
  reports; a line or an area (geotrace, geoshape) is counted only;
- photo, audio, video and file: the files named, with their reports;
- calculate and carried values are exported with the reports, not analysed;
- a note has no answer.

Choice questions are the shares of :mod:`pollwatch.findings.figures`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pollwatch.findings.counted_answers import CountedAnswers, counted_answers
from pollwatch.findings.figures import Scope, newest_form
from pollwatch.findings.newest_forms import NewestForm, NewestForms
from pollwatch.intake.models import Attachment
from pollwatch.stats.means import design_mean

NUMBER_TYPES = ("integer", "decimal")
DATED_TYPES = ("date", "datetime", "time")
LISTED_TYPES = ("text", "barcode")
PLACE_TYPES = ("geopoint", "geotrace", "geoshape")
MEDIA_TYPES = ("photo", "audio", "video", "file")
NOT_ANALYSED_TYPES = ("calculate", "carried")
ANALYSED_TYPES = (*NUMBER_TYPES, *DATED_TYPES, *LISTED_TYPES, *PLACE_TYPES, *MEDIA_TYPES)
NOT_ANALYSED_NOTE = "not analysed: exported with the reports"
LATEST = 20


@dataclass(frozen=True, slots=True)
class NumberFigure:
    """A number asked once per report.

    ``mean`` is weighted by the design when random, with ``low`` and ``high``
    its interval (None otherwise); ``minimum``, ``median`` and ``maximum`` are
    of the answers of the stations observed, unweighted.
    """

    code: str
    answered: int
    base: int
    mean: float
    low: float | None
    high: float | None
    minimum: float
    median: float
    maximum: float
    label: str = ""


@dataclass(frozen=True, slots=True)
class CountsFigure:
    """A date or time question: stations per day, per day and hour, or per hour."""

    code: str
    type: str
    answered: int
    base: int
    bins: tuple[tuple[str, int], ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class ListedFigure:
    """A text or barcode question: ``matching`` answers (all, or those the search found),
    the newest of them as (report id, text)."""

    code: str
    answered: int
    base: int
    matching: int
    latest: tuple[tuple[int, str], ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class PlacesFigure:
    """A geopoint, geotrace or geoshape question: the stations that gave one."""

    code: str
    type: str
    answered: int
    base: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class MediaFile:
    report_id: int
    name: str
    attachment_id: int | None


@dataclass(frozen=True, slots=True)
class MediaFigure:
    """A photo, audio, video or file question: files named, the newest with their links."""

    code: str
    type: str
    answered: int
    base: int
    latest: tuple[MediaFile, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class TypeFigures:
    """Every question of a form that is not a choice, by what can be read from it."""

    base: int
    is_random: bool
    outside_sample: int
    numbers: tuple[NumberFigure, ...] = ()
    counts: tuple[CountsFigure, ...] = ()
    listed: tuple[ListedFigure, ...] = ()
    places: tuple[PlacesFigure, ...] = ()
    media: tuple[MediaFigure, ...] = ()
    not_analysed: tuple[str, ...] = ()


def analysed_questions(form: NewestForm) -> list[dict]:
    """The questions asked once per report that this module reads or names."""
    return [q for q in form.questions if q["type"] in (*ANALYSED_TYPES, *NOT_ANALYSED_TYPES)]


def type_figures(
    counted: CountedAnswers,
    form: NewestForm,
    search: str = "",
    language: str = "en",
    latest: int | None = LATEST,
) -> TypeFigures:
    """The figures of every non-choice question of ``form`` over the counted reports.

    Each figure carries its question's label in ``language``; texts and files
    list the newest ``latest`` answers (all of them with None, for a download).
    """
    labels = form.labels(language)
    numbers, counts, listed, places, media, skipped = [], [], [], [], [], []
    for question in analysed_questions(form):
        code, kind = question["code"], question["type"]
        if kind in NUMBER_TYPES:
            figure = number_figure(counted, code)
            if figure is not None:
                numbers.append(figure)
        elif kind in DATED_TYPES:
            counts.append(counts_figure(counted, code, kind))
        elif kind in LISTED_TYPES:
            listed.append(listed_figure(counted, code, search, latest))
        elif kind in PLACE_TYPES:
            places.append(PlacesFigure(code, kind, _answered(counted, code), len(counted)))
        elif kind in MEDIA_TYPES:
            media.append(_media_names(counted, code, kind, latest))
        else:
            skipped.append(code)
    return TypeFigures(
        base=len(counted),
        is_random=counted.is_random,
        outside_sample=counted.outside_sample,
        numbers=_labelled(numbers, labels),
        counts=_labelled(counts, labels),
        listed=_labelled(listed, labels),
        places=_labelled(places, labels),
        media=_labelled(_with_attachments(media), labels),
        not_analysed=tuple(skipped),
    )


def _labelled(found: Sequence[Any], labels: dict[str, str]) -> tuple[Any, ...]:
    return tuple(replace(figure, label=labels.get(figure.code, figure.code)) for figure in found)


def number_figure(counted: CountedAnswers, code: str) -> NumberFigure | None:
    """The mean of a number question (design-based when random); None when nobody answered."""
    values = [_number(answers.get(code)) for answers in counted.answers]
    given = np.array([value is not None for value in values])
    if not given.any():
        return None
    totals = np.array([value if value is not None else 0.0 for value in values], dtype=float)
    answered = totals[given]
    low = high = None
    if counted.design is not None:
        estimate = design_mean(counted.design, totals, given.astype(float))
        mean, low, high = estimate.value, estimate.low, estimate.high
    else:
        mean = float(answered.mean())
    return NumberFigure(
        code,
        int(given.sum()),
        len(counted),
        mean,
        low,
        high,
        float(answered.min()),
        float(statistics.median(answered.tolist())),
        float(answered.max()),
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def counts_figure(counted: CountedAnswers, code: str, kind: str) -> CountsFigure:
    """Stations per day (date), per day and hour (date and time) or per hour (time)."""
    keys = [_bin(answers.get(code), kind) for answers in counted.answers]
    found = Counter(key for key in keys if key is not None)
    return CountsFigure(code, kind, sum(found.values()), len(counted), tuple(sorted(found.items())))


def _bin(value: object, kind: str) -> str | None:
    """``2026-12-05``, ``2026-12-05 07:00`` or ``07:00``: the day or hour of a valid answer."""
    if not isinstance(value, str):
        return None
    if kind == "date" and len(value) == 10:
        return value
    if kind == "datetime" and len(value) >= 13 and value[10] == "T":
        return f"{value[:10]} {value[11:13]}:00"
    if kind == "time" and len(value) == 5 and value[2] == ":":
        return f"{value[:2]}:00"
    return None


def listed_figure(
    counted: CountedAnswers, code: str, search: str = "", latest: int | None = LATEST
) -> ListedFigure:
    """Text answers, newest first, each with its report; ``search`` keeps those containing it."""
    given = [
        (int(report), text)
        for report, answers in zip(counted.ids, counted.answers, strict=True)
        if isinstance(text := answers.get(code), str) and text
    ]
    wanted = search.casefold().strip()
    found = [pair for pair in given if wanted in pair[1].casefold()] if wanted else given
    return ListedFigure(code, len(given), len(counted), len(found), tuple(found[:latest]))


def _answered(counted: CountedAnswers, code: str) -> int:
    return sum(1 for answers in counted.answers if answers.get(code) not in (None, "", []))


def _media_names(counted: CountedAnswers, code: str, kind: str, latest: int | None) -> MediaFigure:
    named = [
        MediaFile(int(report), name, None)
        for report, answers in zip(counted.ids, counted.answers, strict=True)
        if isinstance(name := answers.get(code), str) and name
    ]
    return MediaFigure(code, kind, len(named), len(counted), tuple(named[:latest]))


def _with_attachments(media: Sequence[MediaFigure]) -> tuple[MediaFigure, ...]:
    """Link every listed file to the attachment stored with its report, in one query."""
    files = [file for figure in media for file in figure.latest]
    if not files:
        return tuple(media)
    stored = {
        (report, name): pk
        for pk, report, name in Attachment.objects.filter(
            submission_id__in={file.report_id for file in files},
            name__in={file.name for file in files},
        ).values_list("id", "submission_id", "name")
    }
    return tuple(
        MediaFigure(
            figure.code,
            figure.type,
            figure.answered,
            figure.base,
            tuple(
                MediaFile(f.report_id, f.name, stored.get((f.report_id, f.name)))
                for f in figure.latest
            ),
        )
        for figure in media
    )


@dataclass(frozen=True, slots=True)
class LocatedPoint:
    report_id: int
    lat: float
    lon: float


def located_points(
    scope: Scope, form_code: str, question: str, *, forms: NewestForms | None = None
) -> list[LocatedPoint]:
    """The points a geopoint question gave, one per counted report, with the report's id.

    For a map: the reports are those counted for each station among those
    passing ``scope`` (and, with a random plan, inside it).
    """
    asked = newest_form(form_code, forms).question(question) or {}
    if asked.get("type") != "geopoint":
        return []
    counted = counted_answers(scope, form_code)
    points = []
    for report, answers in zip(counted.ids, counted.answers, strict=True):
        point = answers.get(question)
        if (
            isinstance(point, dict)
            and point.get("lat") is not None
            and point.get("lon") is not None
        ):
            points.append(LocatedPoint(int(report), float(point["lat"]), float(point["lon"])))
    return points
