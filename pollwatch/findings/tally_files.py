"""Read PVT tallies and sampling frames from plain CSV files.

Tallies hold one row per reporting station with the votes per option and the
valid votes copied from the result protocol. A row whose figures are missing,
not whole numbers, negative or inconsistent is left out and reported with its
line number (the header is line 1), never dropped silently. Problems with the
file as a whole raise :class:`TallyFileError`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

_WHOLE_NUMBER = re.compile(r"\s*-?\d+\s*")
_DELIMITERS = (",", ";", "\t")


class TallyFileError(Exception):
    """A tallies or frame file that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row left out of the estimate.

    Attributes
    ----------
    line : int
        Line number in the file, the header being line 1.
    reason : str
        What is wrong with the row.
    """

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Tallies:
    """The usable rows of a tallies file.

    Attributes
    ----------
    options : tuple of str
        Option columns, in the order asked for.
    votes : ndarray of int64, shape (n, k)
        Votes per option at each usable station.
    valid : ndarray of int64, shape (n,)
        Valid votes at each usable station.
    strata : ndarray of str, shape (n,), or None
        Stratum of each usable station, when a stratum column was named.
    lines : ndarray of int64, shape (n,)
        Line number of each usable row.
    rejected : tuple of RejectedRow
        Rows left out, in file order.
    """

    options: tuple[str, ...]
    votes: NDArray[np.int64]
    valid: NDArray[np.int64]
    strata: NDArray[np.str_] | None
    lines: NDArray[np.int64]
    rejected: tuple[RejectedRow, ...]

    @property
    def stations(self) -> int:
        """Number of usable rows."""
        return int(self.valid.size)


def read_tallies(
    path: Path, options: Sequence[str], valid: str, stratum: str | None = None
) -> Tallies:
    """Read a tallies file, keeping the usable rows and reporting the others.

    Parameters
    ----------
    path : Path
        CSV file (UTF-8, comma, semicolon or tab separated) with a header.
    options : sequence of str
        Columns holding the votes for each option.
    valid : str
        Column holding the valid votes.
    stratum : str, optional
        Column holding the stratum of each station.

    Returns
    -------
    Tallies

    Raises
    ------
    TallyFileError
        When the file cannot be read, a column is missing or named twice, or
        no row is usable.
    """
    _check_distinct([*options, valid, *([stratum] if stratum else [])])
    header, rows = _open_table(path)
    option_at = [_column(header, name, path) for name in options]
    valid_at = _column(header, valid, path)
    stratum_at = _column(header, stratum, path) if stratum else None
    kept_votes, kept_valid, kept_strata, kept_lines, rejected = [], [], [], [], []
    for line, row in rows:
        problems = _row_problems(row, header, options, option_at, valid, valid_at, stratum_at)
        if problems:
            rejected.append(RejectedRow(line, "; ".join(problems)))
            continue
        kept_votes.append([int(row[at]) for at in option_at])
        kept_valid.append(int(row[valid_at]))
        kept_strata.append(row[stratum_at].strip() if stratum_at is not None else "")
        kept_lines.append(line)
    if not kept_valid:
        raise TallyFileError(
            f"{path.name}: no usable rows ({len(rejected)} left out); " + _first_problems(rejected)
        )
    return Tallies(
        options=tuple(options),
        votes=np.array(kept_votes, dtype=np.int64).reshape(len(kept_valid), len(options)),
        valid=np.array(kept_valid, dtype=np.int64),
        strata=np.array(kept_strata) if stratum_at is not None else None,
        lines=np.array(kept_lines, dtype=np.int64),
        rejected=tuple(rejected),
    )


def read_frame(path: Path, stratum: str | None = None) -> dict[str, int]:
    """Count the stations of a sampling frame, per stratum.

    Parameters
    ----------
    path : Path
        CSV file listing every station of the country, one per row.
    stratum : str, optional
        Column holding the stratum; without it all stations form one
        stratum named ``"all"``.

    Returns
    -------
    dict of str to int
        ``N_h``, stations per stratum.

    Raises
    ------
    TallyFileError
        When the file cannot be read, the column is missing, a row has no
        stratum or the wrong number of fields, or the frame is empty.
    """
    header, rows = _open_table(path)
    stratum_at = _column(header, stratum, path) if stratum else None
    sizes: Counter[str] = Counter()
    bad_lines = []
    for line, row in rows:
        if len(row) != len(header) or (stratum_at is not None and not row[stratum_at].strip()):
            bad_lines.append(line)
            continue
        sizes[row[stratum_at].strip() if stratum_at is not None else "all"] += 1
    if bad_lines:
        shown = ", ".join(str(line) for line in bad_lines[:20])
        more = f" and {len(bad_lines) - 20} more" if len(bad_lines) > 20 else ""
        raise TallyFileError(
            f"{path.name}: rows without a stratum or with the wrong number of fields "
            f"on lines {shown}{more}; every station of the frame needs one"
        )
    if not sizes:
        raise TallyFileError(f"{path.name}: the frame lists no stations")
    return dict(sizes)


def match_frame(tallies: Tallies, frame: Mapping[str, int]) -> Tallies:
    """Leave out rows whose stratum the frame does not know, and check sizes.

    Parameters
    ----------
    tallies : Tallies
        Tallies with strata (or without, for a single-stratum frame).
    frame : mapping of str to int
        ``N_h`` from :func:`read_frame`.

    Returns
    -------
    Tallies
        The rows whose stratum is in the frame; the others join ``rejected``.

    Raises
    ------
    TallyFileError
        When a stratum has more reporting stations than the frame lists, or
        no row is left.
    """
    if tallies.strata is None:
        if len(frame) != 1:
            raise TallyFileError("the frame has strata: name the tallies' stratum column too")
        total = next(iter(frame.values()))
        if tallies.stations > total:
            raise TallyFileError(
                f"{tallies.stations} reporting stations but the frame lists only {total}"
            )
        return tallies
    known = np.isin(tallies.strata, list(frame))
    rejected = [
        RejectedRow(int(line), f"stratum {str(name)!r} is not in the frame")
        for line, name in zip(tallies.lines[~known], tallies.strata[~known], strict=True)
    ]
    kept = replace(
        tallies,
        votes=tallies.votes[known],
        valid=tallies.valid[known],
        strata=tallies.strata[known],
        lines=tallies.lines[known],
        rejected=tuple(sorted([*tallies.rejected, *rejected], key=lambda row: row.line)),
    )
    if kept.stations == 0:
        raise TallyFileError("no reporting station belongs to a stratum of the frame")
    _check_frame_sizes(kept, frame)
    return kept


def _check_frame_sizes(tallies: Tallies, frame: Mapping[str, int]) -> None:
    assert tallies.strata is not None
    labels, counts = np.unique(tallies.strata, return_counts=True)
    over = [
        f"{label} ({count} reporting, {frame[str(label)]} in the frame)"
        for label, count in zip(labels, counts, strict=True)
        if count > frame[str(label)]
    ]
    if over:
        raise TallyFileError(f"more reporting stations than the frame lists: {', '.join(over)}")


def _first_problems(rejected: Sequence[RejectedRow], shown: int = 5) -> str:
    listed = "; ".join(f"line {row.line}: {row.reason}" for row in rejected[:shown])
    more = f"; and {len(rejected) - shown} more" if len(rejected) > shown else ""
    return (listed + more) if listed else "the file has a header but no rows"


def _check_distinct(columns: Sequence[str]) -> None:
    repeated = sorted(name for name, count in Counter(columns).items() if count > 1)
    if repeated:
        raise TallyFileError(f"columns named more than once: {', '.join(repeated)}")


def _open_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TallyFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise TallyFileError(
            f"{path.name}: not UTF-8 text (bad byte at offset {error.start})"
        ) from None
    except OSError as error:
        raise TallyFileError(f"{path}: cannot be read ({error.strerror})") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise TallyFileError(f"{path.name}: the file is empty") from None
    except csv.Error as error:
        raise TallyFileError(f"{path.name}, line 1: {error}") from None
    return header, _numbered_rows(reader, path)


def _numbered_rows(reader: Iterator[list[str]], path: Path) -> Iterator[tuple[int, list[str]]]:
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise TallyFileError(f"{path.name}, line {line + 1}: {error}") from None
        start = line + 1
        line = reader.line_num  # type: ignore[attr-defined]
        if any(field.strip() for field in row):
            yield start, row


def _column(header: list[str], name: str, path: Path) -> int:
    if header.count(name) > 1:
        raise TallyFileError(f"{path.name}: the header has several columns named {name!r}")
    if name not in header:
        raise TallyFileError(
            f"{path.name}: no column {name!r}; the columns are: {', '.join(header)}"
        )
    return header.index(name)


def _row_problems(
    row: list[str],
    header: list[str],
    options: Sequence[str],
    option_at: Sequence[int],
    valid: str,
    valid_at: int,
    stratum_at: int | None,
) -> list[str]:
    if len(row) != len(header):
        return [f"{len(row)} fields where the header has {len(header)}"]
    problems = [
        problem
        for name, at in [*zip(options, option_at, strict=True), (valid, valid_at)]
        if (problem := _count_problem(name, row[at]))
    ]
    if stratum_at is not None and not row[stratum_at].strip():
        problems.append(f"{header[stratum_at]!r} is empty")
    if not problems:
        option_votes = sum(int(row[at]) for at in option_at)
        if option_votes > int(row[valid_at]):
            problems.append(
                f"votes for the options ({option_votes}) exceed the valid votes "
                f"({int(row[valid_at])})"
            )
    return problems


def _count_problem(name: str, text: str) -> str | None:
    if not text.strip():
        return f"{name!r} is empty"
    if not _WHOLE_NUMBER.fullmatch(text):
        return f"{name!r} is not a whole number: {text.strip()!r}"
    if int(text) < 0:
        return f"{name!r} is negative: {int(text)}"
    return None
