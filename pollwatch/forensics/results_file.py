"""Read official per-station results from CSV or XLSX into arrays.

Columns are named by a mapping (from command-line options or a TOML file);
without one, the Russian election commission's protocol layout is recognised
by the meaning of its header texts. Rows that cannot be used are reported
with their line numbers.
"""

from __future__ import annotations

import io
import os
import re
import tomllib
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from pollwatch.lib.tabular import (
    ImportLimits,
    TableRejected,
    check_unpacked_size,
    csv_rows,
    read_limited,
    xlsx_rows,
)

IntArray = npt.NDArray[np.int64]
Source = str | os.PathLike[str] | IO[bytes] | IO[str]

#: Rows read before deciding which unnamed columns hold votes.
SAMPLE_ROWS = 50


class ResultsFileError(Exception):
    """A results file or its column mapping cannot be used; the message says why."""


#: Figures that can be derived from others, and how.
DERIVATIONS = {"valid": ("sum",)}


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which header names hold which figure.

    Attributes
    ----------
    registered : str
        Registered voters.
    given : tuple of str
        Ballots issued, added up (early, at the station, outside...); empty
        when the file has none, and then the tests that need turnout do not run.
    valid : str or None
        Valid ballots; None when derived (see ``derive``).
    invalid : str or None
        Invalid ballots (none: taken as 0).
    options : tuple of str
        Votes per option (party, candidate, answer).
    areas : tuple of str
        Area columns from the largest to the smallest (region, district...).
    station : str or None
        Station number or code.
    derive : tuple of str
        Figures computed instead of read: ``"valid"`` is the sum of the options.
    """

    registered: str
    given: tuple[str, ...]
    valid: str | None
    invalid: str | None
    options: tuple[str, ...]
    areas: tuple[str, ...] = ()
    station: str | None = None
    derive: tuple[str, ...] = ()

    def figure_roles(self) -> tuple[tuple[str, str], ...]:
        """``(role, column)`` of every figure read from the file, in protocol order."""
        valid = (self.valid,) if self.valid and "valid" not in self.derive else ()
        invalid = (self.invalid,) if self.invalid else ()
        return (
            ("registered", self.registered),
            *(("given", column) for column in self.given),
            *(("valid", column) for column in valid),
            *(("invalid", column) for column in invalid),
            *(("options", column) for column in self.options),
        )

    def figure_columns(self) -> tuple[str, ...]:
        """Every column that must hold a non-negative whole number."""
        return tuple(column for _, column in self.figure_roles())

    def roles(self) -> dict[str, str]:
        """The role of each mapped figure column, for messages."""
        return {column: role for role, column in self.figure_roles()}


MAPPING_KEYS = tuple(f.name for f in fields(ColumnMapping))
_LIST_KEYS = ("given", "options", "areas")
#: What a mapping must say (or the recognised layout supply), and how to say it.
_REQUIRED_HINTS = {
    "registered": 'registered = "COLUMN" (--registered COLUMN)',
    "options": 'options = ["COLUMN", ...] (--option COLUMN, repeated)',
    "valid": 'valid = "COLUMN" (--valid COLUMN), or derive = {valid = "sum"} '
    "(--derive valid=sum) to take the sum of the options",
}


def parse_derivations(value: object) -> tuple[str, ...]:
    """Figures to derive, from ``{"valid": "sum"}`` or ``["valid=sum"]``.

    Raises
    ------
    ResultsFileError
        Naming the derivations that exist.
    """
    valid_forms = ", ".join(f"{k}={m}" for k, methods in DERIVATIONS.items() for m in methods)
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        pairs = [str(item).partition("=") for item in value]
        value = {key.strip(): method.strip() for key, _, method in pairs}
    if not isinstance(value, dict):
        raise ResultsFileError(f"derive must name figures to derive; valid: {valid_forms}")
    derived = []
    for key, method in value.items():
        if method not in DERIVATIONS.get(key, ()):
            raise ResultsFileError(f"cannot derive {key!r} by {method!r}; valid: {valid_forms}")
        derived.append(key)
    return tuple(derived)


def mapping_from_dict(
    values: Mapping[str, Any], base: ColumnMapping | None = None
) -> ColumnMapping:
    """Build a mapping from plain values, completing ``base`` when given.

    Raises
    ------
    ResultsFileError
        On an unknown key, a value of the wrong type or a missing column;
        the message names what is missing and the mapping that supplies it.
    """
    unknown = sorted(set(values) - set(MAPPING_KEYS))
    if unknown:
        raise ResultsFileError(
            f"unknown mapping key(s) {', '.join(unknown)}; valid: {', '.join(MAPPING_KEYS)}"
        )
    cleaned = {
        key: _clean_value(key, value)
        for key, value in values.items()
        if value not in (None, (), [], {})
    }
    if "valid" in cleaned.get("derive", ()):
        cleaned["valid"] = None
    if base is not None:
        return replace(base, **cleaned)
    _require(cleaned)
    cleaned.setdefault("given", ())
    cleaned.setdefault("invalid", None)
    return ColumnMapping(**cleaned)


def _clean_value(key: str, value: object) -> Any:
    if key == "derive":
        return parse_derivations(value)
    if key in _LIST_KEYS:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
            raise ResultsFileError(f"mapping key {key!r} must be a column name or a list of them")
        return tuple(items)
    if isinstance(value, str):
        return value
    raise ResultsFileError(f"mapping key {key!r} must be a column name")


def _require(cleaned: Mapping[str, Any]) -> None:
    """Name what a stand-alone mapping lacks, and how to supply it."""
    missing = [k for k in ("registered", "options") if k not in cleaned]
    if "valid" not in cleaned:
        missing.append("valid")
    if missing:
        named = ", ".join(sorted(k for k in cleaned if k != "derive")) or "nothing"
        raise ResultsFileError(
            f"the column mapping names {named} but not {', '.join(missing)}; add to the "
            "mapping (--map FILE.toml, or the options) "
            + "; ".join(_REQUIRED_HINTS[k] for k in missing)
        )


def read_mapping_toml(source: str | os.PathLike[str] | IO[bytes]) -> dict[str, Any]:
    """Read column names from a TOML file, at top level or under ``[columns]``.

    Example::

        [columns]
        registered = "Registered voters"
        given = ["Ballots issued at the station", "Ballots issued outside"]
        valid = "Valid ballots"
        invalid = "Invalid ballots"
        options = ["Party A", "Party B"]
        areas = ["Region", "District"]
        station = "Station"
        derive = {valid = "sum"}   # instead of valid, when the file has none
    """
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as handle:
                data = tomllib.load(handle)
        else:
            data = tomllib.load(source)
    except OSError as error:
        raise ResultsFileError(f"cannot read the mapping file: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ResultsFileError(f"the mapping file is not valid TOML: {error}") from error
    columns = data.get("columns", data)
    if not isinstance(columns, dict):
        raise ResultsFileError("the mapping file's [columns] must be a table")
    if "derive" in data and "derive" not in columns:
        columns = {**columns, "derive": data["derive"]}
    return columns


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row with a problem.

    Attributes
    ----------
    line : int
        Line in the file (the header is line 1), or row in the sheet.
    reason : str
        What is wrong, in words.
    excluded : bool
        Whether the row was left out of every test (unusable figures) or kept
        (impossible but readable figures; each test's own filter applies).
    """

    line: int
    reason: str
    excluded: bool


