"""Plain-words reading of each forensic test, including what it cannot prove."""

from __future__ import annotations

from dataclasses import dataclass

from pollwatch.forensics.analysis import ALPHA, ForensicsAnalysis


@dataclass(frozen=True, slots=True)
class Reading:
    """What one test found and how to read it.

    Attributes
    ----------
    test : str
        Name of the test.
    anomalous : bool or None
        Whether the test departs from a clean election at the 5% level
        (None where the test has no formal threshold).
    finding : str
        What the figures show.
    meaning : str
        What such a result usually indicates.
    limits : str
        What the test cannot prove.
    """

    test: str
    anomalous: bool | None
    finding: str
    meaning: str
    limits: str


def read_integer_percentages(analysis: ForensicsAnalysis) -> Reading:
    """Reading of the integer-percentage test (Kobak, Shpilkin and Pshenichnikov 2016)."""
    counts = analysis.integer.any
    anomalous = counts.p_value < ALPHA
    return Reading(
        test="Integer percentages",
        anomalous=anomalous,
        finding=(
            f"Of {analysis.integer.stations_included:,} stations tested, {counts.observed:,} "
            f"report a whole-number turnout or leader share; {counts.expected:,.0f} "
            f"(sd {counts.sd:,.0f}) were expected from counting alone: "
            f"{counts.excess:+,.0f} stations, {counts.z:+.1f} standard deviations."
        ),
        meaning=(
            "Protocols written to a target figure rather than counted tend to land on round "
            "percentages; a large positive excess is a known fingerprint of that."
            if anomalous
            else "The number of round percentages is what honest counting produces."
        ),
        limits=(
            "It cannot say which stations were falsified: most round percentages occur by "
            "chance. It detects only targets expressed as whole percentages, so its absence "
            "does not show that results were counted honestly."
        ),
    )


def read_fingerprint(analysis: ForensicsAnalysis) -> Reading:
    """Reading of the fingerprint and of the turnout-share relation (Klimek et al. 2012)."""
    relation, extremes = analysis.relation, analysis.extremes
    anomalous = bool(relation.p_value < ALPHA and relation.correlation > 0.1)
    return Reading(
        test="Turnout and leader share",
        anomalous=anomalous,
        finding=(
            f"Correlation of station turnout and leader share {relation.correlation:+.2f}; "
            f"each extra point of turnout goes with {relation.slope:+.2f} points of "
            f"leader share. {extremes.both_near:,} stations report 95% or more on both, "
            f"{extremes.both_full:,} exactly 100% on both."
        ),
        meaning=(
            "In a clean election turnout and the leader's share vary largely independently "
            "and the fingerprint is one compact blob. Ballot stuffing for the leader raises "
            "both together, smearing the blob towards the corner (100%, 100%) and producing "
            "a positive slope."
        ),
        limits=(
            "Turnout and support can be linked for honest reasons: regions where the leader "
            "is popular may also vote more, and small rural stations differ from cities. "
            "Compare within areas before drawing conclusions; the relation alone cannot "
            "separate fraud from political geography."
        ),
    )


def read_distributions(analysis: ForensicsAnalysis) -> Reading:
    """Reading of the shape of the turnout distribution."""
    moments = analysis.turnout_moments
    return Reading(
        test="Shape of the turnout distribution",
        anomalous=None,
        finding=(
            f"Station turnout: mean {100 * moments.mean:.1f}%, sd {100 * moments.sd:.1f} "
            f"points, skewness {moments.skewness:+.2f}, excess kurtosis "
            f"{moments.excess_kurtosis:+.2f}."
        ),
        meaning=(
            "Clean elections usually give a roughly normal, single-peaked turnout "
            "distribution; a long right tail or a second peak near 100% is what stuffing "
            "and written-in results produce."
        ),
        limits=(
            "Distributions differ between countries and electoral systems for many reasons; "
            "the moments are descriptive and have no universal threshold."
        ),
    )


def read_digits(analysis: ForensicsAnalysis) -> Reading:
    """Reading of the digit tests (Mebane 2006; Beber and Scacco 2012)."""
    deviating = [
        f"{option.option} ({test.method.replace('_', ' ')})"
        for option in analysis.digits
        for test in option.tests
        if test.deviates and test.method != "second_digit_mean"
    ]
    return Reading(
        test="Digit tests",
        anomalous=bool(deviating),
        finding=(
            "Last-digit tests whose 95% interval excludes the clean value: "
            + (", ".join(deviating) if deviating else "none")
            + "."
        ),
        meaning=(
            "People who invent numbers choose last digits unevenly (Beber and Scacco 2012). "
            "Second digits of honest counts are only approximately Benford-distributed and "
            "depend on station size, so a second-digit departure is a weak signal."
        ),
        limits=(
            "With many options and tests some intervals miss by chance (about one in twenty). "
            "Digit tests are known to flag clean elections and to miss fraud (Deckert, Myagkov "
            "and Ordeshook 2011); they cannot prove manipulation on their own."
        ),
    )


def read_identical(analysis: ForensicsAnalysis) -> Reading:
    """Reading of the search for identical protocols."""
    identical = analysis.identical
    return Reading(
        test="Identical protocols",
        anomalous=None,
        finding=(
            f"{identical.stations:,} stations in {len(identical.groups):,} groups report exactly "
            "the same votes for every option and the same invalid ballots (stations with at "
            "least 50 votes)."
        ),
        meaning=(
            "Identical protocols at neighbouring stations can mean one protocol was copied "
            "to others instead of counting."
        ),
        limits=(
            "Small stations with few options share vectors by chance; check the stations in a "
            "group before concluding anything."
        ),
    )


def read_areas(analysis: ForensicsAnalysis) -> Reading | None:
    """Reading of the per-area breakdown."""
    areas = analysis.areas
    if areas is None:
        return None
    top = areas.ranking("integer_z")[:3]
    names = ", ".join(f"{areas.names[i]} ({areas.integer_z[i]:+.1f} sd)" for i in top)
    return Reading(
        test=f"Areas ({analysis.area_level})",
        anomalous=None,
        finding=f"Areas with the largest excess of integer percentages: {names}.",
        meaning=(
            "Anomalies concentrated in a few areas point to where to look: observer reports "
            "and complaints there are the evidence that can confirm or refute them."
        ),
        limits=("With many areas, some rank high by chance; small areas have wide uncertainty."),
    )


def all_readings(analysis: ForensicsAnalysis) -> tuple[Reading, ...]:
    """Readings of every test, in report order."""
    readings = (
        read_fingerprint(analysis),
        read_distributions(analysis),
        read_integer_percentages(analysis),
        read_digits(analysis),
        read_identical(analysis),
        read_areas(analysis),
    )
    return tuple(r for r in readings if r is not None)
