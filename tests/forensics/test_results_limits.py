"""Results files are read within the import limits, refused by name before unpacking."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings

from pollwatch.forensics.results_file import ResultsFileError, load_results
from tests.forensics.conftest import SIMPLE_HEADER, SIMPLE_MAPPING

GOOD_ROW = "north,1,1000,10,590,580,20,300,280\n"


def _zipped(text: str, padding: int = 0) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("results.csv", text + " " * padding)
    buffer.seek(0)
    buffer.name = "results.zip"
    return buffer


def _unpacking_refused(*args: object, **kwargs: object) -> bytes:
    # Refusing from the archive's directory alone: no member may be unpacked first.
    raise AssertionError("a member of the archive was unpacked before the limit was checked")


@override_settings(POLLWATCH_IMPORT_MAX_UNPACKED_BYTES=1_000_000)
def test_a_zip_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(monkeypatch):
    bomb = _zipped(SIMPLE_HEADER + GOOD_ROW, padding=40_000_000)
    monkeypatch.setattr(zipfile.ZipExtFile, "read", _unpacking_refused)
    with pytest.raises(ResultsFileError, match="POLLWATCH_IMPORT_MAX_UNPACKED_BYTES"):
        load_results(bomb, SIMPLE_MAPPING)


def test_a_zip_within_the_limits_is_read():
    results = load_results(_zipped(SIMPLE_HEADER + GOOD_ROW), SIMPLE_MAPPING)
    assert results.rows_read == 1


@override_settings(POLLWATCH_IMPORT_MAX_ROWS=3)
def test_a_results_file_over_the_row_limit_is_refused_naming_it():
    text = SIMPLE_HEADER + GOOD_ROW * 4
    with pytest.raises(ResultsFileError, match="POLLWATCH_IMPORT_MAX_ROWS"):
        load_results(io.BytesIO(text.encode()), SIMPLE_MAPPING, name="r.csv")


@override_settings(POLLWATCH_IMPORT_MAX_BYTES=200)
def test_a_results_file_over_the_byte_limit_is_refused_naming_it():
    text = SIMPLE_HEADER + GOOD_ROW * 10
    with pytest.raises(ResultsFileError, match="POLLWATCH_IMPORT_MAX_BYTES"):
        load_results(io.BytesIO(text.encode()), SIMPLE_MAPPING, name="r.csv")
