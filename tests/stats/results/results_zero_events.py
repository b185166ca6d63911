"""Reference values for the upper confidence bound on a share, with their sources."""

# docs/methodology.md §2: "59 stations support 'under 5.0%', not 'none'";
# the exact 95% bound for zero events in n stations is 1 - 0.05 ** (1 / n),
# about 3 / n.
METHODOLOGY_STATIONS = 59
METHODOLOGY_BOUND_TEXT_PERCENT = 5.0

# Hanley and Lippman-Hand (1983), JAMA 249:1743-1745: with no event in n
# trials the 95% upper limit is approximately 3 / n.
RULE_OF_THREE_NUMERATOR = 3.0

# R, binom.test(x, n) (exact Clopper-Pearson, two-sided 95%), whose upper
# limit is the one-sided 97.5% upper bound:
#   binom.test(0, 10)$conf.int  ->  0.0000000 0.3084971
#   binom.test(1, 10)$conf.int  ->  0.002528579 0.445016117
#   binom.test(5, 10)$conf.int  ->  0.1870860 0.8129140
R_BINOM_TEST_UPPER_975 = (
    (0, 10, 0.3084971),
    (1, 10, 0.4450161),
    (5, 10, 0.8129140),
)

# Smallest number of random stations that, with nothing found, bound the share
# below a target at 95%: ceil(log(0.05) / log(1 - target)).
STATIONS_NEEDED_95 = ((0.05, 59), (0.01, 299))
