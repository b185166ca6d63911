"""The command line writes nothing into the folder it is started in unless it needs to.

Analysts run ``pollwatch sample``, ``pvt estimate``, ``forensics report`` and
``statement check`` on files anywhere; none needs the database or the secret
key, so none may leave a ``data/`` folder behind where it was started. The
embedded installation still makes its key and database there on first use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
FORENSICS_EXTRACT = REPOSITORY / "tests" / "forensics" / "extracts" / "russia_2011_extract.csv"
STATEMENT = REPOSITORY / "tests" / "statements" / "fixtures" / "biased_en.txt"
FRAME = "code,region,registered\nS1,north,100\nS2,north,200\nS3,south,300\nS4,south,50\n"
TALLIES = "code,region,valid,A,B\n1,a,100,30,70\n2,a,100,50,50\n3,b,50,20,30\n"


def pollwatch(cwd: Path, *arguments: object) -> subprocess.CompletedProcess[str]:
    # As an analyst starts it: no key, no data folder and no database named.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"POLLWATCH_SECRET_KEY", "POLLWATCH_DATA_DIR", "DATABASE_URL"}
    }
    environment["PYTHONPATH"] = str(REPOSITORY)
    return subprocess.run(
        [sys.executable, "-m", "pollwatch", *map(str, arguments)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
        timeout=120,
    )


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "frame.csv").write_text(FRAME, encoding="utf-8")
    (folder / "tallies.csv").write_text(TALLIES, encoding="utf-8")
    return folder


@pytest.fixture
def empty_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


ANALYST_COMMANDS = {
    "sample draw": lambda i: (
        "sample", "draw", i / "frame.csv", "--size", "2", "--seed", "1", "--out", i / "s.csv"
    ),
    "sample size": lambda i: ("sample", "size", "--moe", "0.02"),
    "pvt estimate": lambda i: (
        "pvt", "estimate", i / "tallies.csv", "--options", "A,B", "--valid", "valid"
    ),
    "forensics report": lambda i: (
        "forensics", "report", FORENSICS_EXTRACT, "--out", i / "report", "--no-progress"
    ),
    "statement check": lambda i: (
        "statement", "check", STATEMENT, "--stations-observed", "59", "--not-random"
    ),
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(ANALYST_COMMANDS))
def test_an_analysts_command_creates_no_file_where_it_is_started(command, inputs, empty_folder):
    done = pollwatch(empty_folder, *ANALYST_COMMANDS[command](inputs))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert list(empty_folder.iterdir()) == []


def test_the_embedded_secret_key_is_made_once_on_first_use(empty_folder):
    show_key = (
        "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)"
    )
    first = pollwatch(empty_folder, "shell", "--command", show_key)
    again = pollwatch(empty_folder, "shell", "--command", show_key)
    assert first.returncode == 0, first.stderr
    key_file = empty_folder / "data" / "secret_key"
    key = first.stdout.split()[-1]
    assert key == again.stdout.split()[-1] == key_file.read_text().strip()
    assert len(key) >= 50


def test_processes_starting_at_once_agree_on_one_key(empty_folder):
    show_key = (
        "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)"
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"POLLWATCH_SECRET_KEY", "POLLWATCH_DATA_DIR", "DATABASE_URL"}
    } | {"PYTHONPATH": str(REPOSITORY)}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "pollwatch", "shell", "--command", show_key],
            cwd=empty_folder,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    keys = {process.communicate(timeout=120)[0].split()[-1] for process in started}
    data = empty_folder / "data"
    assert keys == {(data / "secret_key").read_text().strip()}
    assert [path.name for path in data.iterdir()] == ["secret_key"]
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
