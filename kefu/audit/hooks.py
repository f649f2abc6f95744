"""Recorded values some readers may not see.

The trail keeps a change's old and new values, so it holds what other rules keep from some
readers (a group customer's business file, SPEC §1). An app above registers a redactor in its
`AppConfig.ready`; the audit list runs every redactor over the page's events before showing them.
"""

from collections.abc import Callable, Iterable

_redactors: list[Callable] = []

HIDDEN = "***"


def register_redactor(fn: Callable) -> Callable:
    """`fn(user, events)` replaces, in each event's `changes`, the values `user` may not read by
    `HIDDEN` (in memory only: the stored trail is never changed)."""
    if fn not in _redactors:  # AppConfig.ready may run twice (tests, reloads)
        _redactors.append(fn)
    return fn


def redact(user, events: Iterable) -> None:
    events = list(events)
    for fn in _redactors:
        fn(user, events)
