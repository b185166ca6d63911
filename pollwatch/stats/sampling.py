"""Probability samples of polling stations: simple, stratified and PPS designs.

A draw records its design, its seed and the inclusion probability of every
unit of the frame, so that estimates can weight each sampled station by the
inverse of its probability and the same seed and frame give the same sample.

Designs
-------
- simple random sampling without replacement;
- stratified sampling with proportional, equal or Neyman allocation and a
  minimum per stratum (Cochran 1977, ch. 5);
- probability proportional to size (PPS) with fixed sample size: randomised
  systematic PPS (Madow 1949; Goodman and Kish 1950), within strata when
  stratified, with units whose probability would exceed one taken with
  certainty (Särndal, Swensson and Wretman 1992, §3.6).

Each stratum also gets a reserve list: further units in the order in which
they replace sampled units that cannot be observed.

References
----------
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. New York: Wiley.
Goodman, R. and Kish, L. (1950). Controlled selection — a technique in
probability sampling. *JASA* 45(251), 350–372. doi:10.1080/01621459.1950.10483356
Madow, W. G. (1949). On the theory of systematic sampling, II. *Annals of
Mathematical Statistics* 20(3), 333–354. doi:10.1214/aoms/1177729988
Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted Survey
Sampling*. New York: Springer. doi:10.1007/978-1-4612-4378-6
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ALLOCATIONS",
    "PPS_METHODS",
    "SampleDesign",
    "SampleDraw",
    "StratumDraw",
    "allocate_sample",
    "combine_strata",
    "describe_design",
    "draw_pps_sample",
    "draw_sample",
    "draw_simple_random_sample",
    "draw_stratified_sample",
    "fresh_seed",
    "pps_inclusion_probabilities",
    "size_classes",
]

ALLOCATIONS = ("proportional", "equal", "neyman")
PPS_METHODS = ("systematic",)

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]

_WHOLE_FRAME = "all"

_Array = TypeVar("_Array", bound=NDArray[np.generic])


@dataclass(frozen=True, slots=True)
class SampleDesign:
    """What to draw: the recorded design of a sample.

    Attributes
    ----------
    size : int
        Units to sample (not counting reserves).
    seed : int
        Seed of the ``numpy.random.Generator`` (PCG64) that draws the sample.
    stratified_by : tuple of str
        Names of the columns whose values form the strata; empty for an
        unstratified design.
    allocation : str
        How the sample is shared among strata: one of :data:`ALLOCATIONS`.
    minimum_per_stratum : int
        Least units sampled in each stratum (all of a smaller stratum).
    pps_by : str or None
        Name of the size measure for PPS sampling (such as registered
        voters); ``None`` for equal probabilities within strata.
    pps_method : str
        Fixed-size PPS method: one of :data:`PPS_METHODS`.
    neyman_by : str or None
        Name of the variable whose spread within strata drives Neyman
        allocation.
    reserve_per_stratum : int
        Reserve units listed per stratum for replacements.
    unit : str
        Plural noun for the units, used in the description.
    """

    size: int
    seed: int
    stratified_by: tuple[str, ...] = ()
    allocation: str = "proportional"
    minimum_per_stratum: int = 0
    pps_by: str | None = None
    pps_method: str = "systematic"
    neyman_by: str | None = None
    reserve_per_stratum: int = 0
    unit: str = "stations"

    def __post_init__(self) -> None:
        if self.allocation not in ALLOCATIONS:
            raise ValueError(
                f"unknown allocation {self.allocation!r}; valid: {', '.join(ALLOCATIONS)}"
            )
        if self.pps_method not in PPS_METHODS:
            raise ValueError(
                f"unknown PPS method {self.pps_method!r}; valid: {', '.join(PPS_METHODS)}"
            )
        if self.size < 1:
            raise ValueError(f"the sample size must be at least 1, not {self.size}")
        if self.minimum_per_stratum < 0 or self.reserve_per_stratum < 0:
            raise ValueError("the minimum and the reserve per stratum cannot be negative")
        if not self.stratified_by and (
            self.allocation != "proportional" or self.minimum_per_stratum
        ):
            raise ValueError("an allocation or a minimum per stratum needs strata")
        if self.allocation == "neyman" and self.stratified_by and not self.neyman_by:
            raise ValueError("Neyman allocation needs the variable whose spread it uses")


@dataclass(frozen=True, slots=True, eq=False)
class StratumDraw:
    """The draw in one stratum (compared by identity: it holds arrays).

    Attributes
    ----------
    label : str
        The stratum's value (values joined by " / " for several columns).
    units : int
        Units of the frame in the stratum, ``N_h``.
    allocated : int
        Units sampled in the stratum, ``n_h``.
    certainty : int
        Sampled units taken with certainty (PPS units larger than the
        sampling interval).
    selected : ndarray of int
        Frame positions of the sampled units, ascending.
    reserve : ndarray of int
        Frame positions of the reserve units, in the order they are used.
    """

    label: str
    units: int
    allocated: int
    certainty: int
    selected: IntArray
    reserve: IntArray


@dataclass(frozen=True, slots=True, eq=False)
class SampleDraw:
    """A drawn sample with everything later estimates need (compared by identity).

    Attributes
    ----------
    design : SampleDesign
        The design and seed that produced the draw.
    frame_size : int
        Units in the frame.
    strata : tuple of StratumDraw
        One entry per stratum, in sorted label order.
    stratum_of_unit : ndarray of int
        For every frame unit, its position in ``strata``.
    inclusion_probabilities : ndarray of float
        For every frame unit, its probability of being sampled.
    selected : ndarray of int
        Frame positions of the sampled units, ascending.
    """

    design: SampleDesign
    frame_size: int
    strata: tuple[StratumDraw, ...]
    stratum_of_unit: IntArray
    inclusion_probabilities: FloatArray
    selected: IntArray

    @property
    def weights(self) -> FloatArray:
        """Design weights ``1/π`` of the sampled units, in ``selected`` order."""
        return 1.0 / self.inclusion_probabilities[self.selected]

    @property
    def reserve(self) -> IntArray:
        """Frame positions of all reserve units, stratum by stratum."""
        return np.concatenate([s.reserve for s in self.strata]).astype(np.intp)

    @property
    def stratum_labels(self) -> tuple[str, ...]:
        """Labels of the strata, in the order of ``strata``."""
        return tuple(s.label for s in self.strata)

    def describe(self) -> str:
        """The design in words; see :func:`describe_design`."""
        return describe_design(self)


def draw_sample(
    design: SampleDesign,
    frame_size: int,
    *,
    strata: ArrayLike | None = None,
    sizes: ArrayLike | None = None,
    neyman_values: ArrayLike | None = None,
) -> SampleDraw:
    """Draw a probability sample from a frame of ``frame_size`` units.

    Within each stratum the units are drawn by simple random sampling without
    replacement, or by randomised systematic PPS when ``design.pps_by`` is set
    (units in random order, one random start, a fixed interval; each unit's
    probability is exactly ``n_h · x_i / X_h``, with units for which that
    exceeds one taken with certainty). The strata are drawn in sorted label
    order from one generator seeded with ``design.seed``.

    Parameters
    ----------
    design : SampleDesign
        What to draw.
    frame_size : int
        Units in the frame.
    strata : array_like of str, optional
        Stratum label of each unit; required when ``design.stratified_by``.
    sizes : array_like of float, optional
        Positive size measure of each unit; required when ``design.pps_by``.
    neyman_values : array_like of float, optional
        Variable whose standard deviation within each stratum drives Neyman
        allocation (``n_h ∝ N_h S_h``).

    Returns
    -------
    SampleDraw

    Raises
    ------
    ValueError
        When the arrays do not match the design or the frame, or when the
        allocation cannot be met (more than the frame, minimum too large).

    References
    ----------
    Cochran (1977), §5.5 and §5.9; Madow (1949); Goodman and Kish (1950);
    Särndal, Swensson and Wretman (1992), §3.6.
    """
    labels, stratum_of_unit = _stratum_index(design, frame_size, strata)
    size_values = _pps_sizes(design, frame_size, sizes)
    members = _members_by_stratum(stratum_of_unit, len(labels))
    counts = np.array([len(m) for m in members], dtype=np.intp)
    spreads = _neyman_spreads(design, frame_size, members, neyman_values)
    allocated = allocate_sample(
        counts,
        design.size,
        design.allocation if design.stratified_by else "proportional",
        minimum=design.minimum_per_stratum,
        spreads=spreads,
    )
    rng = np.random.default_rng(design.seed)
    probabilities = np.zeros(frame_size, dtype=np.float64)
    stratum_draws = []
    for label, units, n_h in zip(labels, members, allocated, strict=True):
        unit_sizes = None if size_values is None else size_values[units]
        draw = _draw_stratum(rng, str(label), units, int(n_h), unit_sizes, design)
        probabilities[units] = draw[1]
        stratum_draws.append(draw[0])
    selected = np.sort(np.concatenate([s.selected for s in stratum_draws])).astype(np.intp)
    return SampleDraw(
        design=design,
        frame_size=frame_size,
        strata=tuple(stratum_draws),
        stratum_of_unit=_read_only(stratum_of_unit),
        inclusion_probabilities=_read_only(probabilities),
        selected=_read_only(selected),
    )


def fresh_seed() -> int:
    """A new nine-digit seed from the operating system's randomness, to record with a draw."""
    return 100_000_000 + secrets.randbelow(900_000_000)


