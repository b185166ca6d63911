"""Reading CSV and XLSX files row by row, with the line number of every row.

Importers report errors by the line a person sees in a spreadsheet or a text
editor: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class TableRejected(Exception):
    """The file cannot be imported; ``problems`` lists every reason with its line."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def column_index(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None


def read_table(source: BinaryIO | Path | str, filename: str | None = None) -> Table:
    """Read a whole CSV or XLSX file; the format is chosen by the file name's suffix."""
    name = filename or str(getattr(source, "name", source))
    if name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(source)
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return _read_csv(handle.read())
    return _read_csv(source.read())


def _read_csv(raw: bytes) -> Table:
    text = _decode_utf8(raw)
    dialect = _sniff_dialect(text[:20000])
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise TableRejected([RowProblem(1, "the file is empty")]) from None
    table = Table(header=header)
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            table.rows.append((line, [cell.strip() for cell in cells]))
        line = reader.line_num + 1
    return table


def _decode_utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    problems = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(
                RowProblem(
                    number,
                    f"not valid UTF-8 (byte 0x{line[error.start]:02x} at position "
                    f"{error.start + 1}); save the file as UTF-8",
                )
            )
    raise TableRejected(problems)


def _sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _read_xlsx(source: BinaryIO | Path | str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableRejected([RowProblem(1, f"not a readable XLSX workbook ({error})")]) from error
    try:
        rows = _xlsx_rows(workbook.worksheets[0])
        try:
            _, header = next(rows)
        except StopIteration:
            raise TableRejected([RowProblem(1, "the first sheet is empty")]) from None
        table = Table(header=header)
        table.rows.extend(row for row in rows if any(row[1]))
        return table
    finally:
        workbook.close()


def _xlsx_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [_cell_text(value) for value in values]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
