"""Inclusion: how women, young, elderly and disabled voters took part, from the standard forms.

A fixed set of findings from three standard checklists (accessibility,
opening and voting), in five groups: voters with disabilities, assisted
voting, voting at home for elderly and housebound voters, women in the
commissions, young first-time voters. Each is a share of stations
(:func:`pollwatch.findings.figures.scoped_share`) or, for the women's share
of the commission members present, a ratio of the members counted
(:func:`pollwatch.findings.ratios.scoped_ratio`): the same figures, with the
same design and intervals, that a statement quotes with ``{share:...}`` and
``{ratio:...}``.

Each figure carries the stations where the question was **asked** (the
stations whose counted report was of that form and, for a question asked
only in some cases, where that case arose) beside its base, the stations
that answered; the difference is the non-response. A finding whose form the
mission has not published, or whose form's newest version lacks the
question, is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pollwatch.findings.counted_answers import CountedAnswers, counted_answers
from pollwatch.findings.figures import CONFIDENCE, Scope, ShareFigure, scoped_share
from pollwatch.findings.newest_forms import NewestForm, NewestForms
from pollwatch.findings.ratios import RatioFigure, ratio_of_counted
from pollwatch.forms.conditions import evaluate

GROUPS = (
    ("disabled", _("Voters with disabilities")),
    ("assisted", _("Assisted voting")),
    ("elderly", _("Elderly and housebound voters: voting at home")),
    ("women", _("Women in the polling station commissions")),
    ("young", _("Young first-time voters")),
)


@dataclass(frozen=True, slots=True)
class ShareItem:
    """A share of stations: those whose answer to ``question`` is one of ``values``."""

    group: str
    form: str
    question: str
    values: tuple[str, ...]
    label: str | Promise

    @property
    def reference(self) -> str:
        return f"{{share:{self.form}.{self.question}={','.join(self.values)}}}"


@dataclass(frozen=True, slots=True)
class RatioItem:
    """The share ``numerator`` is of ``denominator``, totals of the stations counted."""

    group: str
    form: str
    numerator: str
    denominator: str
    label: str | Promise

    @property
    def question(self) -> str:
        return self.numerator

    @property
    def values(self) -> tuple[str, ...]:
        """No answer values: a ratio counts every answer of its two questions."""
        return ()

    @property
    def reference(self) -> str:
        return f"{{ratio:{self.form}.{self.numerator}/{self.denominator}}}"


ITEMS: tuple[ShareItem | RatioItem, ...] = (
    ShareItem(
        "disabled",
        "accessibility",
        "step_free",
        ("yes",),
        _("A wheelchair user could enter independently"),
    ),
    ShareItem(
        "disabled",
        "accessibility",
        "booth_accessible",
        ("yes",),
        _("A booth could be used seated"),
    ),
    ShareItem(
        "disabled",
        "accessibility",
        "tactile_aids",
        ("yes",),
        _("Tactile ballot guides or magnifiers were available"),
    ),
    ShareItem(
        "assisted",
        "accessibility",
        "assisted_by",
        ("chosen_person",),
        _("Voters who needed help were assisted by a person of their choice"),
    ),
    ShareItem(
        "assisted",
        "accessibility",
        "assisted_by",
        ("same_helper", "party_or_official"),
        _("One person helped several voters, or a party agent or official helped"),
    ),
    ShareItem(
        "assisted",
        "accessibility",
        "assisted_secrecy",
        ("yes",),
        _("The secrecy of assisted votes was kept"),
    ),
    ShareItem(
        "elderly",
        "accessibility",
        "mobile_box_offered",
        ("yes",),
        _("Voting at home was offered to those who asked for it"),
    ),
    ShareItem(
        "elderly",
        "voting",
        "mobile_box_used",
        ("yes",),
        _("The mobile ballot box was used"),
    ),
    ShareItem(
        "elderly",
        "voting",
        "mobile_box_procedure",
        ("yes",),
        _("The mobile ballot box went out sealed, with two members, only to voters who asked"),
    ),
    ShareItem(
        "women",
        "opening",
        "chair_gender",
        ("woman",),
        _("The commission was chaired by a woman"),
    ),
    RatioItem(
        "women",
        "opening",
        "women_members",
        "members_present",
        _("Women among the commission members present"),
    ),
    ShareItem(
        "young",
        "voting",
        "first_time_turned_away",
        ("yes",),
        _("Young first-time voters were turned away for missing or invalid documents"),
    ),
    ShareItem(
        "young",
        "voting",
        "first_time_treated_properly",
        ("yes",),
        _("Young first-time voters were treated like any other voter"),
    ),
)
FORMS = tuple(dict.fromkeys(item.form for item in ITEMS))


@dataclass(frozen=True, slots=True)
class InclusionFinding:
    """One finding with the stations where its question was asked.

    ``figure`` is a share of stations or, for a :class:`RatioItem`, a ratio of
    the numbers counted; its ``stations`` (ratio) or ``base`` (share) are the
    stations that answered.
    """

    item: ShareItem | RatioItem
    figure: ShareFigure | RatioFigure
    asked: int

    @property
    def answered(self) -> int:
        figure = self.figure
        return figure.stations if isinstance(figure, RatioFigure) else figure.base

    @property
    def not_answered(self) -> int:
        return max(self.asked - self.answered, 0)

    @property
    def is_ratio(self) -> bool:
        return isinstance(self.figure, RatioFigure)


@dataclass(frozen=True, slots=True)
class InclusionGroup:
    code: str
    title: str | Promise
    findings: tuple[InclusionFinding, ...]


def inclusion_findings(
    scope: Scope, confidence: float = CONFIDENCE, *, forms: NewestForms | None = None
) -> list[InclusionGroup]:
    """The inclusion findings in their groups; groups with no finding are left out."""
    forms = forms if forms is not None else NewestForms()
    forms.read(list(FORMS))
    counted: dict[str, CountedAnswers] = {}
    found: dict[str, list[InclusionFinding]] = {}
    for item in ITEMS:
        form = forms.get(item.form)
        if form is None or not _asks(form, item):
            continue
        if item.form not in counted:
            counted[item.form] = counted_answers(scope, item.form)
        finding = _finding(scope, item, form, counted[item.form], confidence, forms)
        found.setdefault(item.group, []).append(finding)
    return [
        InclusionGroup(code, title, tuple(found[code])) for code, title in GROUPS if code in found
    ]


def _asks(form: NewestForm, item: ShareItem | RatioItem) -> bool:
    codes = (item.numerator, item.denominator) if isinstance(item, RatioItem) else (item.question,)
    return all(form.question(code) is not None for code in codes)


def _finding(
    scope: Scope,
    item: ShareItem | RatioItem,
    form: NewestForm,
    counted: CountedAnswers,
    confidence: float,
    forms: NewestForms,
) -> InclusionFinding:
    figure: ShareFigure | RatioFigure
    if isinstance(item, RatioItem):
        figure = ratio_of_counted(counted, item.numerator, item.denominator, confidence)
    else:
        figure = scoped_share(scope, item.form, item.question, item.values, confidence, forms=forms)
    return InclusionFinding(item, figure, _stations_asked(form, item.question, counted.answers))


def _stations_asked(form: NewestForm, question: str, answers: Sequence[dict]) -> int:
    """Counted reports whose form put the question: all, or those where it was relevant."""
    condition = (form.question(question) or {}).get("relevant")
    if not condition:
        return len(answers)
    return sum(1 for given in answers if evaluate(condition, given))


def finding_for(
    groups: Sequence[InclusionGroup], form: str, question: str, values: Sequence[str] = ()
) -> InclusionFinding | None:
    """The finding of ``groups`` about one question (and values, for a share), if shown."""
    for group in groups:
        for finding in group.findings:
            item = finding.item
            same_values = isinstance(item, RatioItem) or tuple(values) == item.values
            if item.form == form and item.question == question and same_values:
                return finding
    return None
