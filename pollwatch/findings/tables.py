"""Tables shown on the findings pages, and their CSV and XLSX downloads."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpResponse

from pollwatch.lib.listing import csv_response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table; ``name`` names its download (``?export=csv&table=<name>``)."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def table_download(table: Table, export: str):
    """The table as a CSV or XLSX attachment."""
    if export == "xlsx":
        return xlsx_response(table)
    return csv_response(f"{table.name}.csv", table.header, table.rows)


def xlsx_response(table: Table) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.append(list(table.header))
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{table.name}.xlsx"'
    return response


def _cell(value: object) -> object:
    return value if value is None or isinstance(value, int | float | str) else str(value)


def find_table(tables: Sequence[Table], name: str) -> Table | None:
    return next((table for table in tables if table.name == name), None)
