"""Synthetic elections with a known amount of fraud, after the model of Klimek et al. (2012)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CLEAN, INCREMENTAL, EXTREME = 0, 1, 2


@dataclass(frozen=True, slots=True)
class ElectionModel:
    """Parameters of the Klimek et al. model.

    Attributes
    ----------
    f_i : float
        Fraction of stations with incremental fraud.
    f_e : float
        Fraction of stations with extreme fraud.
    turnout_mean, turnout_sd : float
        Clean turnout: normal truncated to [0, 1].
    share_mean, share_sd : float
        Clean leader share of valid votes: normal truncated to [0, 1].
    fraud_sd : float
        Spread of the fraud intensity: incremental stations move a fraction
        ``|N(0, fraud_sd)|`` of non-voters' ballots and of opposition votes to
        the leader; extreme stations ``1 - |N(0, fraud_sd)|``.
    invalid_rate : float
        Chance that a ballot is invalid.
    f_integer : float
        Fraction of stations whose protocol is rewritten to whole-percentage
        turnout and leader share (the pattern of Kobak et al. 2016; not part of
        the original model).
    opposition : int
        Opposition options among which the other votes are shared equally.
    """

    f_i: float = 0.0
    f_e: float = 0.0
    turnout_mean: float = 0.6
    turnout_sd: float = 0.1
    share_mean: float = 0.5
    share_sd: float = 0.1
    fraud_sd: float = 0.075
    invalid_rate: float = 0.01
    f_integer: float = 0.0
    opposition: int = 3

    def __post_init__(self) -> None:
        for name in ("f_i", "f_e", "f_integer", "invalid_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie between 0 and 1")
        if self.f_i + self.f_e > 1.0:
            raise ValueError("f_i + f_e must not exceed 1")
        if min(self.turnout_sd, self.share_sd, self.fraud_sd) <= 0:
            raise ValueError("standard deviations must be positive")
        if self.opposition < 1:
            raise ValueError("at least one opposition option is needed")


@dataclass(frozen=True, slots=True)
class SyntheticElection:
    """A simulated election, one row per station.

    Attributes
    ----------
    registered, given, valid, invalid : numpy.ndarray of int
        Protocol figures per station; every ballot given is found in the box.
    votes : numpy.ndarray of int, shape (stations, 1 + opposition)
        Votes per option, the leader in column 0.
    fraud : numpy.ndarray of int
        0 clean, 1 incremental fraud, 2 extreme fraud.
    rigged : numpy.ndarray of bool
        Stations rewritten to whole percentages.
    model : ElectionModel
        The parameters used.
    """

    registered: IntArray
    given: IntArray
    valid: IntArray
    invalid: IntArray
    votes: IntArray
    fraud: IntArray
    rigged: BoolArray
    model: ElectionModel

    @property
    def received(self) -> IntArray:
        """Ballots found in the boxes, valid plus invalid."""
        return self.valid + self.invalid

    @property
    def leader(self) -> IntArray:
        """Votes for the leader."""
        return self.votes[:, 0]


def simulate_election(
    model: ElectionModel,
    *,
    stations: int = 20_000,
    registered: npt.ArrayLike | None = None,
    seed: int | None = None,
) -> SyntheticElection:
    """Draw one election from the Klimek et al. model.

    Parameters
    ----------
    model : ElectionModel
        Parameters of the model.
    stations : int
        Number of stations, when ``registered`` is not given.
    registered : array_like of int, optional
        Registered voters per station; by default uniform on 200-3000.
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    SyntheticElection

    Notes
    -----
    Each station draws a clean turnout and leader share from truncated
    normals; ballots are Binomial(registered, turnout) and leader votes
    Binomial(valid, share). With probability ``f_i`` a station gets
    incremental fraud, with probability ``f_e`` extreme fraud: a fraction
    ``x`` of the non-voters' ballots is stuffed for the leader and the same
    fraction of opposition votes is moved to the leader.

    References
    ----------
    Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). Statistical
    detection of systematic election irregularities. PNAS 109(41),
    16469-16473. doi:10.1073/pnas.1210722109
    """
    rng = np.random.default_rng(seed)
    if registered is None:
        reg = rng.integers(200, 3001, size=stations).astype(np.int64)
    else:
        reg = np.asarray(registered, dtype=np.int64)
    n = reg.size
    turnout = _truncated_normal(model.turnout_mean, model.turnout_sd, n, rng)
    share = _truncated_normal(model.share_mean, model.share_sd, n, rng)
    given = rng.binomial(reg, turnout)
    invalid = rng.binomial(given, model.invalid_rate)
    leader = rng.binomial(given - invalid, share)
    opposition = given - invalid - leader

    fraud = _fraud_types(model, n, rng)
    intensity = _fraud_intensity(fraud, model.fraud_sd, rng)
    stuffed = rng.binomial(reg - given, intensity)
    stolen = rng.binomial(opposition, intensity)
    given = given + stuffed
    leader = leader + stuffed + stolen
    opposition = opposition - stolen

    rigged = rng.random(n) < model.f_integer
    given, invalid, leader, opposition = _round_to_whole_percentages(
        rigged, reg, given, invalid, leader, opposition
    )
    votes = np.column_stack([leader, _split(opposition, model.opposition, rng)])
    return SyntheticElection(
        registered=reg,
        given=given,
        valid=votes.sum(axis=1),
        invalid=invalid,
        votes=votes,
        fraud=fraud,
        rigged=rigged,
        model=model,
    )


def _truncated_normal(
    mean: float, sd: float, size: int, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    a, b = (0.0 - mean) / sd, (1.0 - mean) / sd
    return np.asarray(stats.truncnorm.rvs(a, b, loc=mean, scale=sd, size=size, random_state=rng))


def _fraud_types(model: ElectionModel, n: int, rng: np.random.Generator) -> IntArray:
    u = rng.random(n)
    fraud = np.full(n, CLEAN, dtype=np.int64)
    fraud[u < model.f_i] = INCREMENTAL
    fraud[(u >= model.f_i) & (u < model.f_i + model.f_e)] = EXTREME
    return fraud


def _fraud_intensity(
    fraud: IntArray, sd: float, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    spread = np.abs(rng.normal(0.0, sd, fraud.size))
    intensity = np.where(fraud == INCREMENTAL, spread, 1.0 - spread)
    return np.where(fraud == CLEAN, 0.0, np.clip(intensity, 0.0, 1.0))


def _round_to_whole_percentages(
    rigged: BoolArray,
    reg: IntArray,
    given: IntArray,
    invalid: IntArray,
    leader: IntArray,
    opposition: IntArray,
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    given, invalid, leader, opposition = (a.copy() for a in (given, invalid, leader, opposition))
    r = np.flatnonzero(rigged & (reg > 0))
    new_given = np.rint(reg[r] * np.rint(100.0 * given[r] / reg[r]) / 100.0).astype(np.int64)
    new_invalid = np.minimum(invalid[r], new_given)
    received = new_given
    share = (leader[r] / np.maximum(leader[r] + opposition[r] + invalid[r], 1)).clip(0, 1)
    new_leader = np.rint(received * np.rint(100.0 * share) / 100.0).astype(np.int64)
    new_leader = np.minimum(new_leader, received - new_invalid)
    given[r], invalid[r], leader[r] = new_given, new_invalid, new_leader
    opposition[r] = received - new_invalid - new_leader
    return given, invalid, leader, opposition


def _split(total: IntArray, parts: int, rng: np.random.Generator) -> IntArray:
    shares = np.full(parts, 1.0 / parts)
    return np.asarray(rng.multinomial(total, shares), dtype=np.int64).reshape(total.size, parts)
