"""Reference figures for the quick-count sample size, with their source.

Source: Estok, M., Nevitte, N. and Cowan, G. (2002). *The Quick Count and
Election Observation: An NDI Handbook for Civic Organizations and Political
Parties*. Washington, DC: NDI, ch. 5, as summarised in the project's
methodology notes (docs/methodology.md, §3, "Parallel vote tabulation").
"""

# Inputs of the handbook's worked example.
NDI_POPULATION = 14_570_774
NDI_HETEROGENEITY = 0.5
NDI_MOE = 0.0032
NDI_Z = 2.58

# The formula n = p(1-p) / (e²/z² + p(1-p)/N) evaluated for those inputs,
# "about 160,700 voters" (to the nearest hundred).
NDI_FORMULA_VOTERS_TO_HUNDRED = 160_700

# The handbook prints 163,185 voters after rounding an intermediate term.
NDI_PRINTED_VOTERS = 163_185

# The handbook's conversions of its printed figure to stations, "about", at
# 160, 200 and 500 voters per station. 163,185 / 500 is 326.4: the printed
# 324 is 0.7 % lower than the division, so that figure is only checked to 1 %.
NDI_STATIONS_BY_STATION_SIZE = {160: 1_020, 200: 816, 500: 324}
NDI_STATIONS_EXACT = (160, 200)
