"""The intake tests' form and device token, shared with the API tests."""

from tests.intake.conftest import checklist, observer_token  # noqa: F401
