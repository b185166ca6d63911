"""Import polling stations from CSV or XLSX: all or nothing, re-runnable.

Every row is checked before anything is written; a single bad row rejects the
file with a report of every problem and its line. Stations are matched by
code, so importing the same file twice changes nothing and a changed file
updates exactly the stations that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pollwatch.audit.services import log_action
from pollwatch.lib.tabular import RowProblem, Table, TableRejected, read_table
from pollwatch.registry.models import Area, Election, PollingStation

REQUIRED_FIELDS = ("code", "name", "area", "registered_voters")
OPTIONAL_FIELDS = ("address", "latitude", "longitude", "kind")
COMPARED_FIELDS = (
    "name",
    "address",
    "area_id",
    "registered_voters",
    "latitude",
    "longitude",
    "kind",
)
WRITE_BATCH = 2000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class StationRow:
    line: int
    code: str
    name: str
    address: str
    area_id: int
    registered_voters: int
    latitude: Decimal | None
    longitude: Decimal | None
    kind: str


@dataclass(slots=True)
class ImportOutcome:
    created: list[str] = field(default_factory=list)
    updated: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        created = len(self.created)
        return ngettext(
            "%(created)s station created, %(updated)s updated, %(unchanged)s unchanged",
            "%(created)s stations created, %(updated)s updated, %(unchanged)s unchanged",
            created,
        ) % {"created": created, "updated": len(self.updated), "unchanged": self.unchanged}


def parse_mapping(text: str | None) -> dict[str, str]:
    """Parse ``field=Column,field=Column`` into {field: column header}."""
    mapping: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(","))):
        target, sep, column = pair.partition("=")
        if not sep or target.strip() not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
            valid = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
            raise ValueError(
                _("bad mapping %(pair)s: use field=Column with a field among %(fields)s")
                % {"pair": repr(pair), "fields": valid}
            )
        mapping[target.strip()] = column.strip()
    return mapping


class AreaResolver:
    """Find an area by code, by unique name, or by its path of names ("North / Lake")."""

    def __init__(self, election: Election):
        areas = list(Area.objects.filter(election=election).only("id", "code", "name", "path"))
        names = {area.id: area.name for area in areas}
        self.by_code = {area.code.casefold(): area.id for area in areas}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_path: dict[str, int] = {}
        for area in areas:
            self.by_name[area.name.casefold()].append(area.id)
            ids = [int(part) for part in area.path.strip("/").split("/") if part]
            path = " / ".join(names[pk] for pk in ids if pk in names)
            self.by_path[path.casefold()] = area.id

    def resolve(self, text: str) -> int:
        key = " / ".join(part.strip() for part in text.split("/")).casefold()
        if key in self.by_code:
            return self.by_code[key]
        if key in self.by_path:
            return self.by_path[key]
        matches = self.by_name.get(key, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(
                _(
                    "area %(area)s is ambiguous: %(count)s areas have this name; give the "
                    "area code or its path, e.g. 'Region / District'"
                )
                % {"area": repr(text), "count": len(matches)}
            )
        raise ValueError(_("unknown area %(area)s") % {"area": repr(text)})


def import_stations(
    election: Election,
    source: BinaryIO | str,
    *,
    filename: str | None = None,
    mapping: dict[str, str] | None = None,
    actor: User | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Validate every row of ``source``, then create and update stations in one transaction."""
    report = progress or (lambda stage, done, total: None)
    table = read_table(source, filename)
    rows = validate_rows(table, election, mapping or {}, report)
    with transaction.atomic():
        outcome = _plan_changes(election, rows)
        _write_changes(election, rows, outcome, report)
        if outcome.changed_anything:
            log_action(
                "registry.stations_imported",
                actor=actor,
                target=election,
                data={
                    "file": filename or "",
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                },
            )
    return outcome


def validate_rows(
    table: Table, election: Election, mapping: dict[str, str], report: Progress
) -> list[StationRow]:
    columns = _locate_columns(table, mapping)
    resolver = AreaResolver(election)
    problems: list[RowProblem] = []
    rows: list[StationRow] = []
    first_line_of_code: dict[str, int] = {}
    total = len(table.rows)
    for index, (line, cells) in enumerate(table.rows):
        values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        row_problems = _check_row(line, values, resolver, first_line_of_code)
        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append(_to_station_row(line, values, resolver))
        if index % 5000 == 0:
            report("checking", index, total)
    report("checking", total, total)
    if problems:
        raise TableRejected(problems)
    return rows


