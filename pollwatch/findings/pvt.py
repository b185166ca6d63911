"""The parallel vote tabulation in the application: estimates, completeness, comparison.

Reports are PVT form 2 submissions from the stations of the mission's PVT
sample (or, without one, of its current random deployment plan), one per
station by the rule of :mod:`pollwatch.findings.counted_report` (latest
received, not rejected). Their figures are read in one query into numpy
arrays and passed to :func:`pollwatch.stats.pvt.estimate_shares` and
:func:`pollwatch.stats.pvt.estimate_turnout` (stratified ratio estimator,
Taylor linearisation within strata; see ``docs/pvt.md``).

Every station is weighted by its inclusion probability from the sample: in
an equal-probability stratum that is ``N_h / n_h`` of the reporting
stations, as before; in a stratum drawn with probability proportional to
size, ``1/π`` scaled for the stations that did not report, with the
with-replacement variance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import IntegerField, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from pollwatch.deployment.models import DeploymentPlan, SampledStation
from pollwatch.findings.counted_report import counted_rows
from pollwatch.findings.figures import Scope
from pollwatch.findings.models import OfficialResults, OfficialStationResult, PVTSample, PVTStation
from pollwatch.findings.services import ballot, option_codes
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, Round
from pollwatch.stats.pvt import (
    PVTEstimate,
    RatioEstimate,
    StratumCompleteness,
    estimate_shares,
    estimate_turnout,
    stratum_completeness,
)
from pollwatch.stats.stratified import (
    calibrate_to_strata,
    taken_with_certainty,
    weights_vary_within_strata,
)

PVT_FORM = "pvt_form2"
FIGURES = ("registered", "ballots_issued", "valid")


@dataclass(frozen=True, slots=True)
class PVTDesign:
    """Where each sampled station's stratum comes from, its weight, and the strata's sizes.

    ``weights`` is ``1/π`` of every sampled station (sorted by station);
    ``weight_sums`` their sum per stratum, what the reporting stations'
    weights are scaled to.
    """

    source: str
    stations: np.ndarray
    strata: np.ndarray
    stratum_sizes: dict[str, int]
    expected: dict[str, int]
    weights: np.ndarray
    weight_sums: dict[str, float]

    def strata_of(self, station_ids: np.ndarray) -> np.ndarray:
        """Stratum of each of ``station_ids`` (all in the sample)."""
        return self.strata[np.searchsorted(self.stations, station_ids)]

    def weights_of(self, station_ids: np.ndarray) -> np.ndarray:
        """``1/π`` of each of ``station_ids`` (all in the sample)."""
        return self.weights[np.searchsorted(self.stations, station_ids)]

    @property
    def unequal(self) -> bool:
        """Whether stations of a stratum were drawn with different probabilities (PPS)."""
        return self.stations.size > 0 and weights_vary_within_strata(self.weights, self.strata)


@dataclass(frozen=True, slots=True)
class Comparison:
    """An official share against the PVT interval."""

    option: str
    name: str
    official: float
    estimate: RatioEstimate
    inside_95: bool
    inside_99: bool


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A figure where the official per-station result and the observers' copy differ."""

    station_id: int
    station_code: str
    submission_id: int
    figure: str
    official: int
    observed: int


@dataclass(frozen=True, slots=True)
class PVTResult:
    options: tuple[tuple[str, str], ...]
    design_source: str
    reports: int
    usable: int
    left_out: int
    estimate: PVTEstimate | None
    turnout: RatioEstimate | None
    completeness: tuple[StratumCompleteness, ...]
    comparison: tuple[Comparison, ...]
    official: OfficialResults | None
    # Reports left out for tallying votes for an option not on the round's ballot.
    off_ballot: int = 0


def official_results_of(mission: Mission, round_: Round | None) -> OfficialResults | None:
    """The official results of ``round_`` imported last (any round's when none is named)."""
    imported = OfficialResults.objects.filter(mission=mission)
    if round_ is None:
        return imported.first()
    return imported.filter(round=round_).first()


def pvt_design(mission: Mission, round_: Round | None = None) -> PVTDesign | None:
    """The PVT sample's strata, sizes and weights, or those of the round's random plan.

    The PVT sample is the mission's, the same stations in every round; without
    one, the plan is the round's (:meth:`DeploymentPlanQuerySet.of_round`), or
    the current plan when no round is named.
    """
    sample = PVTSample.objects.filter(mission=mission).first()
    if sample is not None:
        rows = PVTStation.objects.filter(sample=sample).order_by("station_id")
        listed = rows.values_list("station_id", "stratum", "inclusion_probability")
        stations, strata, probabilities = _columns(listed)
        expected = _counts(strata)
        sizes = dict(sample.stratum_sizes)
        equal = np.array([expected[h] / sizes[h] if sizes.get(h) else 1.0 for h in strata])
        weights = 1.0 / np.where(np.isnan(probabilities), equal, probabilities)
        return PVTDesign("pvt", stations, strata, sizes, expected, weights, _sums(strata, weights))
    plans = DeploymentPlan.objects.filter(mission=mission)
    plan = plans.filter(is_current=True).first() if round_ is None else plans.of_round(round_)
    if plan is None or not plan.is_random:
        return None
    drawn = SampledStation.objects.filter(plan=plan, is_reserve=False).order_by("station_id")
    stations, strata, probabilities = _columns(
        drawn.values_list("station_id", "stratum", "inclusion_probability")
    )
    weights = 1.0 / probabilities
    sums = _sums(strata, weights)
    sizes = {stratum: round(total) for stratum, total in sums.items()}
    return PVTDesign("plan", stations, strata, sizes, _counts(strata), weights, sums)


