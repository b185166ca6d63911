"""Read PVT tallies and sampling frames from plain CSV files.

Tallies hold one row per reporting station with the votes per option and the
valid votes copied from the result protocol. A row whose figures are missing,
not whole numbers, negative or inconsistent is left out and reported with its
line number (the header is line 1), never dropped silently. Problems with the
file as a whole raise :class:`TallyFileError`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pollwatch.lib.tabular import ImportLimits, TableRejected, check_size, csv_rows, decoded_lines

_WHOLE_NUMBER = re.compile(r"\s*-?\d+\s*")
_DELIMITERS = (",", ";", "\t")
_LARGEST_COUNT = 10**12
_LONGEST_COUNT = 12  # digits: anything longer is examined row by row
_LEAST_WEIGHT = 1.0 - 1e-9  # 1/π, less rounding in the file


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
    weights : ndarray of float64, shape (n,), or None
        Design weight ``1/π`` of each usable station, when a weight column
        was named.
    """

    options: tuple[str, ...]
    votes: NDArray[np.int64]
    valid: NDArray[np.int64]
    strata: NDArray[np.str_] | None
    lines: NDArray[np.int64]
    rejected: tuple[RejectedRow, ...]
    weights: NDArray[np.float64] | None = None

    @property
    def stations(self) -> int:
        """Number of usable rows."""
        return int(self.valid.size)


def read_tallies(
    path: Path,
    options: Sequence[str],
    valid: str,
    stratum: str | None = None,
    weight: str | None = None,
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
    weight : str, optional
        Column holding each station's design weight ``1/π`` (the ``weight``
        column of ``pollwatch sample draw``): a positive number, at least 1.

    Returns
    -------
    Tallies

    Raises
    ------
    TallyFileError
        When the file cannot be read, a column is missing or named twice, or
        no row is usable.
    """
    named = [*options, valid, *([stratum] if stratum else []), *([weight] if weight else [])]
    _check_distinct(named)
    header, lines, rows = _open_table(path)
    option_at = [_column(header, name, path) for name in options]
    valid_at = _column(header, valid, path)
    stratum_at = _column(header, stratum, path) if stratum else None
    count_at = [*option_at, valid_at]
    counts, usable = _whole_numbers(rows, count_at, len(header))
    strata = _stratum_cells(rows, stratum_at, len(header))
    if strata is not None:
        usable &= strata != ""
    usable &= counts[:, :-1].sum(axis=1) <= counts[:, -1]
    weight_at = _column(header, weight, path) if weight else None
    weights, plain_weights = _weights(rows, weight_at, len(header))
    usable &= plain_weights
    rejected = []
    # Rows the vectorised check did not accept are examined one by one, to
    # say what is wrong (or to accept a number the quick check missed).
    for index in np.flatnonzero(~usable):
        row = rows[index]
        problems = _row_problems(row, header, options, option_at, valid, valid_at, stratum_at)
        if weight_at is not None and len(row) == len(header):
            weights[index], problem = _weight(row[weight_at], header[weight_at])
            problems += [problem] if problem else []
        if problems:
            rejected.append(RejectedRow(lines[index], "; ".join(problems)))
        else:
            counts[index] = [int(row[at]) for at in count_at]
            usable[index] = True
    if not usable.any():
        raise TallyFileError(
            f"{path.name}: no usable rows ({len(rejected)} left out); " + _first_problems(rejected)
        )
    return Tallies(
        options=tuple(options),
        votes=counts[usable, :-1],
        valid=counts[usable, -1],
        strata=strata[usable] if strata is not None else None,
        lines=np.array(lines, dtype=np.int64)[usable],
        rejected=tuple(rejected),
        weights=weights[usable] if weight_at is not None else None,
    )


def _weights(
    rows: list[list[str]], weight_at: int | None, width: int
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Each row's weight (1 where unusable or no column), and which rows had a usable one.

    As for the counts, the check is vectorised; :func:`_weight` says what is
    wrong with a row it did not accept.
    """
    weights = np.ones(len(rows), dtype=np.float64)
    if weight_at is None:
        return weights, np.ones(len(rows), dtype=np.bool_)
    cells = _stratum_cells(rows, weight_at, width)
    try:
        values = np.asarray(cells, dtype=np.str_).astype(np.float64)
    except ValueError:
        return weights, np.zeros(len(rows), dtype=np.bool_)
    usable = np.isfinite(values) & (values >= _LEAST_WEIGHT)
    weights[usable] = values[usable]
    return weights, usable


