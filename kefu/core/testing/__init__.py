"""Test helpers shared by every app."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action) -> int:
    """How many SQL queries `action()` runs once the process's caches are warm (the
    configuration cache loads workflows and policies on first use; see kefu.core.config_cache)."""
    action()
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)
