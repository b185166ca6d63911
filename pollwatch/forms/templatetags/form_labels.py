"""Labels instead of codes: ``{% answer_label labels question value %}``,
``{{ code|phase_label }}``, ``{{ report|alerts_in_words }}``, and ``{{ code|label_from:names }}``
for any other code a view names (ballot options, protocol figures)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import get_language

from pollwatch.forms import labels as form_labels

register = template.Library()


@register.simple_tag
def answer_label(labels: Mapping[str, Mapping[str, str]] | None, question: str, value: Any) -> str:
    """An answer to ``question`` in words, from ``labels`` (question → answer code → label)."""
    return form_labels.answer_label(value, (labels or {}).get(question))


@register.filter
def label_from(code: Any, names: Mapping[str, str] | None) -> str:
    """``code``'s name in ``names``, or the code itself when it has none."""
    return str((names or {}).get(str(code), code))


@register.filter
def phase_label(code: str) -> str:
    return form_labels.phase_label(str(code))


@register.filter
def alerts_in_words(report: Any) -> str:
    """A report's critical alerts as "Question: Answer; ...", in its form's labels."""
    alerts = getattr(report, "alerts", None) or []
    if not alerts:
        return ""
    labels = form_labels.FormLabels.of(report.form_version.definition, _language())
    return "; ".join(labels.alert(alert) for alert in alerts)


def _language() -> str:
    return (get_language() or "en")[:2]
