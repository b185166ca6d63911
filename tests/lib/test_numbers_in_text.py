import pytest

from pollwatch.lib.numbers_in_text import format_count, format_percent, russian_plural


@pytest.mark.parametrize(
    ("count", "form"),
    [
        (1, "день"),
        (21, "день"),
        (11, "дней"),
        (2, "дня"),
        (24, "дня"),
        (12, "дней"),
        (5, "дней"),
        (0, "дней"),
        (101, "день"),
        (111, "дней"),
    ],
)
def test_russian_plural_follows_the_last_digits(count, form):
    assert russian_plural(count, "день", "дня", "дней") == form


def test_numbers_are_written_the_way_each_language_reads_them():
    assert format_count(5273, "en") == "5,273"
    assert format_count(5273, "ru") == "5\u00a0273"
    assert format_percent(4.95, "en", 2) == "4.95"
    assert format_percent(4.95, "ru", 2) == "4,95"
