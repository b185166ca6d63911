"""Repeat sections as counted records: "for each complaint" questions.

The entries of a repeat section are not stored apart: they are expanded
here from the report that counts for each station
(:mod:`pollwatch.findings.counted_answers`), so that they follow every
correction, revision and rejection of their report without a copy to keep
in step. For each repeat section:

- the stations whose report has at least one entry, as a share of the
  stations counted (with the design's interval when random);
- the entries, and entries per report (a mean over stations, with its
  interval when random);
- for each choice question of an entry, the share of **entries** (not of
  stations) giving each value, of the entries that answered ("of 312
  complaints in 140 reports"); for a number, its mean per entry. The
  stations remain the units of the variance: entries of one report are not
  independent draws (:mod:`pollwatch.stats.means`).

A repeat within a repeat (the shifts of each observer) is counted the same
way, over all its entries in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from pollwatch.findings.counted_answers import CountedAnswers
from pollwatch.findings.newest_forms import NewestForm, RepeatSection
from pollwatch.findings.question_types import NUMBER_TYPES
from pollwatch.stats.means import DesignMean, design_mean, design_share_of_units

CHOICE_TYPES = ("yes_no", "single_choice", "multiple_choice")


def repeat_entries(answers: dict, path: Sequence[str]) -> list[dict]:
    """Every entry of the repeat at ``path`` in one report's answers (nested ones flattened)."""
    entries = [answers]
    for code in path:
        entries = [entry for outer in entries for entry in _listed(outer.get(code))]
    return entries


def _listed(value: object) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Estimate:
    """A figure and, when the stations were drawn at random, its interval."""

    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class EntryValue:
    """Entries giving one value of a choice question, of ``base`` entries that answered."""

    value: str
    entries: int
    base: int
    share: Estimate


@dataclass(frozen=True, slots=True)
class EntryQuestion:
    """One question of a repeat, over its entries: value shares, or a number's mean."""

    code: str
    type: str
    answered: int
    values: tuple[EntryValue, ...] = ()
    mean: Estimate | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class RepeatFigure:
    """One repeat section over the counted reports."""

    code: str
    label: str
    depth: int
    base: int
    with_entries: int
    share_with_entries: Estimate
    entries: int
    per_report: Estimate
    questions: tuple[EntryQuestion, ...]

    def unit(self) -> str:
        """``of 312 entries in 140 reports``: what an entry share is a share of."""
        entries = "entry" if self.entries == 1 else "entries"
        reports = "report" if self.with_entries == 1 else "reports"
        return f"of {self.entries} {entries} in {self.with_entries} {reports}"


def repeat_figures(
    counted: CountedAnswers, form: NewestForm, language: str = "en"
) -> list[RepeatFigure]:
    """The figures of every repeat section of ``form``, outer repeats first."""
    return [_repeat_figure(counted, form, repeat, language) for repeat in form.repeats]


def _repeat_figure(
    counted: CountedAnswers, form: NewestForm, repeat: RepeatSection, language: str
) -> RepeatFigure:
    per_station = [repeat_entries(answers, repeat.path) for answers in counted.answers]
    sizes = np.array([len(entries) for entries in per_station], dtype=float)
    base = len(per_station)
    with_entries = int((sizes > 0).sum())
    ones = np.ones(base)
    questions = tuple(
        replace(question, label=_label(asked, language))
        for asked in repeat.questions
        if (question := _entry_question(counted, per_station, asked, form)) is not None
    )
    return RepeatFigure(
        code=repeat.code,
        label=repeat.label(language),
        depth=len(repeat.path),
        base=base,
        with_entries=with_entries,
        share_with_entries=_share(counted, (sizes > 0).astype(float), ones),
        entries=int(sizes.sum()),
        per_report=_mean(counted, sizes, ones),
        questions=questions,
    )


def _label(asked: dict, language: str) -> str:
    label = asked.get("label") or {}
    return str(label.get(language) or label.get("en") or asked["code"])


def _entry_question(
    counted: CountedAnswers, per_station: list[list[dict]], asked: dict, form: NewestForm
) -> EntryQuestion | None:
    code, kind = asked["code"], asked["type"]
    if kind in CHOICE_TYPES:
        return _choice_question(counted, per_station, code, kind, form.choice_codes.get(code, ()))
    if kind in NUMBER_TYPES:
        return _number_question(counted, per_station, code, kind)
    if kind in ("note", "calculate", "carried"):
        return None
    answered = sum(
        1 for entries in per_station for entry in entries if entry.get(code) not in (None, "", [])
    )
    return EntryQuestion(code, kind, answered)


def _choice_question(
    counted: CountedAnswers,
    per_station: list[list[dict]],
    code: str,
    kind: str,
    choices: Sequence[str],
) -> EntryQuestion:
    given = [[_ticked(entry.get(code)) for entry in entries] for entries in per_station]
    answering = np.array([sum(1 for t in ticks if t is not None) for ticks in given], dtype=float)
    seen = [value for ticks in given for t in ticks if t for value in t]
    values = list(choices) + sorted(set(seen) - set(choices))
    found = []
    for value in values:
        hits = np.array([sum(1 for t in ticks if t and value in t) for ticks in given], dtype=float)
        if hits.sum() == 0 and value not in choices:
            continue
        found.append(
            EntryValue(
                value,
                int(hits.sum()),
                int(answering.sum()),
                _share(counted, hits, answering),
            )
        )
    found.sort(key=lambda v: -v.entries)
    return EntryQuestion(code, kind, int(answering.sum()), tuple(found))


def _ticked(answer: object) -> tuple[str, ...] | None:
    if isinstance(answer, str) and answer:
        return (answer,)
    if isinstance(answer, list):
        return tuple(str(value) for value in answer)
    return None


def _number_question(
    counted: CountedAnswers, per_station: list[list[dict]], code: str, kind: str
) -> EntryQuestion:
    totals = np.zeros(len(per_station))
    answering = np.zeros(len(per_station))
    for index, entries in enumerate(per_station):
        for entry in entries:
            value = entry.get(code)
            if isinstance(value, int | float) and not isinstance(value, bool):
                totals[index] += value
                answering[index] += 1
    mean = _mean(counted, totals, answering) if answering.sum() else None
    return EntryQuestion(code, kind, int(answering.sum()), mean=mean)


def _share(counted: CountedAnswers, hits: np.ndarray, units: np.ndarray) -> Estimate:
    if units.sum() == 0:
        return Estimate(0.0)
    if counted.design is None:
        return Estimate(float(hits.sum() / units.sum()))
    return _estimate(design_share_of_units(counted.design, hits, units))


def _mean(counted: CountedAnswers, totals: np.ndarray, units: np.ndarray) -> Estimate:
    if units.sum() == 0:
        return Estimate(0.0)
    if counted.design is None:
        return Estimate(float(totals.sum() / units.sum()))
    return _estimate(design_mean(counted.design, totals, units))


def _estimate(found: DesignMean) -> Estimate:
    return Estimate(found.value, found.low, found.high)