@dataclass(frozen=True, slots=True)
class StationResults:
    """Official results, one entry per usable station.

    Attributes
    ----------
    source_name : str
        File name the results came from.
    mapping : ColumnMapping
        Columns used.
    rows_read : int
        Data rows in the file.
    lines : numpy.ndarray of int
        Line of each station in the file.
    registered, given, valid, invalid : numpy.ndarray of int
        Protocol figures; ``given`` adds up the mapped columns (zeros when
        the file has none: check :attr:`has_given`), ``valid`` is the sum of
        the options when derived, ``invalid`` zeros when not mapped.
    votes : numpy.ndarray of int, shape (stations, options)
        Votes per option in the order of ``mapping.options``.
    areas : tuple of numpy.ndarray of str
        Labels per area column.
    stations : numpy.ndarray of str
        Station codes (line numbers when no station column is mapped).
    bad_rows : tuple of BadRow
        Problems found, in file order.
    """

    source_name: str
    mapping: ColumnMapping
    rows_read: int
    lines: IntArray
    registered: IntArray
    given: IntArray
    valid: IntArray
    invalid: IntArray
    votes: IntArray
    areas: tuple[npt.NDArray[np.str_], ...]
    stations: npt.NDArray[np.str_]
    bad_rows: tuple[BadRow, ...]

    @property
    def received(self) -> IntArray:
        """Ballots found in the boxes: valid plus invalid."""
        return self.valid + self.invalid

    @property
    def has_given(self) -> bool:
        """Whether the file gives ballots issued (and so turnout)."""
        return bool(self.mapping.given)

    @property
    def missing_figures(self) -> tuple[str, ...]:
        """Protocol figures the file does not give (derived ones included)."""
        absent = [] if self.has_given else ["given"]
        if "valid" in self.mapping.derive:
            absent.append("valid")
        if not self.mapping.invalid:
            absent.append("invalid")
        return tuple(absent)

    @property
    def option_names(self) -> tuple[str, ...]:
        """Names of the options, as in the file's header."""
        return self.mapping.options

    @property
    def station_count(self) -> int:
        """Stations kept."""
        return int(self.registered.size)


