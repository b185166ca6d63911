"""The intake tests' form and device token, shared with the API tests."""
