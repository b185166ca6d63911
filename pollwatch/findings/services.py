"""Actions that change findings data: the PVT sample and official results imports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from pollwatch.audit.services import log_action
from pollwatch.findings.models import (
    OfficialResults,
    OfficialStationResult,
    PVTSample,
    PVTStation,
)
from pollwatch.lib.tabular import RowProblem, Table, TableRejected, read_table
from pollwatch.missions.models import Mission
from pollwatch.registry.models import BallotOption, Election, PollingStation, Round

STATION_FIGURES = ("registered", "ballots_issued", "valid")


class OfficialResultsError(Exception):
    """Official results that cannot be imported; ``problems`` says where and why."""

    def __init__(self, problems: Sequence[RowProblem | str]):
        self.problems = [str(problem) for problem in problems]
        super().__init__("\n".join(self.problems))


def option_codes(election: Election, round_: Round | None = None) -> list[tuple[str, str]]:
    """(code, name) of every ballot option, codes as PVT form 2 names them (``votes_<code>``).

    With ``round_``, only the options on that round's ballot (a run-off's two
    leading candidates).
    """
    return ballot(election, round_)[0]


def ballot(
    election: Election, round_: Round | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(code, name) of the options on the round's ballot, and of the election's other options.

    A round naming no options offers every option of the election. One query.
    """
    options = BallotOption.objects.filter(contest__election=election).order_by(
        "contest_id", "position"
    )
    if round_ is not None:
        chosen = Round.options.through.objects.filter(round=round_, ballotoption=OuterRef("pk"))
        options = options.annotate(on_round=Exists(chosen))
    rows = list(options)
    named = [option for option in rows if getattr(option, "on_round", False)]
    on_ballot = named or rows
    others = [option for option in rows if option not in on_ballot]
    return _codes(on_ballot), _codes(others)


def _codes(options: Sequence[BallotOption]) -> list[tuple[str, str]]:
    return [(option.code.replace("-", "_"), option.name) for option in options]


@transaction.atomic
def create_pvt_sample(
    mission: Mission,
    stations: Sequence[PollingStation],
    strata: Sequence[str],
    stratum_sizes: Mapping[str, int],
    *,
    description: str,
    seed: int | None = None,
    inclusion_probabilities: Sequence[float] | None = None,
    actor: User | None = None,
) -> PVTSample:
    """Record the mission's PVT sample (replacing an earlier one) with each stratum's size.

    ``inclusion_probabilities`` gives each station's probability of being
    drawn, for a sample drawn with unequal probabilities (PPS); without it
    every station of stratum ``h`` had ``n_h / N_h``.
    """
    PVTSample.objects.filter(mission=mission).delete()
    sample = PVTSample.objects.create(
        mission=mission,
        seed=seed,
        description=description,
        stratum_sizes={str(k): int(v) for k, v in stratum_sizes.items()},
    )
    probabilities: Sequence[float | None] = (
        [None] * len(stations) if inclusion_probabilities is None else inclusion_probabilities
    )
    PVTStation.objects.bulk_create(
        PVTStation(
            sample=sample,
            station=station,
            stratum=str(stratum),
            inclusion_probability=None if probability is None else float(probability),
        )
        for station, stratum, probability in zip(stations, strata, probabilities, strict=True)
    )
    log_action(
        "findings.pvt_sample_created",
        actor=actor,
        target=sample,
        data={"stations": len(stations), "strata": len(stratum_sizes), "seed": seed},
    )
    return sample


def import_official_results(
    mission: Mission,
    source: BinaryIO | Path | str,
    *,
    filename: str | None = None,
    actor: User | None = None,
    round_: Round | None = None,
) -> OfficialResults:
    """Import official results from a CSV or XLSX file, of ``round_`` (by default the first).

    Per station: a ``station`` column with the station code, the columns
    ``registered``, ``ballots_issued``, ``valid`` and one column per ballot
    option code on the round's ballot. National totals: two columns
    ``figure`` and ``value``, with one row for each of those figures and each
    option code.

    Raises
    ------
    OfficialResultsError
        Listing every problem with its line number; nothing is stored then.
    """
    name = filename or str(getattr(source, "name", "results.csv"))
    try:
        table = read_table(source, name)
    except TableRejected as rejected:
        raise OfficialResultsError(rejected.problems) from rejected
    codes = [code for code, _name in option_codes(mission.election, round_)]
    round_ = round_ or mission.election.rounds.get(number=1)
    station_at = table.column_index("station")
    if station_at is not None:
        return _import_stations(mission, table, station_at, codes, name, actor, round_)
    figure_at, value_at = table.column_index("figure"), table.column_index("value")
    if figure_at is not None and value_at is not None:
        return _import_national(mission, table, (figure_at, value_at), codes, name, actor, round_)
    raise OfficialResultsError(
        [
            RowProblem(
                1,
                _("expected a 'station' column (per station) or 'figure' and 'value' columns"),
            )
        ]
    )


def _column_positions(table: Table, codes: Sequence[str]) -> list[int]:
    missing: list[str] = []
    positions = []
    for name in (*STATION_FIGURES, *codes):
        position = table.column_index(name)
        if position is None:
            position = table.column_index(name.replace("_", "-"))
        if position is None:
            missing.append(name)
        positions.append(position if position is not None else -1)
    if missing:
        raise OfficialResultsError(
            [RowProblem(1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})]
        )
    return positions


