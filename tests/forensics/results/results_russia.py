"""Reference figures for the Russian results files.

Source: docs/methodology.md §4, "Reference figures for the Russian data",
computed from the polling-station protocols of the Russian State Duma
election of 4 December 2011 and of the presidential election of 18 March 2018
(Central Election Commission; collected by S. Shpilkin, distributed with
dkobak/elections). The integer-percentage figures follow Kobak, Shpilkin and
Pshenichnikov (2016), Annals of Applied Statistics 10(1), 54-73,
doi:10.1214/16-AOAS904; their excess is published with Monte Carlo noise of
a few stations, so an exact computation must land within ±15 of it, and the
standard deviation within ±5.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RussianReference:
    file: str
    leader_contains: str
    stations: int
    registered: int
    turnout_percent: float
    leader_share_percent: float
    integer_stations_included: int
    integer_excess_any: float
    integer_sd_any: float


EXCESS_TOLERANCE = 15.0
SD_TOLERANCE = 5.0
#: Percentages are printed to two decimals.
PERCENT_TOLERANCE = 0.005

DUMA_2011 = RussianReference(
    file="russia/2011.csv.zip",
    leader_contains="ЕДИНАЯ РОССИЯ",
    stations=95_225,
    registered=109_229_337,
    turnout_percent=60.21,
    leader_share_percent=49.31,
    integer_stations_included=86_718,
    integer_excess_any=1_000.0,
    integer_sd_any=113.0,
)

PRESIDENTIAL_2018 = RussianReference(
    file="russia/2018.csv.zip",
    leader_contains="Путин",
    stations=97_699,
    registered=109_008_428,
    turnout_percent=67.54,
    leader_share_percent=76.69,
    integer_stations_included=91_152,
    integer_excess_any=1_710.0,
    integer_sd_any=117.0,
)

REFERENCES = (DUMA_2011, PRESIDENTIAL_2018)
