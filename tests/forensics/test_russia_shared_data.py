"""The published figures of docs/methodology.md §4 on the full Russian files, if present."""

import os
from pathlib import Path

import numpy as np
import pytest

from pollwatch.forensics.results_file import load_results
from pollwatch.stats.integer_percentages import integer_percentage_test
from tests.forensics.results.results_russia import (
    EXCESS_TOLERANCE,
    PERCENT_TOLERANCE,
    REFERENCES,
    SD_TOLERANCE,
)

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

SHARED_DATA = Path(
    os.environ.get(
        "POLLWATCH_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
)


@pytest.fixture(scope="module", params=REFERENCES, ids=lambda r: r.file)
def loaded(request):
    reference = request.param
    path = SHARED_DATA / reference.file
    if not path.exists():
        pytest.skip(f"{path} is absent; set POLLWATCH_SHARED_DATA to the shared data folder")
    return reference, load_results(path)


def test_preset_recognises_the_file_with_no_mapping(loaded):
    reference, results = loaded
    assert results.rows_read == reference.stations
    assert not any(b.excluded for b in results.bad_rows)
    assert len(results.mapping.given) == 3
    assert results.mapping.invalid is not None


def test_official_totals(loaded):
    reference, results = loaded
    leader = int(np.argmax(results.votes.sum(axis=0)))
    assert reference.leader_contains in results.option_names[leader]
    assert results.station_count == reference.stations
    assert int(results.registered.sum()) == reference.registered
    turnout = 100 * results.given.sum() / results.registered.sum()
    share = 100 * results.votes[:, leader].sum() / results.received.sum()
    assert turnout == pytest.approx(reference.turnout_percent, abs=PERCENT_TOLERANCE)
    assert share == pytest.approx(reference.leader_share_percent, abs=PERCENT_TOLERANCE)


def test_integer_percentages(loaded):
    reference, results = loaded
    leader = results.votes[:, int(np.argmax(results.votes.sum(axis=0)))]
    result = integer_percentage_test(leader, results.received, results.given, results.registered)
    assert result.stations_included == reference.integer_stations_included
    assert result.any.excess == pytest.approx(reference.integer_excess_any, abs=EXCESS_TOLERANCE)
    assert result.any.sd == pytest.approx(reference.integer_sd_any, abs=SD_TOLERANCE)
