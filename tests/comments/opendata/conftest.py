"""The closed consultation with comments that the response tests use (tests/comments/responses/conftest.py)."""
from tests.comments.responses.conftest import client_as, shared, world  # noqa: F401  (fixtures)
