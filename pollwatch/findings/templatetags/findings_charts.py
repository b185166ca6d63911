"""Template tags that draw the findings' charts where the page lists the figures."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from pollwatch.findings import charts
from pollwatch.findings.figures import QuestionFigures
from pollwatch.forms.labels import answer_label
from pollwatch.lib.svg_charts import Chart

register = template.Library()


@register.simple_tag
def question_chart(
    question: QuestionFigures,
    label: str,
    answer_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> Chart:
    """One question's answers, by their labels (question → answer code → label), as shares
    with their confidence intervals."""
    answers = (answer_labels or {}).get(question.code)
    return charts.shares_chart(
        f"chart-q-{question.code}",
        label,
        [(answer_label(value.value, answers), value.figure) for value in question.values],
    )