def draw_simple_random_sample(frame_size: int, size: int, seed: int) -> SampleDraw:
    """Draw a simple random sample without replacement; see :func:`draw_sample`."""
    return draw_sample(SampleDesign(size=size, seed=seed), frame_size)


def draw_stratified_sample(
    strata: ArrayLike,
    size: int,
    seed: int,
    *,
    allocation: str = "proportional",
    minimum_per_stratum: int = 0,
    stratified_by: Sequence[str] = ("stratum",),
    neyman_values: ArrayLike | None = None,
) -> SampleDraw:
    """Draw a stratified simple random sample; see :func:`draw_sample`."""
    design = SampleDesign(
        size=size,
        seed=seed,
        stratified_by=tuple(stratified_by),
        allocation=allocation,
        minimum_per_stratum=minimum_per_stratum,
        neyman_by="the variable" if neyman_values is not None else None,
    )
    labels = np.asarray(strata)
    return draw_sample(design, len(labels), strata=labels, neyman_values=neyman_values)


def draw_pps_sample(
    sizes: ArrayLike, size: int, seed: int, *, pps_by: str = "registered voters"
) -> SampleDraw:
    """Draw an unstratified randomised systematic PPS sample; see :func:`draw_sample`."""
    values = np.asarray(sizes, dtype=np.float64)
    design = SampleDesign(size=size, seed=seed, pps_by=pps_by)
    return draw_sample(design, len(values), sizes=values)


