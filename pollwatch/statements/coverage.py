"""What a mission observed: the facts a statement's claims are checked against.

Framework-free: the application builds these from a mission's data, the
``pollwatch statement check`` command from its options.
"""

from __future__ import annotations

from dataclasses import dataclass

PHASES = ("opening", "voting", "counting", "tabulation")


@dataclass(frozen=True, slots=True)
class PhaseFindings:
    """What observers recorded for one phase of election day.

    Attributes
    ----------
    phase : str
        One of ``PHASES``.
    stations_assessed : int
        Stations where the phase received an overall assessment.
    assessed_negative : int
        Of those, stations where it was assessed bad or very bad.
    critical_incidents : int
        Critical incidents recorded during the phase (violence, ballot
        stuffing, observers expelled, forged protocol).
    """

    phase: str
    stations_assessed: int
    assessed_negative: int = 0
    critical_incidents: int = 0

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"unknown phase {self.phase!r}; valid phases: {', '.join(PHASES)}")
        if min(self.stations_assessed, self.assessed_negative, self.critical_incidents) < 0:
            raise ValueError("counts of stations and incidents cannot be negative")
        if self.assessed_negative > self.stations_assessed:
            raise ValueError(
                f"{self.phase}: {self.assessed_negative} negative assessments "
                f"exceed the {self.stations_assessed} stations assessed"
            )


@dataclass(frozen=True, slots=True)
class CoverageFacts:
    """A mission's coverage and what it found, as far as they are known.

    Every field may be ``None`` (unknown): a statement from another mission
    is often checked knowing only what it says about itself.

    Attributes
    ----------
    stations_observed, stations_total : int or None
        Polling stations observed, and in the country (or the election's area).
    areas_observed, areas_total : int or None
        Areas (regions, districts) where stations were observed, and in all.
    random_selection : bool or None
        Whether the stations observed were drawn at random from all of them.
    days_in_country : int or None
        Days the mission observed in the country.
    long_term_observers : bool or None
        Whether long-term observers followed the pre-election period.
    phases : tuple of PhaseFindings
        Findings per phase; empty when the findings are not known.
    confidence : float
        One-sided confidence level for the bounds the check suggests.
    """

    stations_observed: int | None = None
    stations_total: int | None = None
    areas_observed: int | None = None
    areas_total: int | None = None
    random_selection: bool | None = None
    days_in_country: int | None = None
    long_term_observers: bool | None = None
    phases: tuple[PhaseFindings, ...] = ()
    confidence: float = 0.95

    def __post_init__(self) -> None:
        _check_pair("stations", self.stations_observed, self.stations_total)
        _check_pair("areas", self.areas_observed, self.areas_total)
        if self.days_in_country is not None and self.days_in_country < 0:
            raise ValueError("days in country cannot be negative")
        if not 0.0 < self.confidence < 1.0:
            raise ValueError(f"confidence must lie strictly between 0 and 1, not {self.confidence}")

    @property
    def findings_known(self) -> bool:
        """Whether the mission's findings were given (so claims can be contradicted)."""
        return bool(self.phases)

    @property
    def full_coverage(self) -> bool:
        """Whether every polling station was observed."""
        return (
            self.stations_observed is not None
            and self.stations_total is not None
            and self.stations_observed == self.stations_total
        )

    def findings_for(self, phases: tuple[str, ...]) -> tuple[PhaseFindings, ...]:
        """Findings of the given phases, or of all phases when ``phases`` is empty."""
        if not phases:
            return self.phases
        return tuple(finding for finding in self.phases if finding.phase in phases)


def _check_pair(what: str, observed: int | None, total: int | None) -> None:
    if observed is not None and observed < 0:
        raise ValueError(f"{what} observed cannot be negative")
    if total is not None and total < 1:
        raise ValueError(f"{what} in total must be at least 1")
    if observed is not None and total is not None and observed > total:
        raise ValueError(f"{what} observed ({observed}) exceed the total ({total})")
