import numpy as np
import pytest

from pollwatch.stats.fingerprint import percentage_histogram, turnout_share_fingerprint


def test_fingerprint_counts_stations_and_voters_and_drops_small_ones():
    turnout = [0.505, 0.505, 0.995, 0.2]
    share = [0.505, 0.505, 0.995, 0.2]
    registered = [1000, 500, 2000, 99]
    fp = turnout_share_fingerprint(turnout, share, registered)
    assert fp.stations_used == 3
    assert fp.stations.sum() == 3 and fp.stations[50, 50] == 2 and fp.stations[99, 99] == 1
    assert fp.voters[50, 50] == 1500 and fp.voters.sum() == 3500


def test_fingerprint_skips_undefined_shares():
    fp = turnout_share_fingerprint([0.5, 0.5], [np.nan, 0.4], [200, 200], bins=10)
    assert fp.stations_used == 1 and fp.stations[5, 4] == 1


def test_histogram_bins_are_centred_on_tenths_of_a_point():
    hist = percentage_histogram([0.5, 0.5004, 0.50049, 0.5006, 1.0, 0.0])
    assert hist.resolution == 0.1
    assert hist.counts.sum() == 6
    assert hist.counts[500] == 3 and hist.counts[501] == 1
    assert hist.counts[0] == 1 and hist.counts[1000] == 1
    assert hist.edges[500] == pytest.approx(49.95) and hist.edges[501] == pytest.approx(50.05)


def test_histogram_rejects_a_zero_resolution():
    with pytest.raises(ValueError, match="resolution"):
        percentage_histogram([0.5], resolution=0)
