"""Configuration that every request reads, kept in the process for a short while.

Workflows, time-limit policies, the category tree and the organisation's units change a few
times a year, yet creating a request or drawing a request page read them on every call (four
of the thirteen statements of a creation at 5,000,000 requests, bench/http_bench.py).

Each process keeps what it loaded for `KEFU_CONFIG_CACHE_SECONDS` (60 by default, 0 turns
the cache off). A change saved in this process clears it at once (the apps connect
`clear` to their configuration models' signals); other workers see it within that many
seconds. Django keeps its sites and content types the same way, without the expiry.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")
_entries: dict[str, tuple[float, object]] = {}


def cached(name: str, load: Callable[[], T]) -> T:
    """The value kept under `name`, loaded again once it is older than the setting allows."""
    now = time.monotonic()
    entry = _entries.get(name)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = load()
    seconds = settings.KEFU_CONFIG_CACHE_SECONDS
    if seconds > 0:
        _entries[name] = (now + seconds, value)
    return value


def clear(*args, **kwargs) -> None:
    """Forget everything (a signal receiver: any configuration change clears it all)."""
    _entries.clear()


def clear_on_change(*models, receiver: Callable[..., None] = clear) -> None:
    """Clear the cache whenever one of these models is saved or deleted in this process; another
    per-process cache passes its own `receiver` (kefu.org.authentication's kept users)."""
    from django.db.models.signals import post_delete, post_save

    name = f"{receiver.__module__}.{receiver.__qualname__}"
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"{name}:{model._meta.label}:{id(signal)}")
