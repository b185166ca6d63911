import numpy as np
import pytest

from pollwatch.stats.areas import StationMeasures, area_breakdown


def measures(rng, n):
    registered = rng.integers(100, 2000, n)
    given = rng.binomial(registered, 0.6)
    leader = rng.binomial(given, 0.5)
    q = rng.uniform(0, 0.3, n)
    return StationMeasures(
        registered=registered,
        given=given,
        received=given,
        leader=leader,
        integer_hit=(rng.random(n) < q).astype(float),
        integer_probability=q,
    )


def test_breakdown_adds_up_each_area():
    rng = np.random.default_rng(1)
    areas = rng.choice(["north", "south", "east"], 600)
    m = measures(rng, 600)
    breakdown = area_breakdown(areas, m)
    assert breakdown.names.tolist() == ["east", "north", "south"]
    for i, name in enumerate(breakdown.names):
        inside = areas == name
        assert breakdown.stations[i] == inside.sum()
        assert breakdown.turnout[i] == pytest.approx(
            m.given[inside].sum() / m.registered[inside].sum()
        )
        assert breakdown.integer_expected[i] == pytest.approx(m.integer_probability[inside].sum())
        t = m.given[inside] / m.registered[inside]
        s = m.leader[inside] / m.received[inside]
        assert breakdown.correlation[i] == pytest.approx(np.corrcoef(t, s)[0, 1])


def test_ranking_puts_the_most_anomalous_area_first():
    rng = np.random.default_rng(2)
    areas = np.repeat(["a", "b", "c"], 200)
    m = measures(rng, 600)
    hits = m.integer_hit.copy()
    hits[200:400] = 1.0  # area b: every station integer
    breakdown = area_breakdown(areas, _with_hits(m, hits))
    assert breakdown.names[breakdown.ranking("integer_z")[0]] == "b"


def _with_hits(m, hits):
    return StationMeasures(
        registered=m.registered,
        given=m.given,
        received=m.received,
        leader=m.leader,
        integer_hit=hits,
        integer_probability=m.integer_probability,
    )


def test_unknown_measure_lists_the_valid_ones():
    breakdown = area_breakdown(["x"], measures(np.random.default_rng(3), 1))
    with pytest.raises(ValueError, match="integer_z"):
        breakdown.ranking("kurtosis")
    assert np.isnan(breakdown.correlation[0])
