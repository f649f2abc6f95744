"""Test helpers shared by every app."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action) -> int:
    """How many SQL queries `action()` runs."""
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)
