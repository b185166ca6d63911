"""Numbers written into sentences: grouping and decimals as each language writes them.

The separators are entries of the translation catalogues, so a sentence in
Russian reads ``5 273`` (no-break space) and ``4,9``, one in Turkish ``5.273``
and ``4,9``, one in English ``5,273`` and ``4.9``. Framework-free, for the
claim check.
"""

from __future__ import annotations

from pollwatch.lib.catalogues import pgettext, writing_in


def _separator(kind: str, language: str) -> str:
    with writing_in(language):
        if kind == "thousands":
            return pgettext("thousands separator in numbers", ",")
        return pgettext("decimal separator in numbers", ".")


def format_count(value: int, language: str) -> str:
    """``5,273`` in English, ``5 273`` (no-break space) in Russian, ``5.273`` in Turkish."""
    return f"{value:,}".replace(",", _separator("thousands", language))


def format_percent(value: float, language: str, decimals: int = 1) -> str:
    """``4.9`` in English, ``4,9`` in Russian and Turkish (no sign)."""
    return f"{value:.{decimals}f}".replace(".", _separator("decimal", language))


def with_percent_sign(number: str, language: str) -> str:
    """``4.9%`` in English and Russian, ``%4,9`` in Turkish: ``number`` already formatted."""
    with writing_in(language):
        return pgettext("a percentage", "%(number)s%%") % {"number": number}


def percent_range(low: str, high: str, language: str) -> str:
    """``5–10%`` in English and Russian, ``%5–10`` in Turkish: numbers already formatted."""
    with writing_in(language):
        return pgettext("a range of percentages", "%(low)s–%(high)s%%") % {
            "low": low,
            "high": high,
        }


def russian_plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after ``count``: 1 день, 2 дня, 5 дней.

    For text outside the catalogues (data such as form labels); sentences of
    the application take their plural forms from ``ngettext``.
    """
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return one
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return few
    return many
