"""The ``pollwatch sample`` command on small CSV frames made here, and on the real registry."""

import csv
import math
import os
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pollwatch.stats.sample_size import sample_size
from pollwatch.stats.sampling import allocate_sample
from tests.stats.results import results_sample_size as ndi

REPOSITORY = Path(__file__).resolve().parents[2]
REGISTERED_2018 = "Число избирателей, включенных в список избирателей"


def shared_data() -> Path:
    default = REPOSITORY.parent / "shared" / "data"
    return Path(os.environ.get("POLLWATCH_SHARED_DATA", default))


def write_frame(path, rows=None, header=("code", "region", "setting", "registered")):
    if rows is None:
        rows = [
            (f"S{i:03d}", ["North", "South", "East"][i % 3], ["urban", "rural"][i % 2], 100 + i * 7)
            for i in range(120)
        ]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_rows(path):
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def run(*args):
    out, err = StringCapture(), StringCapture()
    call_command("sample", *map(str, args), stdout=out, stderr=err)
    return out.text


class StringCapture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@pytest.fixture
def frame(tmp_path):
    return write_frame(tmp_path / "frame.csv")


def test_draw_keeps_every_column_and_adds_stratum_probability_and_weight(frame, tmp_path):
    out = tmp_path / "sample.csv"
    printed = run(
        "draw", frame, "--size", 30, "--stratum", "region", "--seed", 20261124, "--out", out
    )
    rows = read_rows(out)
    assert list(rows[0]) == ["code", "region", "setting", "registered", "stratum",
                             "inclusion_probability", "weight"]  # fmt: skip
    assert len(rows) == len({row["code"] for row in rows}) == 30
    assert all(row["stratum"] == row["region"] for row in rows)
    for row in rows:
        assert float(row["weight"]) == pytest.approx(1 / float(row["inclusion_probability"]))
    assert Counter(row["stratum"] for row in rows) == {"East": 10, "North": 10, "South": 10}
    assert printed.startswith(
        "30 stations drawn at random, stratified by region, proportional to the number of "
        "stations; seed 20261124."
    )


def test_strata_in_the_output_match_the_allocation(frame, tmp_path):
    out = tmp_path / "sample.csv"
    run("draw", frame, "--size", 25, "--stratum", "region", "--stratum", "setting",
        "--allocation", "neyman", "--neyman-variable", "registered", "--minimum", 3,
        "--seed", 5, "--out", out)  # fmt: skip
    frame_rows = read_rows(frame)
    strata = sorted({(r["region"], r["setting"]) for r in frame_rows})
    values = {s: [float(r["registered"]) for r in frame_rows if (r["region"], r["setting"]) == s]
              for s in strata}  # fmt: skip
    expected = allocate_sample(
        [len(values[s]) for s in strata], 25, "neyman", minimum=3,
        spreads=[np.std(values[s], ddof=1) for s in strata],
    )  # fmt: skip
    drawn = Counter(row["stratum"] for row in read_rows(out))
    assert [drawn[f"{region} / {setting}"] for region, setting in strata] == list(expected)


def test_weights_of_a_pps_draw_reproduce_the_registered_total(frame, tmp_path):
    out = tmp_path / "sample.csv"
    run("draw", frame, "--size", 20, "--pps", "registered", "--seed", 9, "--out", out)
    rows = read_rows(out)
    total = sum(float(r["registered"]) for r in read_rows(frame))
    estimate = sum(float(r["weight"]) * float(r["registered"]) for r in rows)
    assert estimate == pytest.approx(total)


