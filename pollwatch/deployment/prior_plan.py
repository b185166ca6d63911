"""Size a quick count from a previous election's per-station results.

The results file is read by the forensics loader
(:func:`pollwatch.forensics.results_file.load_results`), with the same column
mapping, so any file ``pollwatch forensics report`` reads will do. The
statistics are in :mod:`pollwatch.stats.design_effect`; this module picks
the option and the strata out of the file and turns loader errors into one
error a user can act on. Used by ``pollwatch sample size --prior`` and the
calculator page; neither keeps the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pollwatch.forensics.results_file import (
    ResultsFileError,
    Source,
    StationResults,
    load_results,
)
from pollwatch.stats.design_effect import (
    PriorResults,
    StationMargin,
    StationSamplePlan,
    prior_results,
    station_margin_of_error,
    stations_for_margin,
)


class PriorFileError(Exception):
    """The prior results cannot give a design effect; the message says why."""


class PriorColumnsError(PriorFileError):
    """The loader could not read the file or find its columns (the message names them)."""


@dataclass(frozen=True, slots=True)
class Prior:
    """A previous election's results for one option, ready to size a sample.

    Attributes
    ----------
    source_name : str
        File the results came from.
    rows_read : int
        Data rows in the file.
    rows_left_out : int
        Rows the loader could not use (unreadable figures).
    option : str
        The option whose share is planned for.
    options : tuple of str
        Every option in the file.
    stratum_column : str or None
        Column whose values are the strata; ``None`` when not stratified.
    results : PriorResults
        The figures the variance needs.
    """

    source_name: str
    rows_read: int
    rows_left_out: int
    option: str
    options: tuple[str, ...]
    stratum_column: str | None
    results: PriorResults

    def plan(
        self,
        moe: float,
        confidence: float,
        *,
        allocation: str = "proportional",
        minimum: int = 1,
        response_rate: float = 1.0,
    ) -> StationSamplePlan:
        """Stations needed for ``moe`` (see :func:`stations_for_margin`)."""
        try:
            return stations_for_margin(
                self.results,
                moe,
                confidence,
                allocation=allocation,
                minimum=minimum,
                response_rate=response_rate,
            )
        except ValueError as error:
            raise PriorFileError(str(error)) from error

    def margin(
        self,
        stations: int,
        confidence: float,
        *,
        allocation: str = "proportional",
        minimum: int = 1,
    ) -> StationMargin:
        """Margin of error of ``stations`` reporting stations."""
        try:
            return station_margin_of_error(
                self.results, stations, confidence, allocation=allocation, minimum=minimum
            )
        except ValueError as error:
            raise PriorFileError(str(error)) from error


def load_prior(
    source: Source,
    mapping: Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
    option: str | None = None,
    stratum: str | None = None,
) -> Prior:
    """Read a previous election's per-station results for one option.

    Parameters
    ----------
    source : path or file object
        CSV, XLSX or zipped CSV, one row per station.
    mapping : dict, optional
        Column names, as for ``pollwatch forensics report --map``; none for
        the Russian election commission's layout.
    name : str, optional
        File name, when ``source`` is a file object.
    option : str, optional
        The option (its column name, or a unique part of it, in any case);
        the option with the most votes when omitted.
    stratum : str, optional
        Column whose values are the strata of the design.

    Raises
    ------
    PriorFileError
        When the file, its mapping, the option or the strata cannot be used.
    """
    columns = _with_stratum(dict(mapping or {}), stratum)
    try:
        results = load_results(source, columns, name=name)
    except ResultsFileError as error:
        raise PriorColumnsError(str(error)) from error
    if results.station_count < 2:
        raise PriorFileError(
            f"{results.source_name} has {results.station_count} usable station(s); "
            "at least two are needed"
        )
    chosen = choose_option(results, option, exclude=stratum)
    strata = results.areas[results.mapping.areas.index(stratum)] if stratum else None
    try:
        summary = prior_results(
            results.votes[:, results.option_names.index(chosen)], results.valid, strata
        )
    except ValueError as error:
        raise PriorFileError(f"{results.source_name}: {error}") from error
    return Prior(
        source_name=results.source_name,
        rows_read=results.rows_read,
        rows_left_out=sum(row.excluded for row in results.bad_rows),
        option=chosen,
        options=results.option_names,
        stratum_column=stratum,
        results=summary,
    )


def choose_option(
    results: StationResults, wanted: str | None, *, exclude: str | None = None
) -> str:
    """The option named ``wanted`` (exactly, or a unique part in any case), or the leader.

    ``exclude`` is a column that is not an option even if it holds numbers
    (a numeric stratum the Russian layout would otherwise take for one).
    """
    names = tuple(name for name in results.option_names if name != exclude)
    if not names:
        raise PriorFileError(f"{results.source_name} has no option besides {exclude!r}")
    if wanted is None:
        totals = results.votes.sum(axis=0)
        leader = max(names, key=lambda name: totals[results.option_names.index(name)])
        return leader
    if wanted in names:
        return wanted
    folded = wanted.casefold()
    matches = [name for name in names if folded in name.casefold()]
    if len(matches) == 1:
        return matches[0]
    listed = "; ".join(names)
    if matches:
        raise PriorFileError(
            f"{wanted!r} matches several options ({'; '.join(matches)}); give more of the name"
        )
    raise PriorFileError(f"no option matches {wanted!r}; the options are: {listed}")


def _with_stratum(mapping: dict[str, Any], stratum: str | None) -> dict[str, Any]:
    """Ask the loader for the stratum column as an area column."""
    if not stratum:
        return mapping
    areas = mapping.get("areas") or []
    areas = [areas] if isinstance(areas, str) else list(areas)
    if stratum not in areas:
        areas.append(stratum)
    return {**mapping, "areas": areas}


def prior_plan_json(prior: Prior, plan: StationSamplePlan) -> dict[str, Any]:
    """The plan as plain JSON values, for ``--json`` and downloads."""
    return {
        "stations": plan.stations,
        "reporting_stations": plan.reporting,
        "design_effect": plan.design_effect,
        "design_effect_source": "prior",
        "moe": plan.moe,
        "expected_moe": plan.expected_moe,
        "confidence": plan.confidence,
        "z": plan.z,
        "response_rate": plan.response_rate,
        "option": prior.option,
        "share": plan.share,
        "prior": prior.source_name,
        "prior_rows_read": prior.rows_read,
        "prior_rows_left_out": prior.rows_left_out,
        "population_stations": plan.population_stations,
        "mean_valid_votes": plan.mean_valid,
        "voters_equivalent": plan.voters_equivalent,
        "stratum": prior.stratum_column,
        "allocation": plan.allocation,
        "strata": [
            {"label": s.label, "population": s.population, "stations": s.sampled}
            for s in plan.strata
        ],
    }
