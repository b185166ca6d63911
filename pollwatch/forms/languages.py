"""Languages as forms name them: ``English (en)``, ``English``, ``fr`` or ``default``.

XLSForm and XForms name a language however the author wrote it; pollwatch keys
labels by a language code and keeps the form's own name for display.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from babel import Locale, UnknownLocaleError

UNDETERMINED = "und"
CODE = re.compile(r"[a-z]{2,3}")
NAMED_WITH_CODE = re.compile(
    r"(?P<name>.*?)\s*\(\s*(?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\s*\)\s*$"
)


@cache
def _codes_by_name() -> dict[str, str]:
    english = Locale("en")
    codes: dict[str, str] = {}
    for code, name in sorted(english.languages.items(), key=lambda item: len(item[0])):
        if "_" not in code:
            codes.setdefault(name.lower(), code)
    return codes


@cache
def _codes_by_own_name() -> dict[str, str]:
    """Codes by each language's name in itself (``Français`` → ``fr``); slower, built once."""
    codes: dict[str, str] = {}
    for code in map(str, Locale("en").languages):
        if "_" in code:
            continue
        try:
            name = str(Locale.parse(code).languages.get(code) or "")
        except (ValueError, LookupError, UnknownLocaleError):
            continue
        if name:
            codes.setdefault(name.lower(), code)
    return codes


def language_name(code: str) -> str:
    """The CLDR English name of a language code (``ka`` → ``Georgian``); else the code."""
    names = Locale("en").languages
    return names.get(code.replace("-", "_")) or names.get(code.split("-")[0], code)


def language_column(code: str, names: Mapping[str, str] | None = None) -> str:
    """``ru`` → ``Russian (ru)``, the way XLSForm and ODK name a language.

    ``names`` are the form's own names by code (a definition's ``language_names``).
    """
    return f"{(names or {}).get(code) or language_name(code)} ({code})"


def language_code_and_name(text: str) -> tuple[str, str]:
    """The code and display name of a language as a form writes it.

    ``Russian (ru)`` → (``ru``, ``Russian``); ``French`` → (``fr``, ``French``);
    a name no list knows gets a private code ``und-<letters>`` that keeps it apart.
    """
    text = text.strip()
    if text.lower() in ("", "default"):
        return UNDETERMINED, "Default"
    match = NAMED_WITH_CODE.fullmatch(text)
    if match is not None:
        code = match["code"].lower().replace("_", "-")
        return code, match["name"] or language_name(code)
    if CODE.fullmatch(text.lower()) and text.lower() in Locale("en").languages:
        return text.lower(), language_name(text.lower())
    code = _codes_by_name().get(text.lower()) or _codes_by_own_name().get(text.lower())
    if code is not None:
        return code, text
    letters = re.sub(r"[^a-z0-9]", "", text.lower())[:8]
    return (f"{UNDETERMINED}-{letters}" if letters else UNDETERMINED), text or "Default"