def allocate_sample(
    stratum_sizes: ArrayLike,
    size: int,
    method: str = "proportional",
    *,
    minimum: int = 0,
    spreads: ArrayLike | None = None,
) -> IntArray:
    """Share a sample of ``size`` units among strata.

    Proportional allocation gives ``n_h ∝ N_h``, equal allocation the same
    number to each stratum, Neyman allocation ``n_h ∝ N_h S_h``. Each stratum
    gets at least ``min(minimum, N_h)`` and at most ``N_h``: strata that hit a
    bound are fixed there and the rest is shared again among the others.
    Fractions are rounded by largest remainder, so the total is exact.

    Parameters
    ----------
    stratum_sizes : array_like of int
        Units in each stratum, ``N_h``.
    size : int
        Total sample size.
    method : str, default "proportional"
        One of :data:`ALLOCATIONS`.
    minimum : int, default 0
        Least units per stratum.
    spreads : array_like of float, optional
        Standard deviation ``S_h`` of each stratum; required for Neyman. When
        every spread is zero, Neyman falls back to proportional allocation.

    Returns
    -------
    ndarray of int
        Sample size per stratum, summing to ``size``.

    References
    ----------
    Cochran (1977), *Sampling Techniques*, §5.5 (proportional) and §5.9
    (Neyman, with the treatment of strata where ``n_h`` would exceed ``N_h``).
    """
    counts = np.asarray(stratum_sizes, dtype=np.intp)
    if method not in ALLOCATIONS:
        raise ValueError(f"unknown allocation {method!r}; valid: {', '.join(ALLOCATIONS)}")
    if counts.ndim != 1 or len(counts) == 0 or (counts < 1).any():
        raise ValueError("every stratum must hold at least one unit")
    lower = np.minimum(minimum, counts)
    if size > counts.sum():
        raise ValueError(f"cannot sample {size:,} units from a frame of {counts.sum():,}")
    if lower.sum() > size:
        raise ValueError(
            f"a minimum of {minimum} in each of {len(counts)} strata needs {lower.sum():,} "
            f"units, more than the sample of {size:,}"
        )
    shares = _allocation_shares(counts, method, spreads)
    ideal = _bounded_shares(shares, size, lower.astype(np.float64), counts.astype(np.float64))
    return _round_largest_remainder(ideal, size, counts)


