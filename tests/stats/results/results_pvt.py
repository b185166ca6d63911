"""Reference values for the PVT and station-share estimators, with their source.

Each case is small enough to compute by hand; the working is written out so
that a reader can redo it with pencil and paper. Exact fractions are kept
where the arithmetic gives them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RatioCase:
    """A small PVT sample and its hand-computed estimate."""

    votes: tuple[int, ...]
    valid: tuple[int, ...]
    strata: tuple[str, ...] | None
    frame_sizes: dict[str, int] | None
    share: float
    variance: float


# One stratum, no frame (weights 1, no finite population correction).
# R = (30+50+20)/(100+100+50) = 100/250 = 0.4.
# u_i = (y_i - R x_i)/X = (-10, 10, 0)/250 = (-0.04, 0.04, 0); mean 0.
# v = n/(n-1) * sum (u - mean)^2 = 3/2 * 0.0032 = 0.0048.
ONE_STRATUM = RatioCase(
    votes=(30, 50, 20),
    valid=(100, 100, 50),
    strata=None,
    frame_sizes=None,
    share=0.4,
    variance=0.0048,
)

# Two strata with frame sizes: a (N=10, n=2, w=5) and b (N=4, n=2, w=2).
# Y = 5*(30+50) + 2*(20+40) = 520, X = 5*200 + 2*100 = 1200, R = 13/30.
# u = w (y - R x)/X: a: (-1/18, 1/36), b: (-1/360, 11/360).
# a: deviations from the mean -1/72 are -/+1/24, sum of squares 1/288,
#    times (1 - 2/10) * 2/(2-1) = 1.6 gives 1/180.
# b: deviations from the mean 1/72 are -/+1/60, sum of squares 1/1800,
#    times (1 - 2/4) * 2 = 1 gives 1/1800.
# v = 1/180 + 1/1800 = 11/1800.
TWO_STRATA_WITH_FRAME = RatioCase(
    votes=(30, 50, 20, 40),
    valid=(100, 100, 50, 50),
    strata=("a", "a", "b", "b"),
    frame_sizes={"a": 10, "b": 4},
    share=13 / 30,
    variance=11 / 1800,
)

# A stratum with one reporting station: a (N=10, w=5) as above, c (N=5, n=1,
# w=5) with y=10, x=40. Y = 400 + 50 = 450, X = 1000 + 200 = 1200, R = 0.375.
# u: a: (-37.5, 62.5)/1200, c: -25/1200 (the u sum to 0).
# a: deviations -/+50/1200, sum of squares 1/288, times 1.6 gives 1/180.
# c: centred on the overall mean 0: (1 - 1/5) * (25/1200)^2 = 1/2880.
# v = 1/180 + 1/2880 = 17/2880.
SINGLE_STATION_STRATUM = RatioCase(
    votes=(30, 50, 10),
    valid=(100, 100, 40),
    strata=("a", "a", "c"),
    frame_sizes={"a": 10, "c": 5},
    share=0.375,
    variance=17 / 2880,
)

# Turnout, two stations, no strata: given (60, 80), registered (100, 200).
# R = 140/300 = 7/15; u = (60 - 140/3, 80 - 280/3)/300 = (2/45, -2/45);
# v = 2 * 2 * (2/45)^2 = 16/2025, standard error 4/45.
TURNOUT_GIVEN = (60, 80)
TURNOUT_REGISTERED = (100, 200)
TURNOUT_SHARE = 7 / 15
TURNOUT_STANDARD_ERROR = 4 / 45

# Share of stations: 3 of n = 10 observed stations, drawn at random from
# N = 100. Linearised variance (1 - 10/100) * 10/9 * p(1-p)/10 = p(1-p)/10
# exactly, so the effective sample size is 10 and the Korn-Graubard interval
# is the exact Clopper-Pearson interval for 3 of 10 (Clopper and Pearson
# 1934): the 2.5% quantile of Beta(3, 8) and the 97.5% quantile of Beta(4, 7),
# 0.0667 and 0.6525 to four places.
THREE_OF_TEN_FRAME = 100
THREE_OF_TEN_CLOPPER_PEARSON = (0.0667, 0.6525)

# Logit interval for the same sample: se = sqrt(0.21/10) = 0.144914,
# t(0.975, 9) = 2.262157, half-width on the logit scale
# 2.262157 * 0.144914 / 0.21 = 1.561044 around logit(0.3) = -0.847298:
# expit(-2.408342) = 0.082539 and expit(0.713746) = 0.671227.
THREE_OF_TEN_LOGIT = (0.082539, 0.671227)

# No station of 59 with the attribute: the Clopper-Pearson upper limit at
# 95% (two-sided) has the closed form 1 - 0.025**(1/59) = 0.060609.
NONE_OF_59_UPPER = 0.060609

# Published reference: the "city" data, populations in thousands of 10 US
# cities in 1920 (u) and 1930 (x), from Cochran (1977), Sampling Techniques,
# as shipped in the R package boot (Canty and Ripley) for Davison and Hinkley
# (1997), Bootstrap Methods and Their Application, example 2.8. The ratio
# x/u is 1.520 there. The boot documentation of var.linear gives the
# nonparametric delta-method variance of the ratio, sum(L^2)/n^2 from
# empirical influence values L obtained by numerical differentiation, as
# 0.03248701. The linearised variance of an unstratified sample with no
# finite population correction is the same quantity times n/(n - 1).
CITY_1920 = (138, 93, 61, 179, 48, 37, 29, 23, 30, 2)
CITY_1930 = (143, 104, 69, 260, 75, 63, 50, 48, 111, 50)
CITY_RATIO = 1.520
CITY_DELTA_METHOD_VARIANCE = 0.03248701
