"""What the time limits need written on the requests, registered by the app that owns them.

A clock belongs to a request, but the sla app does not import the tickets app: tickets uses
sla (it plans the clocks through its lifecycle hooks and shows how a request stands), so the
dependency runs one way. Whatever the clocks must put on a request's own tables goes through
the functions the tickets app registers here in its AppConfig.ready:

- `record_milestones(milestones)`: keep a clock's warning, breach and reminder stamps as
  timeline events before a restart or an extended deadline clears them (a list of `Milestone`);
- `record_escalations(ticket_ids, at)`: one timeline event per request the sweep escalated,
  written set-based;
- `request_numbers(ticket_ids) -> {id: number}`: the numbers a notification lists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Milestone:
    """A stamp on a clock as the request's timeline shows it."""

    ticket_id: int
    stamp: str  # "warned", "breached" or "reminded"
    metric_label: str
    at: datetime


@dataclass(frozen=True)
class RequestWriters:
    record_milestones: Callable[[list[Milestone]], None]
    record_escalations: Callable[[Iterable[int], datetime], None]
    request_numbers: Callable[[Iterable[int]], dict[int, str]]


_registered: list[RequestWriters] = []


def register_request_writers(writers: RequestWriters) -> None:
    """Called once by the app that owns the requests (AppConfig.ready may run twice: replace)."""
    _registered[:] = [writers]


def request_writers() -> RequestWriters:
    if not _registered:
        raise ImproperlyConfigured("No app registered the request writers of kefu.sla.hooks.")
    return _registered[0]