def pps_inclusion_probabilities(sizes: ArrayLike, n: int) -> FloatArray:
    """Inclusion probabilities ``π_i = n x_i / X`` of a fixed-size PPS design.

    Units whose ``π_i`` would reach one are taken with certainty (``π_i = 1``)
    and the remaining sample is shared among the others in proportion to
    size, repeatedly until no probability exceeds one.

    Parameters
    ----------
    sizes : array_like of float
        Positive size measures ``x_i``.
    n : int
        Sample size, at most the number of units.

    Returns
    -------
    ndarray of float
        ``π_i``, summing to ``n``.

    References
    ----------
    Särndal, Swensson and Wretman (1992), *Model Assisted Survey Sampling*, §3.6.
    """
    values = np.asarray(sizes, dtype=np.float64)
    if n > len(values):
        raise ValueError(f"cannot sample {n:,} units from {len(values):,}")
    probabilities = np.zeros(len(values), dtype=np.float64)
    certain = np.zeros(len(values), dtype=bool)
    while True:
        free = ~certain
        remaining = n - int(certain.sum())
        probabilities[free] = remaining * values[free] / values[free].sum() if free.any() else 0
        newly_certain = free & (probabilities >= 1.0)
        if not newly_certain.any():
            break
        certain |= newly_certain
    probabilities[certain] = 1.0
    return probabilities


def combine_strata(columns: Sequence[ArrayLike], separator: str = " / ") -> NDArray[np.str_]:
    """Stratum labels from several columns: ``"North / urban"``.

    Parameters
    ----------
    columns : sequence of array_like
        One array per stratifying column, all of the same length.
    separator : str, default " / "
        Text between the values.

    Returns
    -------
    ndarray of str
    """
    if not columns:
        raise ValueError("at least one column is needed to form strata")
    texts = [np.asarray(column).astype(str) for column in columns]
    combined = texts[0]
    for text in texts[1:]:
        combined = np.char.add(np.char.add(combined, separator), text)
    return combined


def size_classes(sizes: ArrayLike, bounds: Sequence[float]) -> NDArray[np.str_]:
    """Size-class labels such as ``"under 500"``, ``"500 to 999"``, ``"1,000 and over"``.

    Parameters
    ----------
    sizes : array_like of float
        Size of each unit, such as registered voters.
    bounds : sequence of float
        Increasing class boundaries; a unit equal to a bound belongs to the
        class above it.

    Returns
    -------
    ndarray of str
        One label per unit, usable as a stratum.
    """
    edges = [float(b) for b in bounds]
    if not edges or any(high <= low for low, high in zip(edges, edges[1:], strict=False)):
        raise ValueError("size-class bounds must be a non-empty increasing sequence")
    names = [f"under {edges[0]:,.0f}"]
    names += [f"{low:,.0f} to {high - 1:,.0f}" for low, high in zip(edges, edges[1:], strict=False)]
    names.append(f"{edges[-1]:,.0f} and over")
    positions = np.searchsorted(np.asarray(edges), np.asarray(sizes, dtype=np.float64), "right")
    return np.asarray(names)[positions]


