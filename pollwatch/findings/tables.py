"""Tables shown on the findings pages, and their CSV and XLSX downloads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse

from pollwatch.lib.downloads import csv_response, xlsx_response


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table; ``name`` names its download (``?export=csv&table=<name>``)."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def table_download(table: Table, export: str) -> HttpResponse | StreamingHttpResponse:
    """The table as a CSV or XLSX attachment."""
    if export == "xlsx":
        return xlsx_response(f"{table.name}.xlsx", table.header, table.rows)
    return csv_response(f"{table.name}.csv", table.header, table.rows)


def find_table(tables: Sequence[Table], name: str) -> Table | None:
    return next((table for table in tables if table.name == name), None)
