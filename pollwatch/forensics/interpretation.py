"""Plain-words reading of each forensic test, and the report's family-wise headline.

Every test with a p-value enters one family; the headline flags a test only
when its Holm-adjusted p-value is below :data:`ALPHA`, so that on a clean
election the report flags anything at all at most 5% of the time, however
many options and tests it runs. Tests that cannot run say so and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pollwatch.forensics.analysis import ALPHA, ForensicsAnalysis
from pollwatch.lib.catalogues import gettext as _
from pollwatch.lib.catalogues import gettext_noop, ngettext
from pollwatch.stats.integer_percentages import IntegerCount
from pollwatch.stats.multiple_testing import holm_adjusted

#: The within-area correlation must reach this before the turnout-share relation is flagged,
#: whatever its p-value: with tens of thousands of stations a trivial link is significant.
MIN_WITHIN_CORRELATION = 0.1

# Test names are codes (results.json, the headline's flags) as well as headings: they are
# marked here and translated where they are shown, by test_title.
FINGERPRINT = gettext_noop("Turnout and leader share")
INTEGER = gettext_noop("Integer percentages")
DIGITS = gettext_noop("Digit tests")
DISTRIBUTION = gettext_noop("Shape of the turnout distribution")
IDENTICAL = gettext_noop("Identical protocols")


def test_title(test: str) -> str:
    """The name of ``test`` in the language being written."""
    return _(test)


def areas_test(level: str | None) -> str:
    """The name of the per-area reading, by the level it breaks down by."""
    return f"Areas ({level})"


def areas_title(level: str | None) -> str:
    """The heading of the per-area reading in the language being written."""
    return _("Areas (%(level)s)") % {"level": level}


@dataclass(frozen=True, slots=True)
class Reading:
    """What one test found and how to read it.

    Attributes
    ----------
    test : str
        Name of the test.
    anomalous : bool or None
        Whether the report's headline flags the test (Holm-adjusted p-value
        under 5%); None where the test has no formal threshold or did not run.
    finding : str
        What the figures show.
    meaning : str
        What such a result usually indicates.
    limits : str
        What the test cannot prove.
    p_value, adjusted_p : float or None
        The test's own p-value (its smallest, for a group of tests) and the
        Holm-adjusted one; None for descriptions and tests that did not run.
    not_run : str or None
        Why the test could not run, when it could not.
    """

    test: str
    anomalous: bool | None
    finding: str
    meaning: str
    limits: str
    p_value: float | None = None
    adjusted_p: float | None = None
    not_run: str | None = None


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """One p-value of the report's family.

    Attributes
    ----------
    test : str
        The reading it belongs to.
    label : str
        What exactly was tested (the option and method for digit tests).
    p_value, adjusted_p : float
        Its own and its Holm-adjusted p-value.
    flagged : bool
        Whether the headline flags it.
    """

    test: str
    label: str
    p_value: float
    adjusted_p: float
    flagged: bool


@dataclass(frozen=True, slots=True)
class Headline:
    """The report's verdict, with the family-wise error controlled by Holm's method.

    Attributes
    ----------
    alpha : float
        Family-wise level.
    members : tuple of FamilyMember
        Every p-value of the family, in report order.
    """

    alpha: float
    members: tuple[FamilyMember, ...]

    @property
    def flagged_tests(self) -> tuple[str, ...]:
        """Readings with at least one flagged member, in report order."""
        return tuple(dict.fromkeys(m.test for m in self.members if m.flagged))

    def adjusted_p(self, label: str) -> float | None:
        """Holm-adjusted p-value of the member labelled ``label`` (None if not in the family)."""
        return next((m.adjusted_p for m in self.members if m.label == label), None)

    def member(self, test: str) -> FamilyMember | None:
        """The member of ``test`` with the smallest p-value."""
        own = [m for m in self.members if m.test == test]
        return min(own, key=lambda m: m.p_value) if own else None

    @property
    def text(self) -> str:
        """The verdict in one sentence, in the language being written."""
        flagged = ", ".join(test_title(t) for t in self.flagged_tests) or _("none")
        return ngettext(
            "Tests departing from a clean election: %(flagged)s (family-wise %(alpha)s%% "
            "level over %(count)s test, Holm's method).",
            "Tests departing from a clean election: %(flagged)s (family-wise %(alpha)s%% "
            "level over %(count)s tests, Holm's method).",
            len(self.members),
        ) % {"flagged": flagged, "alpha": f"{100 * self.alpha:g}", "count": len(self.members)}


def headline(analysis: ForensicsAnalysis) -> Headline:
    """Holm's method over every test of the report that has a p-value.

    References
    ----------
    Holm, S. (1979). Scandinavian Journal of Statistics 6(2), 65-70.
    """
    candidates: list[tuple[str, str, float]] = []
    integer = _integer_count(analysis)
    if integer is not None:
        candidates.append((INTEGER, INTEGER, integer.p_value))
    within = analysis.within_area
    if within is not None and np.isfinite(within.p_value):
        candidates.append((FINGERPRINT, f"{FINGERPRINT} within areas", within.p_value))
    for option in analysis.digits:
        for test in option.tests:
            if test.tested:
                label = digit_label(option.option, test.method)
                candidates.append((DIGITS, label, test.p_value))
    adjusted = holm_adjusted([p for _, _, p in candidates]) if candidates else np.zeros(0)
    members = tuple(
        FamilyMember(
            test=test,
            label=label,
            p_value=p,
            adjusted_p=float(q),
            flagged=bool(q < ALPHA and _large_enough(analysis, test)),
        )
        for (test, label, p), q in zip(candidates, adjusted, strict=True)
    )
    return Headline(alpha=ALPHA, members=members)


def digit_label(option: str, method: str) -> str:
    """The family label of one digit test of one option."""
    return f"{option} ({method.replace('_', ' ')})"


def _large_enough(analysis: ForensicsAnalysis, test: str) -> bool:
    if test != FINGERPRINT or analysis.within_area is None:
        return True
    return analysis.within_area.correlation >= MIN_WITHIN_CORRELATION


def _integer_count(analysis: ForensicsAnalysis) -> IntegerCount | None:
    """The integer count that is tested: turnout or leader share, or the share alone."""
    if analysis.integer.stations_included == 0:
        return None
    return analysis.integer.any if analysis.has_turnout else analysis.integer.leader


def _verdict(found: Headline, test: str) -> tuple[bool, float | None, float | None]:
    member = found.member(test)
    if member is None:
        return False, None, None
    flagged = any(m.flagged for m in found.members if m.test == test)
    return flagged, member.p_value, member.adjusted_p


def _not_run(test: str, reason: str, limits: str) -> Reading:
    return Reading(
        test=test,
        anomalous=None,
        finding=_("Not run: %(reason)s.") % {"reason": reason},
        meaning=_("The test says nothing about this election, in either direction."),
        limits=limits,
        not_run=reason,
    )


def _p_text(p_value: float | None, adjusted: float | None) -> str:
    if p_value is None or adjusted is None:
        return ""
    return " " + _("p = %(p)s; Holm-adjusted over the report's tests, %(adjusted)s.") % {
        "p": f"{p_value:.2g}",
        "adjusted": f"{adjusted:.2g}",
    }


def _smallest_p_text(p_value: float | None, adjusted: float | None) -> str:
    if p_value is None or adjusted is None:
        return ""
    return " " + _("Smallest p = %(p)s; Holm-adjusted over the report's tests, %(adjusted)s.") % {
        "p": f"{p_value:.2g}",
        "adjusted": f"{adjusted:.2g}",
    }


INTEGER_LIMITS = gettext_noop(
    "It cannot say which stations were falsified: most round percentages occur by "
    "chance. It detects only targets expressed as whole percentages, so its absence "
    "does not show that results were counted honestly."
)


def read_integer_percentages(analysis: ForensicsAnalysis, found: Headline) -> Reading:
    """Reading of the integer-percentage test (Kobak, Shpilkin and Pshenichnikov 2016)."""
    counts = _integer_count(analysis)
    if counts is None:
        return _not_run(
            INTEGER,
            _(
                "no station passes the test's filter (received ballots above 0, at least 100 "
                "registered voters, turnout and leader share at most 99%)"
            ),
            _(INTEGER_LIMITS),
        )
    anomalous, p_value, adjusted = _verdict(found, INTEGER)
    figures = {
        "tested": f"{analysis.integer.stations_included:,}",
        "observed": f"{counts.observed:,}",
        "expected": f"{counts.expected:,.0f}",
        "sd": f"{counts.sd:,.0f}",
        "excess": f"{counts.excess:+,.0f}",
        "z": f"{counts.z:+.1f}",
    }
    finding = (
        ngettext(
            "Of %(tested)s station tested, %(observed)s report a whole-number turnout or "
            "leader share; %(expected)s (sd %(sd)s) were expected from counting alone: "
            "%(excess)s stations, %(z)s standard deviations.",
            "Of %(tested)s stations tested, %(observed)s report a whole-number turnout or "
            "leader share; %(expected)s (sd %(sd)s) were expected from counting alone: "
            "%(excess)s stations, %(z)s standard deviations.",
            analysis.integer.stations_included,
        )
        if analysis.has_turnout
        else ngettext(
            "Of %(tested)s station tested, %(observed)s report a whole-number leader share "
            "(turnout is not tested: the file has no ballots-issued column); %(expected)s "
            "(sd %(sd)s) were expected from counting alone: %(excess)s stations, %(z)s "
            "standard deviations.",
            "Of %(tested)s stations tested, %(observed)s report a whole-number leader share "
            "(turnout is not tested: the file has no ballots-issued column); %(expected)s "
            "(sd %(sd)s) were expected from counting alone: %(excess)s stations, %(z)s "
            "standard deviations.",
            analysis.integer.stations_included,
        )
    ) % figures
    return Reading(
        test=INTEGER,
        anomalous=anomalous,
        finding=finding + _p_text(p_value, adjusted),
        meaning=(
            _(
                "Protocols written to a target figure rather than counted tend to land on round "
                "percentages; a large positive excess is a known fingerprint of that."
            )
            if anomalous
            else _("The number of round percentages is within what honest counting produces.")
        ),
        limits=_(INTEGER_LIMITS),
        p_value=p_value,
        adjusted_p=adjusted,
    )


FINGERPRINT_LIMITS = gettext_noop(
    "Turnout and support can be linked for honest reasons: regions where the leader is "
    "popular may also vote more, and small rural stations differ from cities. The test "
    "therefore compares stations within the same area, which removes differences between "
    "areas but not those between stations of one area; it cannot separate fraud from "
    "political geography on its own."
)


def read_fingerprint(analysis: ForensicsAnalysis, found: Headline) -> Reading:
    """Reading of the fingerprint and the turnout-share relation (Klimek et al. 2012)."""
    relation, extremes, within = analysis.relation, analysis.extremes, analysis.within_area
    if not analysis.has_turnout:
        return _not_run(
            FINGERPRINT,
            _(
                "the file has no ballots-issued column, so turnout is unknown (map it with "
                "given = [...] or --given)"
            ),
            _(FINGERPRINT_LIMITS),
        )
    description = _(
        "Across all stations, the correlation of turnout and leader share is %(correlation)s "
        "and each extra point of turnout goes with %(slope)s points of leader share (a "
        "description). %(near)s stations report 95%% or more on both, %(full)s exactly 100%% "
        "on both."
    ) % {
        "correlation": f"{relation.correlation:+.2f}",
        "slope": f"{relation.slope:+.2f}",
        "near": f"{extremes.both_near:,}",
        "full": f"{extremes.both_full:,}",
    }
    if within is None or not np.isfinite(within.p_value):
        reason = (
            _("no area column is mapped (map region or territorial commission columns as areas)")
            if within is None
            else _("too few stations within areas to compare")
        )
        reading = _not_run(FINGERPRINT, reason, _(FINGERPRINT_LIMITS))
        return replace(reading, finding=f"{reading.finding} {description}")
    anomalous, p_value, adjusted = _verdict(found, FINGERPRINT)
    return Reading(
        test=FINGERPRINT,
        anomalous=anomalous,
        finding=(
            _(
                "Within %(level)s areas (%(areas)s with two or more stations), the correlation "
                "of turnout and leader share is %(correlation)s and the slope %(slope)s."
            )
            % {
                "level": analysis.within_area_level,
                "areas": f"{within.areas:,}",
                "correlation": f"{within.correlation:+.2f}",
                "slope": f"{within.slope:+.2f}",
            }
            + _p_text(p_value, adjusted)
            + " "
            + _("Flagged only at a within-area correlation of %(minimum)s or more.")
            % {"minimum": MIN_WITHIN_CORRELATION}
            + f" {description}"
        ),
        meaning=_(
            "In a clean election turnout and the leader's share vary largely independently "
            "among the stations of an area and the fingerprint is one compact blob. Ballot "
            "stuffing for the leader raises both together, smearing the blob towards the "
            "corner (100%, 100%) and producing a positive slope within areas."
        ),
        limits=_(FINGERPRINT_LIMITS),
        p_value=p_value,
        adjusted_p=adjusted,
    )


def read_distributions(analysis: ForensicsAnalysis) -> Reading:
    """Reading of the shape of the turnout distribution."""
    limits = _(
        "Distributions differ between countries and electoral systems for many reasons; "
        "the moments are descriptive and have no universal threshold."
    )
    if not analysis.has_turnout:
        return _not_run(
            DISTRIBUTION,
            _("the file has no ballots-issued column, so turnout is unknown"),
            limits,
        )
    moments = analysis.turnout_moments
    return Reading(
        test=DISTRIBUTION,
        anomalous=None,
        finding=_(
            "Station turnout: mean %(mean)s%%, sd %(sd)s points, skewness %(skewness)s, "
            "excess kurtosis %(kurtosis)s."
        )
        % {
            "mean": f"{100 * moments.mean:.1f}",
            "sd": f"{100 * moments.sd:.1f}",
            "skewness": f"{moments.skewness:+.2f}",
            "kurtosis": f"{moments.excess_kurtosis:+.2f}",
        },
        meaning=_(
            # xgettext:no-python-format
            "Clean elections usually give a roughly normal, single-peaked turnout "
            "distribution; a long right tail or a second peak near 100% is what stuffing "
            "and written-in results produce."
        ),
        limits=limits,
    )


DIGIT_LIMITS = gettext_noop(
    "Digit tests are known to flag clean elections and to miss fraud (Deckert, Myagkov and "
    "Ordeshook 2011): the expected digits here are derived from the counts' own decades, "
    "which removes the bias of small options but cannot rule out every honest pattern. "
    "They cannot prove manipulation on their own."
)


def read_digits(analysis: ForensicsAnalysis, found: Headline) -> Reading:
    """Reading of the digit tests (Mebane 2006; Beber and Scacco 2012)."""
    members = [m for m in found.members if m.test == DIGITS]
    if not members:
        return _not_run(
            DIGITS, _("no option has a count of 100 or more at any station"), _(DIGIT_LIMITS)
        )
    flagged = [m.label for m in members if m.flagged]
    anomalous, p_value, adjusted = _verdict(found, DIGITS)
    return Reading(
        test=DIGITS,
        anomalous=anomalous,
        finding=(
            ngettext(
                "%(count)s last-digit test (mean last digit and share of 0 and 5, per option, "
                "on counts of 100 or more, against the digits expected from each count's "
                "decade). Flagged after Holm's adjustment: %(flagged)s.",
                "%(count)s last-digit tests (mean last digit and share of 0 and 5, per option, "
                "on counts of 100 or more, against the digits expected from each count's "
                "decade). Flagged after Holm's adjustment: %(flagged)s.",
                len(members),
            )
            % {"count": len(members), "flagged": ", ".join(flagged) if flagged else _("none")}
            + _smallest_p_text(p_value, adjusted)
        ),
        meaning=_(
            "People who invent numbers choose last digits unevenly (Beber and Scacco 2012). "
            "The second digit is shown against Benford's law as a description only: honest "
            "counts need not follow it, so it is not tested."
        ),
        limits=_(DIGIT_LIMITS),
        p_value=p_value,
        adjusted_p=adjusted,
    )


def read_identical(analysis: ForensicsAnalysis) -> Reading:
    """Reading of the search for identical protocols."""
    identical = analysis.identical
    return Reading(
        test=IDENTICAL,
        anomalous=None,
        finding=ngettext(
            "%(stations)s station in %(groups)s groups reports exactly the same votes for every "
            "option and the same invalid ballots (stations with at least 50 votes).",
            "%(stations)s stations in %(groups)s groups report exactly the same votes for every "
            "option and the same invalid ballots (stations with at least 50 votes).",
            identical.stations,
        )
        % {"stations": f"{identical.stations:,}", "groups": f"{len(identical.groups):,}"},
        meaning=_(
            "Identical protocols at neighbouring stations can mean one protocol was copied "
            "to others instead of counting."
        ),
        limits=_(
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
        test=areas_test(analysis.area_level),
        anomalous=None,
        finding=_("Areas with the largest excess of integer percentages: %(areas)s.")
        % {"areas": names},
        meaning=_(
            "Anomalies concentrated in a few areas point to where to look: observer reports "
            "and complaints there are the evidence that can confirm or refute them."
        ),
        limits=_("With many areas, some rank high by chance; small areas have wide uncertainty."),
    )


def all_readings(analysis: ForensicsAnalysis, found: Headline | None = None) -> tuple[Reading, ...]:
    """Readings of every test, in report order, flagged by the family-wise ``found``."""
    found = headline(analysis) if found is None else found
    readings = (
        read_fingerprint(analysis, found),
        read_distributions(analysis),
        read_integer_percentages(analysis, found),
        read_digits(analysis, found),
        read_identical(analysis),
        read_areas(analysis),
    )
    return tuple(r for r in readings if r is not None)