def describe_design(draw: SampleDraw) -> str:
    """The design of a draw in words, for the mission's published method.

    Example: "1,000 stations drawn at random, stratified by region,
    proportional to the number of stations; seed 20261124. Frame of 100,000
    stations in 12 strata."

    Parameters
    ----------
    draw : SampleDraw

    Returns
    -------
    str
    """
    design = draw.design
    unit = design.unit
    how = f"with probability proportional to {design.pps_by}" if design.pps_by else "at random"
    parts = [f"{design.size:,} {unit} drawn {how}"]
    if design.pps_by:
        parts.append("systematically from a random order with a random start")
    if design.stratified_by:
        parts.append(f"stratified by {' and '.join(design.stratified_by)}")
        parts.append(_allocation_phrase(design))
        if design.minimum_per_stratum:
            parts.append(f"at least {design.minimum_per_stratum:,} per stratum")
    text = ", ".join(parts) + f"; seed {design.seed}."
    strata = f" in {len(draw.strata):,} strata" if design.stratified_by else ""
    text += f" Frame of {draw.frame_size:,} {unit}{strata}."
    certainty = sum(s.certainty for s in draw.strata)
    if certainty:
        text += f" {certainty:,} of them taken with certainty, being larger than the interval."
    empty = sum(1 for s in draw.strata if s.allocated == 0)
    if empty:
        text += f" {empty:,} strata get no {unit}: their {unit} cannot be drawn."
    if design.reserve_per_stratum:
        text += f" Reserve list of {design.reserve_per_stratum:,} {unit} per stratum."
    return text


def _allocation_phrase(design: SampleDesign) -> str:
    if design.allocation == "equal":
        return "the same number in each stratum"
    if design.allocation == "neyman":
        return f"Neyman allocation on the spread of {design.neyman_by}"
    return f"proportional to the number of {design.unit}"


def _stratum_index(
    design: SampleDesign, frame_size: int, strata: ArrayLike | None
) -> tuple[NDArray[np.str_], IntArray]:
    if frame_size < 1:
        raise ValueError("the frame is empty")
    if not design.stratified_by:
        return np.asarray([_WHOLE_FRAME]), np.zeros(frame_size, dtype=np.intp)
    if strata is None:
        raise ValueError(f"the design is stratified by {design.stratified_by}: give the strata")
    labels = np.asarray(strata).astype(str)
    _require_length("strata", labels, frame_size)
    unique, inverse = np.unique(labels, return_inverse=True)
    return unique, inverse.astype(np.intp)


def _pps_sizes(design: SampleDesign, frame_size: int, sizes: ArrayLike | None) -> FloatArray | None:
    if design.pps_by is None:
        return None
    if sizes is None:
        raise ValueError(f"the design is PPS by {design.pps_by}: give the sizes")
    values = np.asarray(sizes, dtype=np.float64)
    _require_length("sizes", values, frame_size)
    bad = np.flatnonzero(~(np.isfinite(values) & (values > 0)))
    if len(bad):
        raise ValueError(
            f"PPS sizes must be positive numbers; {len(bad):,} are not "
            f"(frame positions {', '.join(map(str, bad[:5]))})"
        )
    return values


def _neyman_spreads(
    design: SampleDesign,
    frame_size: int,
    members: list[IntArray],
    neyman_values: ArrayLike | None,
) -> FloatArray | None:
    if not design.stratified_by or design.allocation != "neyman":
        return None
    if neyman_values is None:
        raise ValueError("Neyman allocation needs the values of its variable for every unit")
    values = np.asarray(neyman_values, dtype=np.float64)
    _require_length("neyman_values", values, frame_size)
    if not np.isfinite(values).all():
        raise ValueError("the Neyman variable has missing or infinite values")
    return np.array([values[m].std(ddof=1) if len(m) > 1 else 0.0 for m in members])


def _members_by_stratum(stratum_of_unit: IntArray, strata: int) -> list[IntArray]:
    order = np.argsort(stratum_of_unit, kind="stable").astype(np.intp)
    bounds = np.searchsorted(stratum_of_unit[order], np.arange(1, strata))
    return list(np.split(order, bounds))


def _allocation_shares(counts: IntArray, method: str, spreads: ArrayLike | None) -> FloatArray:
    if method == "equal":
        return np.ones(len(counts), dtype=np.float64)
    if method == "neyman":
        if spreads is None:
            raise ValueError("Neyman allocation needs the spread of each stratum")
        spread = np.asarray(spreads, dtype=np.float64)
        _require_length("spreads", spread, len(counts))
        if (spread < 0).any() or not np.isfinite(spread).all():
            raise ValueError("stratum spreads must be finite and non-negative")
        shares = counts * spread
        if shares.sum() > 0:
            return np.asarray(shares, dtype=np.float64)
    return counts.astype(np.float64)