def _import_stations(
    mission: Mission,
    table: Table,
    station_at: int,
    codes: Sequence[str],
    name: str,
    actor: User | None,
    round_: Round,
) -> OfficialResults:
    positions = _column_positions(table, codes)
    known = dict(PollingStation.objects.filter(election=mission.election).values_list("code", "pk"))
    problems: list[RowProblem] = []
    seen: set[str] = set()
    rows: list[tuple[int, list[int]]] = []
    for line, cells in table.rows:
        code = cells[station_at] if station_at < len(cells) else ""
        figures = _whole_numbers(cells, positions)
        reason = _row_problem(code, figures, known, seen, codes, positions, table.header)
        if reason:
            problems.append(RowProblem(line, reason))
            continue
        seen.add(code)
        # _row_problem found every figure a whole number.
        rows.append((known[code], cast(list[int], figures)))
    if problems:
        raise OfficialResultsError(problems)
    if not rows:
        raise OfficialResultsError([RowProblem(1, _("the file has no stations"))])
    table_of_figures = np.array([row[1] for row in rows], dtype=np.int64)
    totals = _totals_dict(table_of_figures.sum(axis=0), codes)
    with transaction.atomic():
        results = OfficialResults.objects.create(
            mission=mission,
            kind=OfficialResults.Kind.STATIONS,
            round=round_,
            source=name,
            totals=totals,
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        OfficialStationResult.objects.bulk_create(
            OfficialStationResult(
                results=results,
                station_id=station_id,
                registered=values[0],
                ballots_issued=values[1],
                valid=values[2],
                votes=dict(zip(codes, values[3:], strict=True)),
            )
            for station_id, values in rows
        )
        log_action(
            "findings.official_results_imported",
            actor=actor,
            target=results,
            data={
                "kind": results.kind,
                "stations": len(rows),
                "source": name,
                "round": round_.number,
            },
        )
    return results


def _whole_numbers(cells: list[str], positions: list[int]) -> list[int | None]:
    values: list[int | None] = []
    for position in positions:
        text = (
            cells[position].replace(" ", "").replace("\u00a0", "") if position < len(cells) else ""
        )
        values.append(int(text) if text.isdigit() else None)
    return values


def _row_problem(
    code: str,
    figures: list[int | None],
    known: dict[str, int],
    seen: set[str],
    codes: Sequence[str],
    positions: list[int],
    header: list[str],
) -> str:
    if not code:
        return _("no station code")
    if code not in known:
        return _("no polling station with code %(code)s in this election") % {"code": repr(code)}
    if code in seen:
        return _("station %(code)s appears twice") % {"code": repr(code)}
    bad = [header[p] for p, value in zip(positions, figures, strict=True) if value is None]
    if bad:
        return _("not a whole number: %(columns)s") % {"columns": ", ".join(bad)}
    registered, issued, valid, *votes = cast(list[int], figures)
    if sum(votes) != valid:
        return _(
            "votes for the options add up to %(sum)s, not to the valid ballots (%(valid)s)"
        ) % {"sum": sum(votes), "valid": valid}
    if valid > issued or issued > registered:
        return _("valid ballots, ballots issued and registered voters are not in order")
    return ""


def _totals_dict(values: Sequence[Any], codes: Sequence[str]) -> dict[str, Any]:
    registered, issued, valid, *votes = (int(value) for value in values)
    return {
        "registered": registered,
        "ballots_issued": issued,
        "valid": valid,
        "votes": dict(zip(codes, votes, strict=True)),
    }


def _import_national(
    mission: Mission,
    table: Table,
    figure_and_value_at: tuple[int, int],
    codes: Sequence[str],
    name: str,
    actor: User | None,
    round_: Round,
) -> OfficialResults:
    figure_at, value_at = figure_and_value_at
    found: dict[str, int] = {}
    problems = []
    for line, cells in table.rows:
        figure = cells[figure_at].replace("-", "_") if figure_at < len(cells) else ""
        text = cells[value_at].replace(" ", "") if value_at < len(cells) else ""
        if figure not in (*STATION_FIGURES, *codes):
            problems.append(
                RowProblem(line, _("unknown figure %(figure)s") % {"figure": repr(figure)})
            )
        elif not text.isdigit():
            problems.append(
                RowProblem(line, _("%(figure)s: not a whole number") % {"figure": figure})
            )
        else:
            found[figure] = int(text)
    missing = [figure for figure in (*STATION_FIGURES, *codes) if figure not in found]
    if missing:
        problems.append(
            RowProblem(1, _("missing figures: %(figures)s") % {"figures": ", ".join(missing)})
        )
    if problems:
        raise OfficialResultsError(problems)
    totals = _totals_dict([found[figure] for figure in (*STATION_FIGURES, *codes)], codes)
    with transaction.atomic():
        results = OfficialResults.objects.create(
            mission=mission,
            kind=OfficialResults.Kind.NATIONAL,
            round=round_,
            source=name,
            totals=totals,
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_action(
            "findings.official_results_imported",
            actor=actor,
            target=results,
            data={"kind": results.kind, "source": name, "round": round_.number},
        )
    return results
