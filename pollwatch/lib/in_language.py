"""A translatable text as it reads in one given language, whatever the request's."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import override


def in_language(text: Promise | str, language: str) -> str:
    """``text`` (usually from ``gettext_lazy``) translated into ``language``.

    A language without a catalogue gets the text as written, in English.
    """
    with override(language):
        return str(text)
