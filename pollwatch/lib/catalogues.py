"""The project's translation catalogues, read without the web framework.

The claim check and the sentences it writes must run without Django (the
statement command, notebooks), yet speak from the same catalogues as the
pages. This module reads the compiled ``locale/<language>/LC_MESSAGES/django.mo``
with the standard library; the functions carry the usual gettext names, so
``makemessages`` finds their texts like any other.

Texts are translated into the language of the innermost ``writing_in`` block,
English outside any.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SOURCE_LANGUAGE = "en"

_writing: ContextVar[str] = ContextVar("writing", default=SOURCE_LANGUAGE)


@cache
def catalogue(language: str) -> stdlib_gettext.NullTranslations:
    """The compiled catalogue of ``language``; the source texts when it has none."""
    return stdlib_gettext.translation(
        "django", LOCALE_DIR, languages=[language.replace("-", "_")], fallback=True
    )


@contextmanager
def writing_in(language: str) -> Iterator[None]:
    token = _writing.set(language)
    try:
        yield
    finally:
        _writing.reset(token)


def gettext(message: str) -> str:
    return catalogue(_writing.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return catalogue(_writing.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return catalogue(_writing.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return catalogue(_writing.get()).npgettext(context, singular, plural, count)


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogues; it is translated where it is used."""
    return message


def current_language() -> str:
    """The language of the innermost ``writing_in`` block."""
    return _writing.get()