def _columns(rows: QuerySet[Any, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    stations, strata, probabilities = zip(*rows, strict=True) if rows else ((), (), ())
    return (
        np.array(stations, dtype=np.int64),
        np.array(strata, dtype=str),
        np.array([np.nan if p is None else p for p in probabilities], dtype=np.float64),
    )


def _sums(strata: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    labels, where = np.unique(strata, return_inverse=True)
    totals = np.bincount(where, weights=weights, minlength=labels.size)
    return {str(label): float(total) for label, total in zip(labels, totals, strict=True)}


def _counts(strata: np.ndarray) -> dict[str, int]:
    labels, counts = np.unique(strata, return_counts=True)
    return {str(label): int(count) for label, count in zip(labels, counts, strict=True)}


def _as_int(name: str, column: str = "answers") -> Coalesce:
    """An integer from a JSON column, -1 when missing, cast in the database."""
    return Coalesce(Cast(KeyTextTransform(name, column), IntegerField()), Value(-1))


def observed_figures(
    mission: Mission, codes: list[str], scope: Scope | None = None
) -> dict[str, np.ndarray]:
    """The chosen PVT form 2 reports as arrays: id, station, figures and votes per option.

    A missing figure (no copy of the protocol) is -1.
    """
    scope = scope or Scope(mission=mission)
    names = [*FIGURES, *(f"votes_{code}" for code in codes)]
    reports = scope.submissions(PVT_FORM).annotate(**{f"n_{name}": _as_int(name) for name in names})
    rows = counted_rows(reports, "station_id", *(f"n_{name}" for name in names))
    data = np.array(rows, dtype=np.int64).reshape(-1, 2 + len(names))
    return {
        "id": data[:, 0],
        "station": data[:, 1],
        "figures": data[:, 2:5],
        "votes": data[:, 5:],
    }


def pvt_estimate(mission: Mission, scope: Scope | None = None) -> PVTResult:
    """Estimate turnout and the share of every option on the round's ballot.

    A report that gives votes to an option not on the round's ballot (a
    candidate out of the run-off) is a data error: it is left out, and
    counted in ``off_ballot`` so the page can say so. Zero or no votes for
    such an option are what a correct report gives.
    """
    round_ = scope.round if scope is not None else None
    on_ballot, off_ballot_options = ballot(mission.election, round_)
    options = tuple(on_ballot)
    codes = [code for code, _name in on_ballot]
    others = [code for code, _name in off_ballot_options]
    design = pvt_design(mission, round_)
    official = official_results_of(mission, round_)
    observed = observed_figures(mission, [*codes, *others], scope)
    empty = PVTResult(options, "", len(observed["id"]), 0, 0, None, None, (), (), official)
    if design is None:
        return empty
    in_sample = np.isin(observed["station"], design.stations)
    figures = observed["figures"]
    votes, off_votes = observed["votes"][:, : len(codes)], observed["votes"][:, len(codes) :]
    off_ballot = np.any(off_votes > 0, axis=1)
    usable = (
        in_sample
        & ~off_ballot
        & np.all(figures >= 0, axis=1)
        & np.all(votes >= 0, axis=1)
        & (votes.sum(axis=1) <= figures[:, 2])
        & (figures[:, 1] <= figures[:, 0])
    )
    if not usable.any() or figures[usable, 2].sum() == 0:
        return PVTResult(
            options,
            design.source,
            len(usable),
            0,
            int((~usable).sum()),
            None,
            None,
            stratum_completeness([], design.expected),
            (),
            official,
            int(off_ballot.sum()),
        )
    strata = design.strata_of(observed["station"][usable])
    weighting = _weighting(design, observed["station"][usable], strata)
    estimate = estimate_shares(votes[usable], figures[usable, 2], codes, **weighting)
    turnout = estimate_turnout(figures[usable, 1], figures[usable, 0], **weighting)
    return PVTResult(
        options=options,
        design_source=design.source,
        reports=len(usable),
        usable=int(usable.sum()),
        left_out=int((~usable).sum()),
        estimate=estimate,
        turnout=turnout,
        completeness=stratum_completeness(strata, design.expected),
        comparison=_compare(estimate, official, options),
        official=official,
        off_ballot=int(off_ballot.sum()),
    )


def _weighting(design: PVTDesign, station_ids: np.ndarray, strata: np.ndarray) -> dict[str, Any]:
    """How the reporting stations are weighted: by the sample's inclusion probabilities.

    Equal probabilities within every stratum: ``N_h / n_h`` of the reporting
    stations with the finite population correction, as the frame sizes give.
    Unequal ones (PPS): ``1/π`` scaled within each stratum to the sum over
    the stations drawn there (the stations that did not report), the
    with-replacement variance, and no variance from stations drawn with
    certainty.
    """
    sizes = design.stratum_sizes or None
    if not design.unequal:
        return {"strata": strata, "frame_sizes": sizes}
    drawn = design.weights_of(station_ids)
    return {
        "strata": strata,
        "frame_sizes": sizes,
        "weights": calibrate_to_strata(drawn, strata, design.weight_sums),
        "with_replacement": True,
        "certain": taken_with_certainty(drawn),
    }


def _compare(
    estimate: PVTEstimate,
    official: OfficialResults | None,
    options: tuple[tuple[str, str], ...],
) -> tuple[Comparison, ...]:
    if official is None or not official.totals.get("valid"):
        return ()
    valid = official.totals["valid"]
    return tuple(
        Comparison(
            option=code,
            name=name,
            official=official.totals["votes"].get(code, 0) / valid,
            estimate=estimate.share(code),
            inside_95=estimate.share(code).contains(official.totals["votes"].get(code, 0) / valid),
            inside_99=estimate.share(code).contains(
                official.totals["votes"].get(code, 0) / valid, 0.99
            ),
        )
        for code, name in options
    )


def mismatches(
    mission: Mission, results: OfficialResults | None = None, scope: Scope | None = None
) -> list[Mismatch]:
    """Every figure where the official per-station result differs from the observers' copy.

    Compared as arrays: the official rows and the chosen PVT form 2 reports
    of the scope's round are aligned by station; only the differing cells
    become rows.
    """
    round_ = scope.round if scope is not None else None
    results = results or official_results_of(mission, round_)
    if results is None or results.kind != OfficialResults.Kind.STATIONS:
        return []
    codes = [code for code, _name in option_codes(mission.election, round_)]
    observed = observed_figures(mission, codes, scope)
    official = _official_arrays(results, codes)
    common, at_observed, at_official = np.intersect1d(
        observed["station"], official["station"], return_indices=True
    )
    seen = np.hstack([observed["figures"], observed["votes"]])[at_observed]
    stated = official["values"][at_official]
    differs = (seen != stated) & (seen >= 0)
    rows, columns = np.nonzero(differs)
    names = [*FIGURES, *(f"votes_{code}" for code in codes)]
    station_codes = dict(
        OfficialStationResult.objects.filter(
            results=results, station_id__in=common[np.unique(rows)].tolist()
        ).values_list("station_id", "station__code")
    )
    return [
        Mismatch(
            station_id=int(common[row]),
            station_code=station_codes.get(int(common[row]), ""),
            submission_id=int(observed["id"][at_observed[row]]),
            figure=names[column],
            official=int(stated[row, column]),
            observed=int(seen[row, column]),
        )
        for row, column in zip(rows, columns, strict=True)
    ]


def _official_arrays(results: OfficialResults, codes: list[str]) -> dict[str, np.ndarray]:
    votes = {f"v_{code}": _as_int(code, "votes") for code in codes}
    rows = (
        OfficialStationResult.objects.filter(results=results)
        .annotate(**votes)
        .values_list("station_id", *FIGURES, *votes)
    )
    data = np.array(list(rows), dtype=np.int64).reshape(-1, 1 + len(FIGURES) + len(codes))
    return {"station": data[:, 0], "values": data[:, 1:]}


@dataclass(frozen=True, slots=True)
class PVTNames:
    """What the PVT pages show for the codes of their figures and strata.

    Estimates, tallies and strata are kept by code (``alina_voss``,
    ``votes_alina_voss``, an area's code); readers see the option's name, the
    figure's name and the area's name. Downloads keep the codes.
    """

    figures: dict[str, str]
    strata: dict[str, str]

    def figure(self, code: str) -> str:
        return self.figures.get(code, code)

    def stratum(self, code: str) -> str:
        return self.strata.get(code, code)


def pvt_names(mission: Mission, result: PVTResult) -> PVTNames:
    """The names of ``result``'s options, protocol figures and strata (those that are areas)."""
    codes = {stratum.stratum for stratum in result.completeness}
    areas = Area.objects.filter(election=mission.election_id, code__in=codes)
    return PVTNames(figure_names(result.options), dict(areas.values_list("code", "name")))


def figure_names(options: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Code → name of the protocol's figures and of the ballot options (code, name), their
    votes (``votes_<code>``) included."""
    names = {
        "turnout": _("Turnout"),
        "registered": _("Registered voters"),
        "ballots_issued": _("Ballots issued"),
        "valid": _("Valid votes"),
        "invalid": _("Invalid ballots"),
    }
    for code, name in options:
        names[code] = name
        names[f"votes_{code}"] = _("Votes for %(name)s") % {"name": name}
    return names
