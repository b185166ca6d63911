"""A published statement as a printable HTML page, a PDF, and an open data package."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

from django.template.loader import render_to_string

from pollwatch.statements.models import SECTIONS, StatementVersion

FIGURE_COLUMNS = ("reference", "count", "base", "share", "low", "high", "confidence", "is_random")


def statement_html(version: StatementVersion, *, for_print: bool = False) -> str:
    sections = [
        (key, label, version.rendered.get(key, ""))
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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIGURE_COLUMNS)
    for figure in version.data.get("figures", []):
        writer.writerow([figure.get(column, "") for column in FIGURE_COLUMNS])
    return buffer.getvalue()


def data_package(version: StatementVersion) -> bytes:
    """A zip with the statement, its figures and coverage, and a datapackage.json of checksums."""
    files = {
        "statement.html": statement_html(version, for_print=True).encode("utf-8"),
        "figures.csv": figures_csv(version).encode("utf-8"),
        "coverage.json": json.dumps(
            version.data.get("coverage", {}), indent=2, ensure_ascii=False
        ).encode("utf-8"),
        "claim_check.json": json.dumps(
            version.data.get("check", {}), indent=2, ensure_ascii=False
        ).encode("utf-8"),
    }
    descriptor = {
        "name": f"statement-{version.statement_id}-v{version.number}",
        "title": str(version.statement),
        "created": version.published_at.isoformat() if version.published_at else None,
        "text_digest": version.text_digest,
        "data_digest": version.data_digest,
        "resources": [
            {
                "path": name,
                "bytes": len(content),
                "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
            }
            for name, content in files.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr("datapackage.json", json.dumps(descriptor, indent=2))
    return buffer.getvalue()
