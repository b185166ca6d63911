"""A published statement as an open data package (Frictionless Data Package v1).

The zip holds ``datapackage.json``, each table as a CSV file with its Table
Schema, the same tables as one XLSX workbook for people who open them in a
spreadsheet, the printable statement and the nested JSON it was built from.
Every file is listed with its size and SHA-256, so a copy can be checked
without trusting whoever passed it on. The descriptor also holds the audit
chain's head at publication (``pollwatch.audit.chain``): whoever keeps it can
later show that the audit trail up to the statement was not changed.
Tables are written by the project's one download writer
(``pollwatch.lib.downloads``), so a text that a spreadsheet would run as a
formula carries a leading quote, in the CSV files as in the workbook.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pollwatch.lib.downloads import XLSX_TYPE, csv_text, xlsx_workbook_bytes
from pollwatch.statements.exports import statement_html
from pollwatch.statements.models import StatementVersion

PROFILE = "data-package"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema field type: string, integer, number, boolean
    description: str = ""

    def as_field(self) -> dict[str, str]:
        field = {"name": self.name, "type": self.type}
        if self.description:
            field["description"] = self.description
        return field


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


FIGURE_COLUMNS = (
    Column("reference", "string", "the figure's reference in the statement's text"),
    Column("count", "integer", "stations whose report gives one of the values"),
    Column("base", "integer", "stations whose report answered the question"),
    Column("share", "number", "the share, a fraction (weighted by the design when random)"),
    Column("low", "number", "lower end of the confidence interval; empty when not random"),
    Column("high", "number", "upper end of the confidence interval; empty when not random"),
    Column("confidence", "number", "confidence level of the interval"),
    Column("is_random", "boolean", "whether the stations were drawn at random"),
    Column("outside_sample", "integer", "stations reported on outside the random plan"),
)
CLAIM_COLUMNS = (
    Column("sentence", "string"),
    Column("kind", "string", "the kind of categorical claim"),
    Column("supported", "boolean", "whether what the mission saw supports it"),
    Column("reason", "string"),
    Column("suggestion", "string"),
)
CRITERION_COLUMNS = (
    Column("name", "string"),
    Column("met", "boolean"),
    Column("evidence", "string"),
)


def statement_tables(version: StatementVersion) -> list[Table]:
    """The statement's published data as typed tables."""
    data = version.data
    check = data.get("check", {})
    return [
        _table("figures", "Figures quoted in the statement", FIGURE_COLUMNS, data.get("figures")),
        _coverage_table(data.get("coverage", {})),
        _table("claims", "Claims found by the claim check", CLAIM_COLUMNS, check.get("claims")),
        _table("criteria", "Criteria of the claim check", CRITERION_COLUMNS, check.get("criteria")),
    ]


def _table(
    name: str, title: str, columns: Sequence[Column], records: list[dict[str, Any]] | None
) -> Table:
    rows = tuple(tuple(record.get(c.name) for c in columns) for record in records or [])
    return Table(name, title, tuple(columns), rows)


def _coverage_table(coverage: dict[str, Any]) -> Table:
    """The coverage's single figures as one row; lists and phases stay in coverage.json."""
    scalars = {
        key: value
        for key, value in coverage.items()
        if value is None or isinstance(value, bool | int | float | str)
    }
    columns = tuple(Column(key, _field_type(value)) for key, value in scalars.items())
    return Table("coverage", "What the mission covered", columns, (tuple(scalars.values()),))


def _field_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def data_package(version: StatementVersion) -> bytes:
    """The zip: datapackage.json, a CSV per table, the workbook, the statement and its JSON."""
    tables = statement_tables(version)
    csv_files = {f"{table.name}.csv": _csv_bytes(table) for table in tables}
    other_files = {
        "statement.xlsx": statement_workbook(version, tables),
        "statement.html": statement_html(version, for_print=True).encode("utf-8"),
        "coverage.json": _json_bytes(version.data.get("coverage", {})),
        "claim_check.json": _json_bytes(version.data.get("check", {})),
    }
    descriptor = package_descriptor(version, tables, csv_files, other_files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False))
        for name, content in {**csv_files, **other_files}.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def package_descriptor(
    version: StatementVersion,
    tables: list[Table],
    csv_files: dict[str, bytes],
    other_files: dict[str, bytes],
) -> dict[str, Any]:
    statement = version.statement
    tabular = [
        {
            **_file_resource(f"{table.name}.csv", csv_files[f"{table.name}.csv"]),
            "title": table.title,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": [column.as_field() for column in table.columns]},
        }
        for table in tables
    ]
    others = [
        {**_file_resource(name, content), **_format_of(name)}
        for name, content in other_files.items()
    ]
    descriptor = {
        "profile": PROFILE,
        "name": f"statement-{version.statement_id}-v{version.number}",
        "title": str(statement.title),
        "description": f"{statement.mission.name}: {statement.get_kind_display()}, "
        f"version {version.number}",
        "created": version.published_at.isoformat() if version.published_at else None,
        "text_digest": version.text_digest,
        "data_digest": version.data_digest,
        "audit_chain_head": version.data.get("audit_chain_head"),
        "resources": tabular + others,
    }
    # A statement published before the audit chain existed has no head to give.
    return {key: value for key, value in descriptor.items() if value is not None}


def _file_resource(path: str, content: bytes) -> dict[str, Any]:
    return {
        "name": path.rsplit(".", 1)[0].lower().replace("_", "-")
        + ("" if path.endswith(".csv") else f"-{path.rsplit('.', 1)[1]}"),
        "path": path,
        "bytes": len(content),
        "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
    }


def _format_of(name: str) -> dict[str, str]:
    extension = name.rsplit(".", 1)[1]
    media = {"xlsx": XLSX_TYPE, "html": "text/html", "json": "application/json"}[extension]
    return {"format": extension, "mediatype": media}


def statement_workbook(version: StatementVersion, tables: list[Table] | None = None) -> bytes:
    """The tables as sheets, after a first sheet saying what the workbook is and its digests."""
    tables = tables if tables is not None else statement_tables(version)
    sheets: dict[str, tuple[Sequence[object], Any]] = {
        "about": (["item", "value"], _about(version))
    }
    for table in tables:
        sheets[table.name] = (table.header, table.rows)
    return xlsx_workbook_bytes(sheets)


def _about(version: StatementVersion) -> list[tuple[str, object]]:
    head = version.data.get("audit_chain_head") or {}
    return [
        ("statement", str(version.statement.title)),
        ("mission", str(version.statement.mission.name)),
        ("version", version.number),
        ("published", version.published_at.isoformat() if version.published_at else ""),
        ("SHA-256 of the text", version.text_digest),
        ("SHA-256 of the data", version.data_digest),
        ("audit chain head at publication", head.get("sha256", "")),
        ("audit chain head sealed at", head.get("sealed_at", "")),
        ("audit chain length at publication", head.get("position", "")),
    ]


def _csv_bytes(table: Table) -> bytes:
    return csv_text(table.header, table.rows).encode("utf-8")


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")