def load_results(
    source: Source,
    mapping: ColumnMapping | Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
) -> StationResults:
    """Load per-station results from a CSV, XLSX or zipped CSV file.

    Parameters
    ----------
    source : path or file object
        The file, by path or as an open (binary or text) file object.
    mapping : ColumnMapping or dict, optional
        Column names. A partial dict completes the recognised Russian layout;
        none at all uses that layout as it is.
    name : str, optional
        File name for messages and format detection when ``source`` is a file
        object without one.

    Raises
    ------
    ResultsFileError
        When the file cannot be read or its columns cannot be found.
    """
    source_name = name or _source_name(source)
    table = _read_table(source, source_name)
    resolved = _resolve_mapping(table, mapping)
    positions = _column_positions(table.header, resolved)
    return _build_results(source_name, resolved, positions, table)


def recognise_russian_protocol(
    header: Sequence[str], sample: Iterable[Sequence[object]] = ()
) -> ColumnMapping:
    """Find the protocol lines of a Russian election commission table by their meaning.

    Registered voters, ballots issued (early, at the station, outside),
    valid and invalid ballots are found from the words of their headers,
    whatever the election; the remaining columns that hold whole numbers in
    ``sample`` are the options. ``region``/``tik`` are areas, ``uik`` the station.

    Raises
    ------
    ResultsFileError
        Naming what could not be found.
    """
    texts = [_normalise(h) for h in header]
    found = {
        "registered": [h for h, t in zip(header, texts, strict=True) if _is_registered(t)],
        "given": [h for h, t in zip(header, texts, strict=True) if _is_given(t)],
        "valid": [h for h, t in zip(header, texts, strict=True) if _is_valid(t)],
        "invalid": [h for h, t in zip(header, texts, strict=True) if _is_invalid(t)],
    }
    missing = [key for key in ("registered", "given", "valid") if not found[key]]
    areas = tuple(h for h, t in zip(header, texts, strict=True) if t in _AREA_HEADERS)
    station = next((h for h, t in zip(header, texts, strict=True) if t in _STATION_HEADERS), None)
    sample_rows = list(sample)
    options = tuple(
        h
        for i, (h, t) in enumerate(zip(header, texts, strict=True))
        if not t.startswith("число")
        and t not in _AREA_HEADERS | _STATION_HEADERS | _LINK_HEADERS
        and _holds_numbers(sample_rows, i)
    )
    if missing or not options:
        lacking = [*missing, *([] if options else ["options"])]
        raise ResultsFileError(
            "the columns were not recognised as a Russian election commission protocol "
            f"(not found: {', '.join(lacking)}); name them with a mapping (--map FILE.toml "
            "or --registered/--given/--valid/--invalid/--option; --derive valid=sum when "
            "the file has no valid-ballots column)"
        )
    return ColumnMapping(
        registered=found["registered"][0],
        given=tuple(found["given"]),
        valid=found["valid"][0],
        invalid=found["invalid"][0] if found["invalid"] else None,
        options=options,
        areas=areas,
        station=station,
    )


_AREA_HEADERS = frozenset({"region", "tik", "регион", "тик", "субъект", "оик"})
_STATION_HEADERS = frozenset({"uik", "уик", "участок", "station"})
_LINK_HEADERS = frozenset({"url", "link", "ссылка"})


