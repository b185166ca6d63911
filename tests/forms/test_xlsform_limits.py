"""An XLSForm is refused by the import limits before pyxform or openpyxl unpacks it."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings

from pollwatch.forms.xlsform import XLSFormError, import_xlsform
from tests.forms.builders import XLSFORM_FIXTURE


def _padded_fixture(size: int) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(XLSFORM_FIXTURE) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("xl/media/padding.bin", bytes(size))
    return buffer.getvalue()


def _unpacking_refused(*args: object, **kwargs: object) -> bytes:
    # Refusing from the archive's directory alone: no member may be unpacked first.
    raise AssertionError("a member of the archive was unpacked before the limit was checked")


@override_settings(POLLWATCH_IMPORT_MAX_UNPACKED_BYTES=5_000_000)
def test_a_workbook_unpacking_past_the_limit_is_refused_before_it_is_read(monkeypatch):
    workbook = _padded_fixture(30_000_000)
    monkeypatch.setattr(zipfile.ZipExtFile, "read", _unpacking_refused)
    with pytest.raises(XLSFormError, match="POLLWATCH_IMPORT_MAX_UNPACKED_BYTES"):
        import_xlsform(workbook)


@override_settings(POLLWATCH_IMPORT_MAX_BYTES=1000)
def test_a_workbook_over_the_byte_limit_is_refused_naming_it():
    with pytest.raises(XLSFormError, match="POLLWATCH_IMPORT_MAX_BYTES"):
        import_xlsform(XLSFORM_FIXTURE)


def test_the_fixture_is_within_the_limits():
    assert import_xlsform(XLSFORM_FIXTURE).definition.code
