"""A statement speaks its own language: starting text, method paragraph and printed headings."""

from __future__ import annotations

import pytest
from django.utils import translation

from pollwatch.statements.exports import statement_html
from pollwatch.statements.forms import NewStatementForm
from pollwatch.statements.services import create_statement, publish, save_draft
from pollwatch.statements.templates import starting_sections


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "The opening was assessed bad or very bad {assessment:opening=bad,very_bad}."),
        ("ru", "Открытие оценено как плохое или очень плохое {assessment:opening=bad,very_bad}."),
        (
            "tr",
            "Açılış {assessment:opening=bad,very_bad} kötü veya çok kötü olarak değerlendirildi.",
        ),
    ],
)
def test_a_new_draft_starts_in_its_language_with_the_same_references(language, opening):
    with translation.override("en"):
        assert starting_sections(language)["opening"] == opening


def test_the_printed_statement_has_headings_in_its_language_not_the_readers(mission, administrator):
    statement = create_statement(mission, title="Заявление", language="ru", actor=administrator)
    version = statement.draft()
    save_draft(version, {"summary": "Голосование прошло спокойно."}, actor=administrator)
    published = publish(version, actor=administrator, confirm_flags=True)
    with translation.override("tr"):
        page = statement_html(published, for_print=True)
    assert "Основные выводы" in page
    assert "Sonuçların özeti" not in page


@pytest.mark.parametrize("language", ["en", "ru", "tr"])
def test_a_new_statement_may_be_written_in_any_language_of_the_catalogues(language):
    form = NewStatementForm(
        data={"title": "Statement", "kind": "preliminary", "language": language}
    )

    assert form.is_valid(), form.errors
