"""Template tags that draw the findings' charts where the page lists the figures."""

from __future__ import annotations

from django import template

from pollwatch.findings import charts
from pollwatch.findings.figures import QuestionFigures
from pollwatch.lib.svg_charts import Chart

register = template.Library()


@register.simple_tag
def question_chart(question: QuestionFigures, label: str) -> Chart:
    """One question's answers as shares with their confidence intervals."""
    return charts.shares_chart(
        f"chart-q-{question.code}",
        label,
        [(str(value.value), value.figure) for value in question.values],
    )
