"""An XLSForm is refused by the import limits before pyxform or openpyxl unpacks it."""

from __future__ import annotations

import io
import time
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


@override_settings(POLLWATCH_IMPORT_MAX_UNPACKED_BYTES=5_000_000)
def test_a_workbook_unpacking_past_the_limit_is_refused_before_it_is_read():
    started = time.perf_counter()
    with pytest.raises(XLSFormError, match="POLLWATCH_IMPORT_MAX_UNPACKED_BYTES"):
        import_xlsform(_padded_fixture(30_000_000))
    assert time.perf_counter() - started < 1.0


@override_settings(POLLWATCH_IMPORT_MAX_BYTES=1000)
def test_a_workbook_over_the_byte_limit_is_refused_naming_it():
    with pytest.raises(XLSFormError, match="POLLWATCH_IMPORT_MAX_BYTES"):
        import_xlsform(XLSFORM_FIXTURE)


def test_the_fixture_is_within_the_limits():
    assert import_xlsform(XLSFORM_FIXTURE).definition.code
