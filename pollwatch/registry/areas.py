"""Import an area hierarchy (code, name, parent code, level name) from CSV or XLSX."""

from __future__ import annotations

from typing import BinaryIO

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from pollwatch.audit.services import log_action
from pollwatch.lib.tabular import RowProblem, TableRejected, read_table
from pollwatch.registry.models import Area, Election

AREA_COLUMNS = ("code", "name", "parent_code", "level_name")
# A line of the file and its values by column name.
_AreaRecord = tuple[int, dict[str, str]]


def import_areas(
    election: Election,
    source: BinaryIO | str,
    *,
    filename: str | None = None,
    actor: User | None = None,
) -> int:
    """Create the areas a file lists (parents before children); existing codes are updated."""
    table = read_table(source, filename)
    missing = [name for name in ("code", "name") if table.column_index(name) is None]
    if missing:
        raise TableRejected(
            [
                RowProblem(1, _("missing required column %(column)s") % {"column": repr(name)})
                for name in missing
            ]
        )
    positions = {name: table.column_index(name) for name in AREA_COLUMNS}
    records = [
        (
            line,
            {
                name: (cells[i] if i is not None and i < len(cells) else "")
                for name, i in positions.items()
            },
        )
        for line, cells in table.rows
    ]
    _check_areas(election, records)
    with transaction.atomic():
        count = _create_in_order(election, records)
        log_action(
            "registry.areas_imported",
            actor=actor,
            target=election,
            data={"file": filename or "", "areas": count},
        )
    return count


def _check_areas(election: Election, records: list[_AreaRecord]) -> None:
    problems = []
    known = set(Area.objects.filter(election=election).values_list("code", flat=True))
    in_file: dict[str, int] = {}
    for line, values in records:
        for name in ("code", "name"):
            if not values[name]:
                problems.append(RowProblem(line, _("%(column)s is empty") % {"column": name}))
        if values["code"] in in_file:
            problems.append(
                RowProblem(
                    line,
                    _("duplicate area code %(code)s (first on line %(line)s)")
                    % {"code": repr(values["code"]), "line": in_file[values["code"]]},
                )
            )
        in_file.setdefault(values["code"], line)
    for line, values in records:
        parent = values["parent_code"]
        if parent and parent not in in_file and parent not in known:
            problems.append(
                RowProblem(line, _("unknown parent area %(area)s") % {"area": repr(parent)})
            )
    if problems:
        raise TableRejected(problems)


def _create_in_order(election: Election, records: list[_AreaRecord]) -> int:
    by_code = {area.code: area for area in Area.objects.filter(election=election)}
    pending = [values for _, values in records]
    while pending:
        ready = [v for v in pending if not v["parent_code"] or v["parent_code"] in by_code]
        if not ready:
            raise TableRejected([RowProblem(1, _("the parent codes form a cycle"))])
        for values in ready:
            area = by_code.get(values["code"]) or Area(election=election, code=values["code"])
            area.name = values["name"]
            area.level_name = values["level_name"]
            area.parent = by_code.get(values["parent_code"]) if values["parent_code"] else None
            area.save()
            by_code[area.code] = area
        pending = [v for v in pending if v not in ready]
    return len(records)
