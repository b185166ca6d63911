import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.stats.sample_size import (
    margin_of_error,
    margin_of_error_for_stations,
    sample_size,
    stations_for_voters,
    z_for_confidence,
)
from tests.stats.results import results_sample_size as ndi


def ndi_example(**corrections):
    return sample_size(
        ndi.NDI_MOE,
        population=ndi.NDI_POPULATION,
        heterogeneity=ndi.NDI_HETEROGENEITY,
        z=ndi.NDI_Z,
        **corrections,
    )


def test_formula_gives_the_methodology_figure_for_the_handbook_inputs():
    assert round(ndi_example().voters, -2) == ndi.NDI_FORMULA_VOTERS_TO_HUNDRED


def test_formula_value_is_below_the_handbooks_rounded_print():
    # The handbook rounds an intermediate term up; the exact formula must not
    # reproduce the printed number.
    assert ndi_example().voters < ndi.NDI_PRINTED_VOTERS


@pytest.mark.parametrize("station_size", sorted(ndi.NDI_STATIONS_BY_STATION_SIZE))
def test_conversion_of_the_printed_size_to_stations_matches_the_handbook(station_size):
    expected = ndi.NDI_STATIONS_BY_STATION_SIZE[station_size]
    stations = stations_for_voters(ndi.NDI_PRINTED_VOTERS, station_size)
    if station_size in ndi.NDI_STATIONS_EXACT:
        assert stations == expected
    else:
        assert stations == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize("station_size", sorted(ndi.NDI_STATIONS_BY_STATION_SIZE))
def test_conversion_of_the_formula_value_is_about_the_handbook_figure(station_size):
    result = ndi_example(station_size=station_size)
    assert result.stations == math.ceil(result.voters / station_size)
    # The formula's value is 1.5 % below the handbook's print, and so are the stations.
    assert result.stations == pytest.approx(
        ndi.NDI_STATIONS_BY_STATION_SIZE[station_size], rel=0.02
    )


def test_turnout_and_response_raise_the_stations_needed():
    plain = ndi_example(station_size=500)
    corrected = ndi_example(station_size=500, turnout=0.6, response_rate=0.8)
    assert corrected.stations == math.ceil(plain.voters / (500 * 0.6) / 0.8)
    assert corrected.stations > plain.stations


def test_z_for_common_confidence_levels():
    assert z_for_confidence(0.99) == pytest.approx(2.5758, abs=1e-4)
    assert z_for_confidence(0.95) == pytest.approx(1.9600, abs=1e-4)


def test_infinite_population_gives_the_textbook_size():
    # n0 = z² p(1-p) / e² = 1.96² · 0.25 / 0.03² ≈ 1,067 (Cochran 1977, §4.4).
    assert sample_size(0.03, 0.95).voters == pytest.approx(1067.07, abs=0.01)


def test_finite_population_never_needs_more_than_itself():
    assert sample_size(0.001, population=500).voters < 500


def test_margin_of_error_of_stations_lies_between_voter_and_station_bounds():
    result = margin_of_error_for_stations(1000, 500, 0.99, turnout=0.6)
    assert result.voters == 300_000
    assert result.station_based == pytest.approx(z_for_confidence(0.99) * math.sqrt(0.25 / 1000))
    assert result.voter_based == pytest.approx(margin_of_error(300_000, 0.99))
    assert result.voter_based < result.station_based


def test_non_response_widens_the_margin():
    full = margin_of_error_for_stations(800, 400)
    partial = margin_of_error_for_stations(800, 400, response_rate=0.75)
    assert partial.stations == 600
    assert partial.station_based > full.station_based


@pytest.mark.parametrize(
    "kwargs",
    [
        {"moe": 0},
        {"moe": 1.5},
        {"moe": 0.01, "confidence": 1},
        {"moe": 0.01, "population": 0},
        {"moe": 0.01, "station_size": 500, "turnout": 0},
        {"moe": 0.01, "station_size": 500, "response_rate": 1.2},
    ],
)
def test_out_of_range_inputs_are_rejected(kwargs):
    with pytest.raises(ValueError, match="must"):
        sample_size(**kwargs)


def test_sample_larger_than_population_is_rejected():
    with pytest.raises(ValueError, match="larger than the population"):
        margin_of_error(1_001, population=1_000)


@given(
    moe=st.floats(0.001, 0.2),
    confidence=st.floats(0.5, 0.999),
    population=st.integers(10_000, 50_000_000),
    p=st.floats(0.05, 0.95),
)
def test_margin_of_error_inverts_sample_size(moe, confidence, population, p):
    n = sample_size(moe, confidence, population=population, heterogeneity=p).voters
    recovered = margin_of_error(n, confidence, population=population, heterogeneity=p)
    assert recovered == pytest.approx(moe, rel=1e-9)


@given(
    moe=st.floats(0.002, 0.1),
    small=st.integers(1_000, 1_000_000),
    factor=st.integers(2, 100),
)
def test_larger_population_needs_a_larger_sample_but_never_more_than_infinite(moe, small, factor):
    smaller = sample_size(moe, population=small).voters
    larger = sample_size(moe, population=small * factor).voters
    infinite = sample_size(moe).voters
    assert smaller < larger < infinite


@given(p=st.floats(0.01, 0.99))
def test_even_split_is_the_largest_sample(p):
    assert sample_size(0.01, heterogeneity=p).voters <= sample_size(0.01).voters * (1 + 1e-12)
