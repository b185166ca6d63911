"""The one writer of CSV and XLSX downloads, safe to open in a spreadsheet.

A spreadsheet evaluates a cell whose text starts with ``=``, ``+``, ``-`` or
``@`` (and, in some programs, a tab or carriage return) as a formula, so a
station code such as ``=IMPORTXML(...)`` typed into an import could run in the
office of whoever opens the export. Every such text cell is written with a
single quote in front, OWASP's rule for CSV injection; numbers are left as
numbers, and a text that is just a number (``-12``, ``+3.5``) is not a formula
and stays as it is. XLSX text cells are always written as strings, never
as formulas, whatever they hold.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from django.http import HttpResponse, StreamingHttpResponse

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# XML 1.0 cannot hold these control characters; openpyxl refuses a cell that has them.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _RowWriter(Protocol):
    """What :func:`csv.writer` returns."""

    def writerow(self, row: Iterable[Any], /) -> Any: ...


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_cell(value: object) -> object:
    """A cell value for a download: numbers and empty cells as they are, anything else as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return safe_text(value if isinstance(value, str) else str(value))


def write_csv(out: IO[str], header: Sequence[object], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows to ``out``; returns the number of rows written."""
    writer = csv.writer(out, lineterminator="\n")
    return sum(1 for _ in csv_lines(header, rows, writer=writer)) - 1


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV file as text, for files built in memory (zips, packages)."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[object], rows: Iterable[Sequence[object]], *, writer: _RowWriter | None = None
) -> Iterator[str]:
    """Each line of the CSV, made safe, as the writer returns it."""
    writer = writer or csv.writer(_Echo())
    yield writer.writerow([safe_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(
    filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """Stream a CSV download row by row, so a national registry never sits in memory."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(
    sheet_name: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> bytes:
    """A workbook of one sheet; text cells are strings, never formulas."""
    return xlsx_workbook_bytes({sheet_name: (header, rows)})


def xlsx_workbook_bytes(
    sheets: dict[str, tuple[Sequence[object], Iterable[Sequence[object]]]],
) -> bytes:
    """A workbook with one sheet per ``name: (header, rows)``, in order; text never a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet_name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=_sheet_title(sheet_name))
        sheet.append(_xlsx_row(sheet, header))
        for row in rows:
            sheet.append(_xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """An XLSX attachment named ``filename`` with one sheet named after it."""
    sheet_name = filename.rsplit(".", 1)[0]
    response = HttpResponse(xlsx_bytes(sheet_name, header, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_row(sheet: WriteOnlyWorksheet, values: Sequence[object]) -> list[object]:
    from openpyxl.cell import WriteOnlyCell

    cells: list[object] = []
    for value in values:
        safe = safe_cell(value)
        if not isinstance(safe, str):
            cells.append(safe)
            continue
        cell = WriteOnlyCell(sheet, value=_NOT_IN_XML.sub("\ufffd", safe))
        # openpyxl reads a leading "=" as a formula; a download never holds one.
        cell.data_type = "s"
        cells.append(cell)
    return cells


def _sheet_title(name: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"
