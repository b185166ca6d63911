import pytest

from pollwatch.findings import answer_store


@pytest.fixture(autouse=True)
def fresh_answer_store():
    """Ids restart with each test database: never let one test read another's store."""
    answer_store.forget_all()
    yield
    answer_store.forget_all()