def _weight(text: str, name: str) -> tuple[float, str]:
    """A cell's weight, or 1 and what is wrong with it."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        return 1.0, f"{name!r} is not a number: {text!r}" if text else f"{name!r} is empty"
    if not (np.isfinite(value) and value >= _LEAST_WEIGHT):
        return 1.0, f"{name!r} is not a design weight (1/π is at least 1): {text!r}"
    return value, ""


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
    header, lines, rows = _open_table(path)
    stratum_at = _column(header, stratum, path) if stratum else None
    width = len(header)
    strata = [
        ("all" if stratum_at is None else row[stratum_at].strip()) if len(row) == width else ""
        for row in rows
    ]
    sizes = Counter(strata)
    if "" in sizes:
        bad_lines = [line for line, name in zip(lines, strata, strict=True) if not name]
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
        weights=tallies.weights[known] if tallies.weights is not None else None,
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


def _open_table(path: Path) -> tuple[list[str], list[int], list[list[str]]]:
    """Header, and the line number and fields of every non-blank row."""
    records = _records(path)
    first = next(records, None)
    if first is None:
        raise TallyFileError(f"{path.name}: the file is empty")
    header = [name.strip() for name in first[1]]
    kept = [(line, row) for line, row in records if "".join(row).strip()]
    return header, [line for line, _ in kept], [row for _, row in kept]


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The file's records with their first line, read by the shared reader within its limits."""
    limits = ImportLimits.from_settings()
    try:
        with path.open("rb") as handle:
            check_size(handle, limits)
            yield from csv_rows(decoded_lines(handle, limits), limits)
    except FileNotFoundError:
        raise TallyFileError(f"{path}: no such file") from None
    except OSError as error:
        raise TallyFileError(f"{path}: cannot be read ({error.strerror})") from None
    except TableRejected as rejected:
        raise TallyFileError(f"{path.name}, {rejected}") from None


def _whole_numbers(
    rows: list[list[str]], columns: Sequence[int], width: int
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Counts of the rows whose cells in ``columns`` are plain whole numbers.

    Returns the counts (0 where not usable) and which rows were usable.
    """
    blank = [""] * len(columns)
    cells = np.array(
        [[row[at] for at in columns] if len(row) == width else blank for row in rows],
        dtype=np.str_,
    ).reshape(len(rows), len(columns))
    cells = np.strings.strip(cells)
    plain = np.strings.isdecimal(cells) & (np.strings.str_len(cells) <= _LONGEST_COUNT)
    usable: NDArray[np.bool_] = np.asarray(plain.all(axis=1), dtype=np.bool_)
    counts = np.zeros(cells.shape, dtype=np.int64)
    try:
        counts[usable] = cells[usable].astype(np.int64)
    except ValueError:
        usable[:] = False
    return counts, usable


def _stratum_cells(
    rows: list[list[str]], stratum_at: int | None, width: int
) -> NDArray[np.str_] | None:
    """The stripped stratum of every row, "" where missing; None without a column."""
    if stratum_at is None:
        return None
    return np.array(
        [row[stratum_at].strip() if len(row) == width else "" for row in rows], dtype=np.str_
    )


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
        spans = any("\n" in field or "\r" in field for field in row)
        joined = " (a quote left open joins the following lines to this row)" if spans else ""
        return [f"{len(row)} fields where the header has {len(header)}{joined}"]
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
    if int(text) > _LARGEST_COUNT:
        return f"{name!r} is implausibly large: {int(text)}"
    return None
