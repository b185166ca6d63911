"""Reading CSV and XLSX files row by row, with the line number of every row.

Importers report errors by the line a person sees in a spreadsheet or a text
editor: the header is line 1, the first data row line 2.

Every import of the application reads its files here, within three limits
(Django settings, overridable by environment): the bytes of the file
(``POLLWATCH_IMPORT_MAX_BYTES``), its rows (``POLLWATCH_IMPORT_MAX_ROWS``) and,
for a zip or XLSX, the size its members unpack to
(``POLLWATCH_IMPORT_MAX_UNPACKED_BYTES``). A file is read as a stream and
refused as soon as it passes a limit; a zip or XLSX is refused from its
directory, before anything is unpacked, since a small file can unpack to
gigabytes. CSV is read with standard quoting (a doubled quote inside a quoted
field is one quote); the delimiter is the one of comma, semicolon and tab
that splits the first lines into the same number of columns.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

from pollwatch.lib.catalogues import current_language
from pollwatch.lib.catalogues import gettext as _
from pollwatch.lib.numbers_in_text import format_count

DELIMITERS = (",", ";", "\t")
# Lines read to choose the delimiter: enough for a quoted field to show its columns.
SNIFF_LINES = 50

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 2_000_000
DEFAULT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024


def _count(value: int) -> str:
    return format_count(value, current_language())


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s: %(problem)s") % {"line": self.line, "problem": self.reason}


class TableRejected(Exception):
    """The file cannot be imported; ``problems`` lists every reason with its line."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """How much one imported file may hold; see the module's docstring."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES

    @classmethod
    def from_settings(cls) -> ImportLimits:
        from django.conf import settings

        if not settings.configured:
            return cls()
        return cls(
            max_bytes=getattr(settings, "POLLWATCH_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
            max_rows=getattr(settings, "POLLWATCH_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS),
            max_unpacked_bytes=getattr(
                settings, "POLLWATCH_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES
            ),
        )

    def too_large(self, line: int = 1) -> TableRejected:
        return TableRejected(
            [
                RowProblem(
                    line,
                    _(
                        "the file is larger than the import limit of %(limit)s bytes "
                        "(POLLWATCH_IMPORT_MAX_BYTES)"
                    )
                    % {"limit": _count(self.max_bytes)},
                )
            ]
        )

    def too_many_rows(self, line: int) -> TableRejected:
        return TableRejected(
            [
                RowProblem(
                    line,
                    _(
                        "the file has more than the import limit of %(limit)s rows "
                        "(POLLWATCH_IMPORT_MAX_ROWS)"
                    )
                    % {"limit": _count(self.max_rows)},
                )
            ]
        )


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def column_index(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None


def read_table(
    source: BinaryIO | Path | str, filename: str | None = None, limits: ImportLimits | None = None
) -> Table:
    """Read a CSV or XLSX file; the format is chosen by the file name's suffix."""
    limits = limits or ImportLimits.from_settings()
    name = filename or str(getattr(source, "name", source))
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return read_table(handle, name, limits)
    check_size(source, limits)
    if name.lower().endswith((".xlsx", ".xlsm")):
        return _table_of(
            ((line, [_cell_text(v) for v in values]) for line, values in xlsx_rows(source, limits)),
            empty=_("the first sheet is empty"),
        )
    return _table_of(csv_rows(decoded_lines(source, limits), limits), empty=_("the file is empty"))


def _table_of(rows: Iterator[tuple[int, list[str]]], *, empty: str) -> Table:
    try:
        _, header = next(rows)
    except StopIteration:
        raise TableRejected([RowProblem(1, empty)]) from None
    table = Table(header=[cell.strip() for cell in header])
    table.rows.extend(
        (line, [cell.strip() for cell in cells])
        for line, cells in rows
        if any(cell.strip() for cell in cells)
    )
    return table


# Limits -----------------------------------------------------------------------------


def check_size(source: BinaryIO, limits: ImportLimits) -> None:
    """Refuse a file whose size is known to be over the limit before reading it."""
    size = getattr(source, "size", None)
    if size is None and source.seekable():
        position = source.tell()
        size = source.seek(0, io.SEEK_END) - position
        source.seek(position)
    if size is not None and size > limits.max_bytes:
        raise limits.too_large()


def read_limited(source: BinaryIO, limits: ImportLimits) -> bytes:
    """All of a file's bytes, refused once they pass the byte limit."""
    check_size(source, limits)
    raw = source.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise limits.too_large()
    return raw


def read_limited_from(source: str | Path | bytes | BinaryIO, limits: ImportLimits) -> bytes:
    """``read_limited`` of a path, bytes already in memory, or an open binary file."""
    if isinstance(source, bytes):
        return read_limited(io.BytesIO(source), limits)
    if isinstance(source, str | Path):
        with Path(source).open("rb") as handle:
            return read_limited(handle, limits)
    return read_limited(source, limits)


def check_unpacked_size(archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    """Refuse a zip (an XLSX is one) whose members would unpack to more than the limit.

    The sizes come from the zip's directory; a member that claims less than it
    holds is cut off by :mod:`zipfile` itself, which checks each member's size
    and CRC as it unpacks.
    """
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > limits.max_unpacked_bytes:
        raise TableRejected(
            [
                RowProblem(
                    1,
                    _(
                        "the file unpacks to %(size)s bytes, more than the import limit of "
                        "%(limit)s (POLLWATCH_IMPORT_MAX_UNPACKED_BYTES)"
                    )
                    % {"size": _count(unpacked), "limit": _count(limits.max_unpacked_bytes)},
                )
            ]
        )


def open_archive(source: BinaryIO, limits: ImportLimits) -> zipfile.ZipFile:
    """The zip in ``source``, its unpacked size checked; refused when it is not a zip."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise TableRejected(
            [RowProblem(1, _("not a readable zip or XLSX file (%(error)s)") % {"error": error})]
        ) from None
    check_unpacked_size(archive, limits)
    return archive


# CSV ---------------------------------------------------------------------------------


def decoded_lines(
    source: Iterable[bytes], limits: ImportLimits, encodings: tuple[str, ...] = ("utf-8",)
) -> Iterator[str]:
    """The file's lines as text, line endings kept, read a line at a time.

    Each line is decoded with the first of ``encodings`` that fits the first
    line that needs more than ASCII. Lines that fit none are all named, with
    their first bad byte, once the whole file has been read.
    """
    read, problems, chosen = 0, [], None
    for number, raw in enumerate(source, start=1):
        read += len(raw)
        if read > limits.max_bytes:
            raise limits.too_large(number)
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if chosen is None and not raw.isascii():
            chosen = next((e for e in encodings if _decodes(raw, e)), encodings[0])
        try:
            yield from _universal_lines(raw.decode(chosen or "ascii"))
        except UnicodeDecodeError as error:
            problems.append(
                RowProblem(
                    number,
                    _(
                        "not valid %(encoding)s (byte 0x%(byte)s at position %(position)s); "
                        "save the file as UTF-8"
                    )
                    % {
                        "encoding": _encoding_names(encodings),
                        "byte": f"{raw[error.start]:02x}",
                        "position": error.start + 1,
                    },
                )
            )
            yield from _universal_lines(raw.decode(chosen or "ascii", errors="replace"))
    if problems:
        raise TableRejected(problems)


_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def _universal_lines(text: str) -> Iterator[str]:
    """A carriage return alone ends a line too, as in files from old spreadsheets."""
    if "\r" not in text:
        yield text
    else:
        yield from (part for part in _LONE_CR.split(text) if part)


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _encoding_names(encodings: tuple[str, ...]) -> str:
    return " or ".join(e.upper() if e.startswith("utf") else e for e in encodings)


def csv_rows(lines: Iterable[str], limits: ImportLimits) -> Iterator[tuple[int, list[str]]]:
    """Each record (header first) with the line it starts on; stops past the row limit."""
    lines = iter(lines)
    sample = list(islice(lines, SNIFF_LINES))
    reader = csv.reader(chain(sample, lines), delimiter=choose_delimiter(sample))
    line = 1
    try:
        for count, cells in enumerate(reader):
            if count > limits.max_rows:
                raise limits.too_many_rows(line)
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise TableRejected(
            [RowProblem(reader.line_num, _("not valid CSV (%(error)s)") % {"error": error})]
        ) from None


def choose_delimiter(sample_lines: list[str]) -> str:
    """The delimiter that splits the sample's records into the header's number of columns.

    Each candidate is tried with standard quoting, so a delimiter inside a
    quoted field does not count; ties go to the comma, then the semicolon.
    """

    def agreement(delimiter: str) -> tuple[int, int]:
        try:
            records = [r for r in csv.reader(sample_lines, delimiter=delimiter) if r]
        except csv.Error:
            return (0, 0)
        if not records or len(records[0]) < 2:
            return (0, 0)
        width = len(records[0])
        return (sum(len(record) == width for record in records), width)

    scores = {delimiter: agreement(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best][0] else ","


# XLSX --------------------------------------------------------------------------------


def xlsx_rows(source: BinaryIO, limits: ImportLimits) -> Iterator[tuple[int, list[object]]]:
    """The first sheet's rows as cell values, with their row numbers, read as a stream."""
    from openpyxl import load_workbook

    open_archive(source, limits).close()
    source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableRejected(
            [RowProblem(1, _("not a readable XLSX workbook (%(error)s)") % {"error": error})]
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > limits.max_rows + 1:
                raise limits.too_many_rows(number)
            yield number, list(values)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
