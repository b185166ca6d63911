"""A file's type comes from its bytes, and only the caller's allow-list lets it through."""

from __future__ import annotations

from pollwatch.lib.file_types import allowed_type, detected_content_type

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PHOTOS = {"image/png": "png", "image/jpeg": "jpg"}


def test_a_type_on_the_list_is_found_with_its_extension_and_a_random_name():
    kind = allowed_type(PNG, PHOTOS)
    assert kind is not None and (kind.content_type, kind.extension) == ("image/png", "png")
    first, second = kind.stored_name(), kind.stored_name()
    assert first.endswith(".png") and second.endswith(".png") and first != second


def test_a_recognised_type_off_the_list_is_refused_but_named():
    assert allowed_type(PDF, PHOTOS) is None
    assert detected_content_type(PDF) == "application/pdf"


def test_what_a_browser_would_run_is_never_recognised_whatever_its_name():
    for body in (b"<!DOCTYPE html><script>alert(1)</script>", b'<svg xmlns="x"></svg>'):
        assert detected_content_type(body) is None
        assert allowed_type(body, {"text/html": "html", **PHOTOS}) is None
