import pytest

from pollwatch.statements.services import create_statement, save_draft


@pytest.fixture
def make_draft(mission, administrator):
    """A new preliminary statement's first draft, saved with the given sections."""

    def make(sections):
        statement = create_statement(mission, title="Preliminary statement", actor=administrator)
        version = statement.draft()
        save_draft(version, sections, actor=administrator)
        return version

    return make
