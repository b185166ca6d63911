from __future__ import annotations

import pytest

from pollwatch.accounts import certification


@pytest.fixture
def certification_rule():
    """Set a certification rule for one test; the one in force before comes back after it."""
    before = list(certification._RULE)

    def register(rule):
        certification.register_certification_rule(rule)

    yield register
    certification._RULE[:] = before
