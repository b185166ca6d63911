"""Sampling frames and samples as plain CSV files, for analysts without the application.

Reading checks the file and names the lines of every bad row; writing keeps
every input column and adds the stratum, the inclusion probability and the
design weight of each sampled row.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pollwatch.lib.downloads import write_csv
from pollwatch.lib.tabular import ImportLimits, TableRejected, check_size, csv_rows, decoded_lines
from pollwatch.stats.sampling import SampleDraw

__all__ = [
    "ADDED_COLUMNS",
    "RESERVE_COLUMNS",
    "CsvFrame",
    "FrameError",
    "check_added_columns",
    "read_frame",
    "write_reserve",
    "write_sample",
]

ADDED_COLUMNS = ("stratum", "inclusion_probability", "weight")
RESERVE_COLUMNS = ("stratum", "reserve_rank")
_MAX_LISTED_LINES = 10


class FrameError(Exception):
    """A frame file a user gave cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class CsvFrame:
    """A sampling frame read from CSV.

    Attributes
    ----------
    header : tuple of str
        Column names, in file order.
    rows : tuple of tuple of str
        The data rows.
    lines : tuple of int
        The file line on which each row ends (the header is line 1).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]

    def column(self, name: str) -> list[str]:
        """The values of one column; a missing column is a :class:`FrameError`."""
        if name not in self.header:
            raise FrameError(
                f"the frame has no column {name!r}; its columns are: {', '.join(self.header)}"
            )
        position = self.header.index(name)
        return [row[position] for row in self.rows]

    def text_column(self, name: str) -> list[str]:
        """A column whose every value must be non-blank (a stratum, an area)."""
        values = self.column(name)
        blank = [line for line, value in zip(self.lines, values, strict=True) if not value.strip()]
        if blank:
            raise FrameError(f"column {name!r} is empty on {_lines_text(blank)}")
        return values

    def number_column(self, name: str, *, positive: bool = False) -> NDArray[np.float64]:
        """A numeric column; bad (or, if ``positive``, non-positive) values name their lines."""
        numbers, bad = [], []
        for line, value in zip(self.lines, self.column(name), strict=True):
            number = _parse_number(value)
            if number is None or (positive and not number > 0):
                bad.append(line)
            numbers.append(number if number is not None else np.nan)
        if bad:
            need = "a positive number" if positive else "a number"
            raise FrameError(f"column {name!r} needs {need} on {_lines_text(bad)}")
        return np.asarray(numbers, dtype=np.float64)


def read_frame(path: Path) -> CsvFrame:
    """Read a UTF-8 CSV frame with a header row.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    CsvFrame

    Raises
    ------
    FrameError
        When the file cannot be read, is not UTF-8 CSV, has a bad header, rows
        with the wrong number of fields, or no rows.
    """
    records = _records(path)
    header = tuple(name.strip() for name in next(records, (1, []))[1])
    _check_header(header)
    rows, lines, ragged = [], [], []
    for line, row in records:
        if not any(field.strip() for field in row):
            continue
        if len(row) != len(header):
            ragged.append(line)
        rows.append(tuple(row))
        lines.append(line)
    if ragged:
        raise FrameError(
            f"the header has {len(header)} columns but {_lines_text(ragged)} "
            f"{'has' if len(ragged) == 1 else 'have'} a different number of fields"
        )
    if not rows:
        raise FrameError("the frame has a header but no stations")
    return CsvFrame(header=header, rows=tuple(rows), lines=tuple(lines))


def write_sample(path: Path, frame: CsvFrame, draw: SampleDraw) -> int:
    """Write the sampled rows with their stratum, inclusion probability and weight.

    Returns
    -------
    int
        Rows written.
    """
    check_added_columns(frame, ADDED_COLUMNS)
    labels = draw.stratum_labels
    rows = (
        [
            *frame.rows[position],
            labels[draw.stratum_of_unit[position]],
            repr(float(draw.inclusion_probabilities[position])),
            repr(1.0 / float(draw.inclusion_probabilities[position])),
        ]
        for position in draw.selected
    )
    with _open_output(path) as out:
        return write_csv(out, [*frame.header, *ADDED_COLUMNS], rows)


def write_reserve(path: Path, frame: CsvFrame, draw: SampleDraw) -> int:
    """Write the reserve rows with their stratum and their rank of use in it.

    Returns
    -------
    int
        Rows written.
    """
    check_added_columns(frame, RESERVE_COLUMNS)
    rows = (
        [*frame.rows[position], stratum.label, rank]
        for stratum in draw.strata
        for rank, position in enumerate(stratum.reserve, start=1)
    )
    with _open_output(path) as out:
        return write_csv(out, [*frame.header, *RESERVE_COLUMNS], rows)


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The file's records with their first line, read within the import limits."""
    limits = ImportLimits.from_settings()
    try:
        with path.open("rb") as handle:
            check_size(handle, limits)
            yield from csv_rows(decoded_lines(handle, limits), limits)
    except OSError as error:
        raise FrameError(f"cannot read {path}: {error.strerror}") from error
    except TableRejected as rejected:
        raise FrameError(str(rejected)) from None


def _check_header(header: Sequence[str]) -> None:
    if not header:
        raise FrameError("the file is empty; it needs a header row naming the columns")
    if any(not name for name in header):
        raise FrameError("line 1: the header has a column without a name")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise FrameError(f"line 1: the header repeats the column(s) {', '.join(duplicates)}")


def check_added_columns(frame: CsvFrame, added: Sequence[str]) -> None:
    """Refuse a frame that already has a column the output would add."""
    clash = [name for name in added if name in frame.header]
    if clash:
        raise FrameError(
            f"the frame already has column(s) {', '.join(clash)}, which the sample adds; "
            "rename them first"
        )


def _open_output(path: Path) -> io.TextIOWrapper:
    try:
        return path.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise FrameError(f"cannot write {path}: {error.strerror}") from error


def _parse_number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def _lines_text(lines: Sequence[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:_MAX_LISTED_LINES])
    more = f" and {len(lines) - _MAX_LISTED_LINES} more" if len(lines) > _MAX_LISTED_LINES else ""
    return f"line{'s' if len(lines) > 1 else ''} {shown}{more}"