def _locate_columns(table: Table, mapping: dict[str, str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    missing = []
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        header = mapping.get(name, name)
        position = table.column_index(header)
        if position is None and name in REQUIRED_FIELDS:
            missing.append(_missing_column(header, name))
        elif position is not None:
            columns[name] = position
    if missing:
        found = ", ".join(repr(h) for h in table.header)
        raise TableRejected(
            [
                RowProblem(
                    1, _("%(problem)s; the header has %(found)s") % {"problem": r, "found": found}
                )
                for r in missing
            ]
        )
    return columns


def _missing_column(header: str, name: str) -> str:
    if header == name:
        return _("missing required column %(column)s") % {"column": repr(header)}
    return _("missing required column %(column)s (for %(field)s)") % {
        "column": repr(header),
        "field": name,
    }


def _check_row(
    line: int,
    values: dict[str, str],
    resolver: AreaResolver,
    first_line_of_code: dict[str, int],
) -> list[RowProblem]:
    reasons = [_("%(column)s is empty") % {"column": n} for n in REQUIRED_FIELDS if not values[n]]
    code = values["code"]
    if code:
        key = code.casefold()
        if key in first_line_of_code:
            reasons.append(
                _("duplicate station code %(code)s (first on line %(line)s)")
                % {"code": repr(code), "line": first_line_of_code[key]}
            )
        else:
            first_line_of_code[key] = line
    reasons += _check_number(values["registered_voters"])
    if values["area"]:
        try:
            resolver.resolve(values["area"])
        except ValueError as error:
            reasons.append(str(error))
    reasons += _check_coordinates(values)
    kind = values.get("kind", "")
    if kind and kind.lower() not in PollingStation.Kind.values:
        reasons.append(
            _("kind %(kind)s is not one of %(kinds)s")
            % {"kind": repr(kind), "kinds": ", ".join(PollingStation.Kind.values)}
        )
    return [RowProblem(line, reason) for reason in reasons]


def _check_number(text: str) -> list[str]:
    if not text:
        return []
    try:
        number = int(text)
    except ValueError:
        return [_("registered_voters %(value)s is not a whole number") % {"value": repr(text)}]
    if number < 0:
        return [_("registered_voters %(value)s is negative") % {"value": number}]
    return []


def _check_coordinates(values: dict[str, str]) -> list[str]:
    reasons = []
    for name, limit in (("latitude", 90), ("longitude", 180)):
        text = values.get(name, "")
        if not text:
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            reasons.append(
                _("%(column)s %(value)s is not a number") % {"column": name, "value": repr(text)}
            )
            continue
        if not -limit <= number <= limit:
            reasons.append(
                _("%(column)s %(value)s is outside -%(limit)s..%(limit)s")
                % {"column": name, "value": text, "limit": limit}
            )
    if bool(values.get("latitude")) != bool(values.get("longitude")):
        reasons.append(_("give both latitude and longitude, or neither"))
    return reasons


def _to_station_row(line: int, values: dict[str, str], resolver: AreaResolver) -> StationRow:
    return StationRow(
        line=line,
        code=values["code"],
        name=values["name"],
        address=values.get("address", ""),
        area_id=resolver.resolve(values["area"]),
        registered_voters=int(values["registered_voters"]),
        latitude=_coordinate(values.get("latitude", "")),
        longitude=_coordinate(values.get("longitude", "")),
        kind=(values.get("kind") or PollingStation.Kind.REGULAR).lower(),
    )


def _coordinate(text: str) -> Decimal | None:
    return Decimal(text).quantize(Decimal("0.000001")) if text else None


def _plan_changes(election: Election, rows: list[StationRow]) -> ImportOutcome:
    existing = {
        values[0]: values[1:]
        for values in PollingStation.objects.filter(election=election).values_list(
            "code", *COMPARED_FIELDS
        )
    }
    outcome = ImportOutcome()
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            outcome.created.append(row.code)
            continue
        changes = {
            name: [_show(old), _show(getattr(row, name))]
            for name, old in zip(COMPARED_FIELDS, current, strict=True)
            if old != getattr(row, name)
        }
        if changes:
            outcome.updated[row.code] = changes
        else:
            outcome.unchanged += 1
    return outcome


def _show(value: object) -> str:
    return "" if value is None else str(value)


def _write_changes(
    election: Election, rows: list[StationRow], outcome: ImportOutcome, report: Progress
) -> None:
    created = set(outcome.created)
    new_stations = [_station(election, row) for row in rows if row.code in created]
    total = len(new_stations) + len(outcome.updated)
    for start in range(0, len(new_stations), WRITE_BATCH):
        PollingStation.objects.bulk_create(new_stations[start : start + WRITE_BATCH])
        report("writing", start + WRITE_BATCH, total)
    if outcome.updated:
        by_code = {row.code: row for row in rows if row.code in outcome.updated}
        ids = dict(PollingStation.objects.filter(election=election).values_list("code", "id"))
        changed = [_station(election, row, pk=ids[row.code]) for row in by_code.values()]
        PollingStation.objects.bulk_update(changed, list(COMPARED_FIELDS), batch_size=WRITE_BATCH)
    report("writing", total, total)


def _station(election: Election, row: StationRow, pk: int | None = None) -> PollingStation:
    return PollingStation(
        pk=pk,
        election=election,
        code=row.code,
        name=row.name,
        address=row.address,
        area_id=row.area_id,
        registered_voters=row.registered_voters,
        latitude=row.latitude,
        longitude=row.longitude,
        kind=row.kind,
    )
