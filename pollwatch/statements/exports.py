"""A published statement as a printable HTML page and a PDF (its data: ``open_data``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import override

from pollwatch.lib.downloads import csv_text
from pollwatch.statements.models import SECTIONS, StatementVersion

FIGURE_COLUMNS = ("reference", "count", "base", "share", "low", "high", "confidence", "is_random")


def statement_html(version: StatementVersion, *, for_print: bool = False) -> str:
    """The statement with its headings in its own language, whatever the reader's page speaks."""
    with override(version.statement.language):
        return _statement_html(version, for_print=for_print)


def _statement_html(version: StatementVersion, *, for_print: bool) -> str:
    sections = [
        (key, str(label), version.rendered.get(key, ""))
        for key, label in SECTIONS
        if version.rendered.get(key)
    ]
    return render_to_string(
        "statements/printable.html",
        {
            "version": version,
            "statement": version.statement,
            "mission": version.statement.mission,
            "sections": sections,
            "for_print": for_print,
        },
    )


def statement_pdf(version: StatementVersion) -> bytes:
    from weasyprint import HTML

    return HTML(string=statement_html(version, for_print=True)).write_pdf()


def figures_csv(version: StatementVersion) -> str:
    """The figures as CSV, written like every download (formulas neutralised)."""
    return csv_text(
        FIGURE_COLUMNS,
        (
            [figure.get(column, "") for column in FIGURE_COLUMNS]
            for figure in version.data.get("figures", [])
        ),
    )