def _normalise(text: str) -> str:
    """Lower case, one space, no protocol line number ("1. Число ..." or "Строка 1")."""
    text = re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip()
    return re.sub(r"^(строка )?\d+[.)]? *", "", text)


def _is_registered(t: str) -> bool:
    return t.startswith("число избирателей") and "список" in t and "открепительн" not in t


def _is_given(t: str) -> bool:
    return "бюллетен" in t and "выдан" in t and "удостоверен" not in t


def _is_invalid(t: str) -> bool:
    return "бюллетен" in t and "недействительн" in t


def _is_valid(t: str) -> bool:
    return "бюллетен" in t and "действительн" in t and "недействительн" not in t


def _holds_numbers(rows: Sequence[Sequence[object]], index: int) -> bool:
    cells = [row[index] for row in rows if index < len(row)]
    return bool(cells) and all(isinstance(_parse_cell(c), int) for c in cells)


# Reading -------------------------------------------------------------------

Cells = Sequence[object]


@dataclass(frozen=True, slots=True)
class _Table:
    header: list[str]
    lines: IntArray
    rows: Sequence[Cells]


def _source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return Path(str(getattr(source, "name", "results"))).name


def _read_table(source: Source, name: str) -> _Table:
    """The file's table, read within the import limits (see :mod:`pollwatch.lib.tabular`)."""
    limits = ImportLimits.from_settings()
    try:
        raw = _read_bytes(source, limits)
        if isinstance(raw, str):
            return _read_csv(raw, limits)
        if raw[:2] == b"PK":
            return _read_zip(raw, name, limits)
        return _read_csv(_decode(raw), limits)
    except TableRejected as rejected:
        raise ResultsFileError(f"{name}: {rejected}") from None


def _read_bytes(source: Source, limits: ImportLimits) -> bytes | str:
    if isinstance(source, str | os.PathLike):
        try:
            with Path(source).open("rb") as handle:
                return read_limited(handle, limits)
        except OSError as error:
            raise ResultsFileError(f"cannot read {source}: {error.strerror}") from error
    # An upload that states its size is refused before it is read; a text
    # stream is measured, like the CSV it holds, in characters.
    return read_limited(source, limits)  # type: ignore[arg-type]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def _read_zip(raw: bytes, name: str, limits: ImportLimits) -> _Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as error:
        raise ResultsFileError(f"{name} is neither a CSV nor a valid XLSX/ZIP file") from error
    # Refused from the zip's directory, before a member is unpacked.
    check_unpacked_size(archive, limits)
    members = archive.namelist()
    if "[Content_Types].xml" in members:
        return _read_xlsx(raw, name, limits)
    tables = [m for m in members if m.lower().endswith((".csv", ".txt")) and not m.endswith("/")]
    if len(tables) != 1:
        raise ResultsFileError(f"{name} must hold exactly one CSV file, found {len(tables)}")
    return _read_csv(_decode(archive.read(tables[0])), limits)


def _read_csv(text: str, limits: ImportLimits) -> _Table:
    """Records with the line each starts on; blank lines are skipped, not counted as rows."""
    numbered = [
        (line, cells) for line, cells in csv_rows(io.StringIO(text, newline=""), limits) if cells
    ]
    if not numbered:
        raise ResultsFileError("the file is empty")
    header = [h.strip() for h in numbered[0][1]]
    lines = np.array([line for line, _ in numbered[1:]], dtype=np.int64)
    return _Table(header, lines, [cells for _, cells in numbered[1:]])


def _read_xlsx(raw: bytes, name: str, limits: ImportLimits) -> _Table:
    rows_iter = xlsx_rows(io.BytesIO(raw), limits)
    first = next(rows_iter, None)
    if first is None:
        raise ResultsFileError(f"the first sheet of {name} is empty")
    header = ["" if c is None else str(c).strip() for c in first[1]]
    lines: list[int] = []
    rows: list[Cells] = []
    for line, cells in rows_iter:
        if any(c is not None and str(c).strip() for c in cells):
            lines.append(line)
            rows.append(tuple(cells))
    return _Table(header, np.array(lines, dtype=np.int64), rows)


# Mapping -------------------------------------------------------------------


