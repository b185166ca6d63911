"""``pollwatch pvt estimate --weight``: design weights from ``pollwatch sample draw``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from pollwatch.stats.pvt import estimate_shares

# Two strata; in "a" the stations were drawn with probability proportional
# to size (weights differ), in "b" with equal probabilities.
PPS_TALLIES = """code,region,valid,A,B,weight
1,a,100,30,70,40.0
2,a,400,300,100,10.0
3,a,200,120,80,20.0
4,b,50,20,30,3.0
5,b,50,40,10,3.0
"""
# A stratified simple random sample: 2 of 10 in "a", 2 of 4 in "b".
EQUAL_TALLIES = """code,region,valid,A,B,weight
1,a,100,30,70,5
2,a,100,50,50,5
3,b,50,20,30,2
4,b,50,40,10,2
"""
FRAME = (
    "code,region\n"
    + "".join(f"{i},a\n" for i in range(10))
    + "".join(f"{i},b\n" for i in range(10, 14))
)


def estimate(tmp_path: Path, tallies: str, *extra: str) -> tuple[dict, str]:
    source = tmp_path / "tallies.csv"
    source.write_text(tallies, encoding="utf-8")
    out = tmp_path / "out.json"
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "pvt",
        "estimate",
        str(source),
        "--options",
        "A,B",
        "--valid",
        "valid",
        "--stratum",
        "region",
        "--json",
        str(out),
        *extra,
        stdout=stdout,
        stderr=stderr,
    )
    return json.loads(out.read_text(encoding="utf-8")), stdout.getvalue()


def test_weights_of_a_pps_draw_give_the_weighted_ratio(tmp_path):
    result, table = estimate(tmp_path, PPS_TALLIES, "--weight", "weight")
    weights = np.array([40.0, 10.0, 20.0, 3.0, 3.0])
    a = np.array([30, 300, 120, 20, 40])
    valid = np.array([100, 400, 200, 50, 50])
    assert result["estimates"]["A"]["share"] == pytest.approx((weights @ a) / (weights @ valid))
    assert result["variance"] == "with replacement"
    assert result["weight"] == "weight"
    assert "weighted 1/π" in table and "with-replacement approximation" in table


def test_pps_weights_change_the_estimate_from_equal_weights(tmp_path):
    weighted, _ = estimate(tmp_path, PPS_TALLIES, "--weight", "weight")
    equal, _ = estimate(tmp_path, PPS_TALLIES)
    assert weighted["estimates"]["A"]["share"] != pytest.approx(equal["estimates"]["A"]["share"])


def test_pps_margin_is_the_with_replacement_linearisation(tmp_path):
    result, _ = estimate(tmp_path, PPS_TALLIES, "--weight", "weight")
    votes = np.array([[30, 70], [300, 100], [120, 80], [20, 30], [40, 10]])
    valid = np.array([100, 400, 200, 50, 50])
    expected = estimate_shares(
        votes,
        valid,
        ["A", "B"],
        ["a", "a", "a", "b", "b"],
        weights=[40.0, 10.0, 20.0, 3.0, 3.0],
        with_replacement=True,
    )
    assert result["estimates"]["A"]["moe"] == pytest.approx(expected.share("A").margin(0.95))


def test_equal_weights_with_a_frame_give_the_frame_estimate_exactly(tmp_path):
    frame = tmp_path / "frame.csv"
    frame.write_text(FRAME, encoding="utf-8")
    weighted, _ = estimate(tmp_path, EQUAL_TALLIES, "--frame", str(frame), "--weight", "weight")
    plain, _ = estimate(tmp_path, EQUAL_TALLIES, "--frame", str(frame))
    assert weighted["variance"] == plain["variance"] == "without replacement"
    for name in ("A", "B"):
        for figure in ("share", "low", "high", "moe"):
            assert weighted["estimates"][name][figure] == pytest.approx(
                plain["estimates"][name][figure], rel=1e-12
            )


def test_a_row_with_a_bad_weight_is_left_out_with_its_line(tmp_path):
    tallies = PPS_TALLIES.replace("3,a,200,120,80,20.0", "3,a,200,120,80,0.5").replace(
        "5,b,50,40,10,3.0", "5,b,50,40,10,"
    )
    result, _ = estimate(tmp_path, tallies, "--weight", "weight")
    assert result["stations"] == 3
    reasons = {row["line"]: row["reason"] for row in result["left_out"]}
    assert "1/π is at least 1" in reasons[4]
    assert "'weight' is empty" in reasons[6]


def test_an_unknown_weight_column_is_named(tmp_path):
    with pytest.raises(CommandError, match="no column 'w'"):
        estimate(tmp_path, PPS_TALLIES, "--weight", "w")


def test_a_pps_sample_drawn_by_the_sample_command_is_estimated_with_its_weights(tmp_path):
    """End to end: ``sample draw --pps`` writes the weights ``pvt estimate --weight`` reads."""
    rng = np.random.default_rng(5)
    registered = rng.integers(100, 3000, size=400)
    valid = (registered * 0.6).astype(int)
    a_votes = rng.binomial(valid, np.where(registered > 1500, 0.7, 0.4))
    frame = tmp_path / "frame.csv"
    rows = ["code,region,registered,valid,A,B"] + [
        f"{i},{'n' if i % 2 else 's'},{r},{v},{a},{v - a}"
        for i, (r, v, a) in enumerate(zip(registered, valid, a_votes, strict=True))
    ]
    frame.write_text("\n".join(rows) + "\n", encoding="utf-8")
    sample = tmp_path / "sample.csv"
    call_command(
        "sample",
        "draw",
        str(frame),
        "--size",
        "60",
        "--seed",
        "7",
        "--stratum",
        "region",
        "--pps",
        "registered",
        "--out",
        str(sample),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    result, _ = estimate(tmp_path, sample.read_text(encoding="utf-8"), "--weight", "weight")
    drawn = np.genfromtxt(sample, delimiter=",", names=True, dtype=None, encoding="utf-8")
    weights = drawn["weight"].astype(float)
    expected = (weights @ drawn["A"]) / (weights @ drawn["valid"])
    assert result["stations"] == 60
    assert result["variance"] == "with replacement"
    assert result["estimates"]["A"]["share"] == pytest.approx(expected)