def test_same_seed_same_file_other_seed_other_sample(frame, tmp_path):
    paths = [tmp_path / f"sample{i}.csv" for i in range(3)]
    for path, seed in zip(paths, (7, 7, 8), strict=True):
        run("draw", frame, "--size", 15, "--stratum", "region", "--seed", seed, "--out", path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_reserve_list_is_written_per_stratum_in_order(frame, tmp_path):
    out, reserve = tmp_path / "sample.csv", tmp_path / "reserve.csv"
    run("draw", frame, "--size", 12, "--stratum", "region", "--seed", 3, "--out", out,
        "--reserve", 2, "--reserve-out", reserve)  # fmt: skip
    rows = read_rows(reserve)
    assert [(r["stratum"], r["reserve_rank"]) for r in rows] == [
        (region, rank) for region in ("East", "North", "South") for rank in ("1", "2")
    ]
    assert not {r["code"] for r in rows} & {r["code"] for r in read_rows(out)}


def test_size_reproduces_the_formula_and_the_station_conversion():
    printed = run("size", "--moe", ndi.NDI_MOE, "--z", ndi.NDI_Z, "--population",
                  ndi.NDI_POPULATION, "--station-size", 200)  # fmt: skip
    expected = sample_size(ndi.NDI_MOE, population=ndi.NDI_POPULATION, z=ndi.NDI_Z)
    assert f"{expected.voters:,.0f} voters" in printed
    assert f"{math.ceil(expected.voters / 200):,} stations" in printed


def test_size_with_turnout_and_response():
    printed = run("size", "--moe", 0.01, "--confidence", 0.99, "--population", 1_000_000,
                  "--station-size", 500, "--turnout", 0.5, "--response", 0.8)  # fmt: skip
    voters = sample_size(0.01, 0.99, population=1_000_000).voters
    assert f"{math.ceil(voters / 250 / 0.8):,} stations" in printed


def test_margin_gives_both_bounds():
    printed = run("margin", "--stations", 1000, "--station-size", 500)
    assert "between ±0.18% (voters drawn one by one) and ±4.07%" in printed


BAD_FRAMES = [
    ("code,region\nS1,North\nS2\nS3,South,extra\n", "lines 3, 4 have a different number"),
    ("", "the file is empty"),
    ("code,region\n", "header but no stations"),
    ("code,code\nS1,North\n", "repeats the column(s) code"),
    ("code,region\nS1,North\nS2,\n", "column 'region' is empty on line 3"),
    ("code,region,stratum\nS1,North,x\nS2,South,y\n", "already has column(s) stratum"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FRAMES)
def test_bad_frames_name_the_problem_and_its_lines(tmp_path, content, message):
    path = tmp_path / "frame.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("draw", path, "--size", 1, "--stratum", "region", "--seed", 1, "--out", tmp_path / "o")
    assert message in str(error.value)


def test_pps_column_with_bad_sizes_names_the_lines(tmp_path):
    rows = [("S1", "N", "u", 10), ("S2", "N", "u", "n/a"), ("S3", "N", "u", 0), ("S4", "N", "u", 5)]
    path = write_frame(tmp_path / "frame.csv", rows)
    with pytest.raises(CommandError, match="'registered' needs a positive number on lines 3, 4"):
        run("draw", path, "--size", 2, "--pps", "registered", "--seed", 1, "--out", tmp_path / "o")


def test_non_utf8_frame_names_the_line(tmp_path):
    path = tmp_path / "frame.csv"
    path.write_bytes("code,region\nS1,North\nS2,Sü\n".encode("latin-1"))
    with pytest.raises(CommandError, match="line 3: not valid UTF-8"):
        run("draw", path, "--size", 1, "--seed", 1, "--out", tmp_path / "o")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--size", "500"], "cannot sample 500 units from a frame of 120"),
        (["--size", "5", "--stratum", "nowhere"], "no column 'nowhere'; its columns are: code"),
        (["--size", "5", "--allocation", "equal"], "need --stratum"),
        (["--size", "5", "--stratum", "region", "--allocation", "neyman"], "--neyman-variable"),
        (["--size", "5", "--reserve", "2"], "--reserve needs --reserve-out"),
        (["--size", "4", "--stratum", "region", "--minimum", "2"], "minimum of 2 in each of 3"),
    ],
)
def test_impossible_requests_are_command_errors(frame, tmp_path, extra, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("draw", frame, "--seed", 1, "--out", tmp_path / "o", *extra)


def test_missing_frame_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("draw", tmp_path / "absent.csv", "--size", 1, "--seed", 1, "--out", tmp_path / "o")


def test_console_command_reports_errors_and_exits_non_zero(tmp_path):
    path = write_frame(tmp_path / "frame.csv", [("S1", "N", "u", "x")])
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    done = subprocess.run(
        [sys.executable, "-m", "pollwatch", "sample", "draw", str(path), "--size", "1",
         "--pps", "registered", "--seed", "1", "--out", str(tmp_path / "o.csv")],
        capture_output=True, text=True, env=env, cwd=REPOSITORY, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "needs a positive number on line 2" in done.stderr
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.shared_data
def test_stratified_pps_draw_from_the_2018_registry(tmp_path):
    archive = shared_data() / "russia" / "2018.csv.zip"
    if not archive.exists():
        pytest.skip(f"the 2018 Russian protocols are not at {archive}")
    with zipfile.ZipFile(archive) as bundle:
        frame = Path(bundle.extract("2018.csv", tmp_path))
    out = tmp_path / "sample.csv"
    run("draw", frame, "--size", 2_000, "--stratum", "region", "--minimum", 2,
        "--pps", REGISTERED_2018, "--seed", 20180318, "--out", out)  # fmt: skip
    rows = read_rows(out)
    registered = [float(r[REGISTERED_2018]) for r in read_rows(frame)]
    estimate = sum(float(r["weight"]) * float(r[REGISTERED_2018]) for r in rows)
    assert len(rows) == 2_000
    assert len({r["stratum"] for r in rows}) == 87
    assert estimate == pytest.approx(sum(registered))


def test_size_classes_add_a_stratifying_dimension(frame, tmp_path):
    out = tmp_path / "sample.csv"
    printed = run("draw", frame, "--size", 24, "--stratum", "region",
                  "--size-classes", "registered:400,700", "--seed", 2, "--out", out)  # fmt: skip
    rows = read_rows(out)
    for row in rows:
        registered = int(row["registered"])
        expected = ("under 400" if registered < 400 else "400 to 699" if registered < 700
                    else "700 and over")  # fmt: skip
        assert row["stratum"] == f"{row['region']} / {expected}"
    assert "stratified by region and size class of registered" in printed
    assert "in 9 strata" in printed


@pytest.mark.parametrize("option", ["registered", "registered:700,400", "registered:a,b"])
def test_bad_size_classes_are_usage_errors(frame, tmp_path, option):
    with pytest.raises(CommandError, match="--size-classes"):
        run("draw", frame, "--size", 5, "--size-classes", option, "--seed", 1,
            "--out", tmp_path / "o")  # fmt: skip


def test_reserve_column_clash_is_refused_before_anything_is_written(tmp_path):
    path = write_frame(tmp_path / "frame.csv", [("S1", "x", "1"), ("S2", "y", "2")],
                       header=("code", "region", "reserve_rank"))  # fmt: skip
    out = tmp_path / "sample.csv"
    with pytest.raises(CommandError, match="already has column\\(s\\) reserve_rank"):
        run("draw", path, "--size", 1, "--seed", 1, "--out", out,
            "--reserve", 1, "--reserve-out", tmp_path / "reserve.csv")  # fmt: skip
    assert not out.exists()


def test_turnout_without_station_size_is_refused():
    with pytest.raises(CommandError, match="add --station-size"):
        run("size", "--moe", 0.01, "--turnout", 0.6)