def _resolve_mapping(
    table: _Table, mapping: ColumnMapping | Mapping[str, Any] | None
) -> ColumnMapping:
    """The mapping given, completed by the recognised Russian layout where it can be.

    A mapping that names registered voters, the options and valid ballots (or
    derives them) stands on its own; a partial one completes the Russian
    layout when the file has it, and otherwise the error names what the
    mapping lacks rather than the Russian layout.
    """
    if isinstance(mapping, ColumnMapping):
        return mapping
    values = {k: v for k, v in dict(mapping or {}).items() if v not in (None, "", (), [], {})}
    sample = table.rows[:SAMPLE_ROWS]
    if not values:
        return recognise_russian_protocol(table.header, sample)
    derives_valid = "valid" in parse_derivations(values.get("derive", {}))
    if all(values.get(key) for key in ("registered", "options")) and (
        values.get("valid") or derives_valid
    ):
        return mapping_from_dict(values)
    try:
        base = recognise_russian_protocol(table.header, sample)
    except ResultsFileError:
        return mapping_from_dict(values)
    return mapping_from_dict(values, base=base)


def _column_positions(header: list[str], mapping: ColumnMapping) -> dict[str, int]:
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        position.setdefault(name, index)
    _refuse_double_roles(mapping)
    roles = {**mapping.roles(), **dict.fromkeys(mapping.areas, "areas")}
    if mapping.station:
        roles[mapping.station] = "station"
    missing = [
        f"{name!r} (mapped as {role})" for name, role in roles.items() if name not in position
    ]
    if missing:
        raise ResultsFileError(
            "column(s) not in the file: "
            + "; ".join(missing)
            + ". The file's columns are: "
            + ", ".join(repr(h) for h in header)
        )
    return {name: position[name] for name in roles}


def _refuse_double_roles(mapping: ColumnMapping) -> None:
    """One column cannot hold two figures (say registered voters and an option's votes)."""
    seen: dict[str, list[str]] = {}
    for role, column in mapping.figure_roles():
        seen.setdefault(column, []).append(role)
    doubled = {c: r for c, r in seen.items() if len(r) > 1}
    if doubled:
        raise ResultsFileError(
            "a column is mapped to more than one figure: "
            + "; ".join(f"{c!r} as {' and '.join(r)}" for c, r in doubled.items())
        )


#: A mapped figure column is refused when more than this share of its cells are not numbers
#: (in files of at least NON_NUMERIC_MIN_ROWS rows; smaller ones list their bad rows).
NON_NUMERIC_LIMIT = 0.5
NON_NUMERIC_MIN_ROWS = 5


def _refuse_non_numeric(
    mapping: ColumnMapping, name: str, lines: IntArray, problems: list[tuple[int, str]]
) -> None:
    """A column mapped as a figure that mostly does not hold numbers is a wrong mapping."""
    words = [i for i, r in problems if r in ("is not a number", "is not a whole number")]
    rows = lines.size
    if rows >= NON_NUMERIC_MIN_ROWS and len(words) > NON_NUMERIC_LIMIT * rows:
        role = mapping.roles().get(name, "a figure")
        raise ResultsFileError(
            f"column {name!r}, mapped as {role}, does not hold whole numbers "
            f"({len(words):,} of {rows:,} rows, first on line {lines[words[0]]}); "
            "check the mapping"
        )


# Figures -------------------------------------------------------------------


def _parse_cell(cell: object) -> int | str:
    """A whole number, or the reason the cell is not one."""
    if isinstance(cell, bool):
        return "is not a number"
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else "is not a whole number"
    text = "" if cell is None else str(cell).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return "is empty"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return "is not a number"
    return int(number) if number.is_integer() else "is not a whole number"


def _cells(rows: Sequence[Cells], index: int, complete: bool) -> list[object]:
    if complete:
        return list(map(itemgetter(index), rows))
    return [cells[index] if index < len(cells) else None for cells in rows]


def _column(
    rows: Sequence[Cells], index: int, complete: bool
) -> tuple[IntArray, list[tuple[int, str]]]:
    """Parse one column; return values (0 where unusable) and (row, reason) problems."""
    cells = _cells(rows, index, complete)
    try:
        values = np.array(cells, dtype=np.int64) if cells else np.zeros(0, np.int64)
    except (ValueError, TypeError, OverflowError):
        values = np.zeros(len(cells), dtype=np.int64)
        problems = []
        for i, cell in enumerate(cells):
            parsed = _parse_cell(cell)
            if isinstance(parsed, int):
                values[i] = parsed
            else:
                problems.append((i, parsed))
        return _with_negatives(values, problems)
    return _with_negatives(values, [])


