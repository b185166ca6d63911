"""Languages' names: the form's own when it gives one, else the Unicode CLDR's English name.

ODK shows a form's languages by the itext ``lang`` attribute, which XLSForm
writes as ``Name (code)``. The names come from the Common Locale Data
Repository through Babel, so a language no one listed by hand still shows
by name rather than as a bare code.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from babel import Locale


def english_name(code: str) -> str:
    """The CLDR English name of a language code (``ka`` → ``Georgian``); else the code."""
    names = Locale("en").languages
    return names.get(code.replace("-", "_")) or names.get(code.split("-")[0], code)


def language_column(code: str, names: Mapping[str, str] | None = None) -> str:
    """``ru`` → ``Russian (ru)``, the way XLSForm and ODK name a language.

    ``names`` are the form's own names by code (a definition's ``language_names``).
    """
    return f"{(names or {}).get(code) or english_name(code)} ({code})"


@cache
def _codes_by_english_name() -> dict[str, str]:
    codes: dict[str, str] = {}
    # The shortest code wins: "Georgian" is ka, not a regional variant.
    for code, name in sorted(Locale("en").languages.items(), key=lambda item: len(item[0])):
        if "_" not in code:
            codes.setdefault(name.lower(), code)
    return codes


def code_of_english_name(name: str) -> str | None:
    """``Georgian`` → ``ka``; None for a name the CLDR does not give in English."""
    return _codes_by_english_name().get(name.strip().lower())