def _bounded_shares(
    shares: FloatArray, size: int, lower: FloatArray, upper: FloatArray
) -> FloatArray:
    """Fractional allocation ``clip(λ·shares, lower, upper)`` summing to ``size``.

    ``λ`` is found by bisection: the clipped total grows monotonically with it.
    Strata with a zero share stay at their lower bound unless the others,
    filled to capacity, cannot hold the sample; then they share the rest in
    proportion to their size.
    """
    positive = shares > 0
    if not positive.any():
        return _bounded_shares(upper.copy(), size, lower, upper)
    capacity = float(np.where(positive, upper, lower).sum())
    if capacity < size:
        rest = _bounded_shares(
            np.where(positive, 0.0, upper),
            size - int(upper[positive].sum()),
            np.where(positive, 0.0, lower),
            np.where(positive, 0.0, upper),
        )
        return np.where(positive, upper, rest)
    low, high = 0.0, float((upper[positive] / shares[positive]).max())
    for _ in range(200):
        middle = (low + high) / 2
        if np.clip(middle * shares, lower, upper).sum() < size:
            low = middle
        else:
            high = middle
    ideal: FloatArray = np.clip(high * shares, lower, upper)
    return ideal


def _round_largest_remainder(ideal: FloatArray, size: int, counts: IntArray) -> IntArray:
    # Snap values within rounding noise of an integer before flooring.
    snapped = np.where(np.isclose(ideal, np.round(ideal), atol=1e-9), np.round(ideal), ideal)
    whole = np.minimum(np.floor(snapped).astype(np.intp), counts)
    shortfall = max(size - int(whole.sum()), 0)
    remainder = np.where(whole < counts, snapped - whole, -1.0)
    order = np.argsort(-remainder, kind="stable")
    whole[order[:shortfall]] += 1
    return whole


def _draw_stratum(
    rng: np.random.Generator,
    label: str,
    units: IntArray,
    n: int,
    sizes: FloatArray | None,
    design: SampleDesign,
) -> tuple[StratumDraw, FloatArray]:
    reserve_size = min(design.reserve_per_stratum, len(units) - n)
    if sizes is None:
        order = rng.permutation(len(units))
        chosen, spare = order[:n], order[n : n + reserve_size]
        probabilities = np.full(len(units), n / len(units))
        certainty = 0
    else:
        probabilities = pps_inclusion_probabilities(sizes, n)
        chosen = _systematic_pps(rng, probabilities, n)
        spare = _successive_pps_reserve(rng, sizes, chosen, reserve_size)
        certainty = int((probabilities[chosen] >= 1.0).sum())
    stratum = StratumDraw(
        label=label,
        units=len(units),
        allocated=n,
        certainty=certainty,
        selected=_read_only(np.sort(units[chosen])),
        reserve=_read_only(units[spare]),
    )
    return stratum, probabilities


def _systematic_pps(rng: np.random.Generator, probabilities: FloatArray, n: int) -> IntArray:
    """Randomised systematic selection: random order, one random start, unit steps."""
    order = rng.permutation(len(probabilities))
    start = rng.random()
    if n == 0:
        return np.empty(0, dtype=np.intp)
    cumulative = np.cumsum(probabilities[order])
    cumulative *= n / cumulative[-1]
    hits = np.searchsorted(cumulative, start + np.arange(n), side="right")
    chosen = order[hits]
    if len(np.unique(chosen)) != n:
        raise RuntimeError("systematic PPS selected a unit twice; probabilities exceed one")
    return chosen.astype(np.intp)


def _successive_pps_reserve(
    rng: np.random.Generator, sizes: FloatArray, chosen: IntArray, count: int
) -> IntArray:
    """Reserve units drawn one after another with probability proportional to size."""
    if count == 0:
        return np.empty(0, dtype=np.intp)
    rest = np.setdiff1d(np.arange(len(sizes)), chosen)
    if len(rest) == 0:
        return np.empty(0, dtype=np.intp)
    weights = sizes[rest] / sizes[rest].sum()
    return rng.choice(rest, size=count, replace=False, p=weights).astype(np.intp)


def _require_length(name: str, values: NDArray[np.generic], expected: int) -> None:
    if values.ndim != 1 or len(values) != expected:
        raise ValueError(f"{name} must hold one value per unit ({expected:,}), not {values.shape}")


def _read_only(values: _Array) -> _Array:
    values.setflags(write=False)
    return values
