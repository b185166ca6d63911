"""Numbers written into English and Russian sentences: grouping, decimals, plural forms."""

from __future__ import annotations


def format_count(value: int, language: str) -> str:
    """``5,273`` in English, ``5 273`` (no-break space) in Russian."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if language == "ru" else grouped


def format_percent(value: float, language: str, decimals: int = 1) -> str:
    """``4.9`` in English, ``4,9`` in Russian (no sign)."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if language == "ru" else text


def russian_plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after ``count``: 1 день, 2 дня, 5 дней."""
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return one
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return few
    return many