def _with_negatives(
    values: IntArray, problems: list[tuple[int, str]]
) -> tuple[IntArray, list[tuple[int, str]]]:
    problems.extend((int(i), "is negative") for i in np.flatnonzero(values < 0))
    return values, problems


def _build_results(
    source_name: str,
    mapping: ColumnMapping,
    positions: dict[str, int],
    table: _Table,
) -> StationResults:
    rows, lines, width = table.rows, table.lines, len(table.header)
    problems: dict[int, list[str]] = {}
    for i, cells in enumerate(rows):
        if len(cells) < width:
            problems.setdefault(i, []).append(f"has {len(cells)} cells, the header has {width}")
    complete = not problems
    parsed: dict[str, IntArray] = {}
    for name in dict.fromkeys(mapping.figure_columns()):
        values, column_problems = _column(rows, positions[name], complete)
        _refuse_non_numeric(mapping, name, lines, column_problems)
        parsed[name] = values
        for i, reason in column_problems:
            problems.setdefault(i, []).append(f"{name!r} {reason}")
    usable = np.ones(len(rows), dtype=bool)
    usable[list(problems)] = False
    bad = {i: BadRow(int(lines[i]), "; ".join(r), excluded=True) for i, r in problems.items()}

    given = np.zeros(len(rows), dtype=np.int64)
    for column in mapping.given:
        given += parsed[column]
    votes = (
        np.column_stack([parsed[o] for o in mapping.options])
        if rows
        else np.zeros((0, len(mapping.options)), np.int64)
    )
    registered = parsed[mapping.registered]
    valid = votes.sum(axis=1) if mapping.valid is None else parsed[mapping.valid]
    invalid = parsed[mapping.invalid] if mapping.invalid else np.zeros(len(rows), np.int64)
    bad.update(
        _impossible_rows(lines, usable, registered, given if mapping.given else None, valid, votes)
    )
    return StationResults(
        source_name=source_name,
        mapping=mapping,
        rows_read=len(rows),
        lines=lines[usable],
        registered=registered[usable],
        given=given[usable],
        valid=valid[usable],
        invalid=invalid[usable],
        votes=votes[usable],
        areas=tuple(_labels(rows, positions[a], complete)[usable] for a in mapping.areas),
        stations=(
            _labels(rows, positions[mapping.station], complete)[usable]
            if mapping.station
            else lines[usable].astype(str)
        ),
        bad_rows=tuple(bad[i] for i in sorted(bad)),
    )


def _impossible_rows(
    lines: IntArray,
    usable: npt.NDArray[np.bool_],
    registered: IntArray,
    given: IntArray | None,
    valid: IntArray,
    votes: IntArray,
) -> dict[int, BadRow]:
    """Readable rows whose figures cannot all be true; they are kept."""
    reasons: dict[int, list[str]] = {}
    if given is not None:
        for i in np.flatnonzero(usable & (given > registered)).tolist():
            reasons.setdefault(i, []).append(
                f"more ballots issued ({given[i]}) than registered voters ({registered[i]})"
            )
        for i in np.flatnonzero(usable & (valid > given)).tolist():
            reasons.setdefault(i, []).append(
                f"more valid votes ({valid[i]}) than ballots issued ({given[i]})"
            )
    else:
        for i in np.flatnonzero(usable & (valid > registered)).tolist():
            reasons.setdefault(i, []).append(
                f"more valid votes ({valid[i]}) than registered voters ({registered[i]})"
            )
    option_total = votes.sum(axis=1)
    for i in np.flatnonzero(usable & (option_total > valid)).tolist():
        reasons.setdefault(i, []).append(
            f"the options add up to {option_total[i]}, more than the valid votes ({valid[i]})"
        )
    return {i: BadRow(int(lines[i]), "; ".join(r), excluded=False) for i, r in reasons.items()}


def _labels(rows: Sequence[Cells], index: int, complete: bool) -> npt.NDArray[np.str_]:
    cells = _cells(rows, index, complete)
    return np.array(["" if c is None else str(c).strip() for c in cells], dtype=str)
