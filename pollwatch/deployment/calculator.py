"""What the sample size calculator page computes, apart from the page itself.

Without prior results: the NDI voter formula (with a design effect when one
is given) and the two bounds on the margin of a number of stations. With a
previous election's per-station results (an uploaded file, read by the
forensics loader and never stored): the design effect for an option's share
and the stations a margin needs, stratified if asked
(:mod:`pollwatch.deployment.prior_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from pollwatch.deployment.prior_plan import (
    Prior,
    PriorColumnsError,
    PriorFileError,
    load_prior,
)
from pollwatch.stats.design_effect import StationMargin, StationSamplePlan
from pollwatch.stats.sample_size import (
    MarginOfError,
    SampleSize,
    margin_of_error_for_stations,
    sample_size,
)


class CalculatorError(Exception):
    """The calculator cannot answer; the message says what to change."""


@dataclass(frozen=True, slots=True)
class CalculatorResult:
    """Everything the calculator page shows.

    Attributes
    ----------
    size : SampleSize or None
        The voter formula's sample; ``None`` when prior results were given.
    margin : MarginOfError or None
        Bounds on the margin of the stations asked about (voter formula).
    prior : Prior or None
        The uploaded previous election, for one option.
    plan : StationSamplePlan or None
        Stations needed according to the prior.
    prior_margin : StationMargin or None
        Margin of the stations asked about, according to the prior.
    """

    size: SampleSize | None = None
    margin: MarginOfError | None = None
    prior: Prior | None = None
    plan: StationSamplePlan | None = None
    prior_margin: StationMargin | None = None

    @property
    def assumes_no_design_effect(self) -> bool:
        """The voter formula ran with a design effect of 1."""
        return self.size is not None and self.size.design_effect == 1.0


def calculate(data: Mapping[str, Any], prior_file: IO[bytes] | None = None) -> CalculatorResult:
    """Run the calculator on the form's cleaned values.

    Parameters
    ----------
    data : mapping
        ``moe`` (percentage points), ``confidence``, ``response``,
        ``stations``; for the voter formula ``heterogeneity``,
        ``population``, ``station_size``, ``turnout``, ``design_effect``;
        with a prior ``mapping`` (TOML text), ``option``, ``stratum``,
        ``allocation``, ``minimum``.
    prior_file : file object, optional
        The previous election's per-station results, read once and not kept.

    Raises
    ------
    CalculatorError
        With a message naming what is wrong (missing columns, an unknown
        option, impossible figures).
    """
    try:
        if prior_file is not None:
            return _from_prior(data, prior_file)
        return _from_formula(data)
    except PriorColumnsError as error:
        raise CalculatorError(f"{error}. {COLUMNS_HINT}") from error
    except (PriorFileError, ValueError) as error:
        raise CalculatorError(str(error)) from error


COLUMNS_HINT = (
    "On this page, name the columns in the column mapping field (TOML, as for the forensics "
    "upload), and choose the option to plan for by name."
)


def _from_formula(data: Mapping[str, Any]) -> CalculatorResult:
    size = sample_size(
        data["moe"] / 100,
        data["confidence"],
        population=data["population"],
        heterogeneity=data["heterogeneity"],
        station_size=data["station_size"],
        turnout=data["turnout"],
        response_rate=data["response"],
        design_effect=data.get("design_effect") or 1.0,
    )
    margin = None
    if data["stations"] and data["station_size"]:
        margin = margin_of_error_for_stations(
            data["stations"],
            data["station_size"],
            data["confidence"],
            turnout=data["turnout"],
            response_rate=data["response"],
            heterogeneity=data["heterogeneity"],
            population_voters=data["population"],
        )
    return CalculatorResult(size=size, margin=margin)


def _from_prior(data: Mapping[str, Any], prior_file: IO[bytes]) -> CalculatorResult:
    prior = load_prior(
        prior_file,
        data.get("mapping") or {},
        name=getattr(prior_file, "name", None),
        option=data.get("option") or None,
        stratum=data.get("stratum") or None,
    )
    allocation: str = data.get("allocation") or "proportional"
    minimum: int = data.get("minimum") or 1
    plan = prior.plan(
        data["moe"] / 100,
        data["confidence"],
        response_rate=data["response"],
        allocation=allocation,
        minimum=minimum,
    )
    prior_margin = None
    if data["stations"]:
        prior_margin = prior.margin(
            data["stations"], data["confidence"], allocation=allocation, minimum=minimum
        )
    return CalculatorResult(prior=prior, plan=plan, prior_margin=prior_margin)
