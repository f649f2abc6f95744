"""Configuration that every request reads, kept in each process until it changes.

Workflows, time-limit policies and calendars, the category tree and the organisation's units
change a few times a year, yet creating a request or drawing a request page reads them on every
call. Each process keeps what it loaded, tagged with the configuration's version. The version
lives in Django's cache (`CACHES`: Redis when scaled out, a file cache that the processes of the
embedded default share), so every `cached()` call asks it once and loads again when it moved.

A change is announced by `clear()`: the apps connect it to their configuration models' save and
delete signals (`clear_on_change`), and services call it for changes made without a save (a
calendar's revision). It forgets this process's copies at once and moves the shared version when
the transaction commits, so that no other process reloads before the change is visible to it.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
VERSION_KEY = "kefu:config-version"
_entries: dict[str, tuple[int, object]] = {}


def version() -> int:
    """The configuration's current version, from the shared cache.

    A missing version (first start, a flushed or evicted cache) is created from the clock, so it
    differs from any version a process may have tagged its copies with before."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def cached(name: str, load: Callable[[], T]) -> T:
    """The value kept under `name`, loaded again if the configuration changed since."""
    current = version()
    entry = _entries.get(name)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = load()
    _entries[name] = (current, value)
    return value


def forget_here() -> None:
    """Forget this process's copies only: for a value that lacks a row another process may have
    just added (its version moves once that process commits)."""
    _entries.clear()


def clear(*args, **kwargs) -> None:
    """A configuration change: forget this process's copies now, and every process's once the
    transaction commits (a signal receiver, hence the arguments)."""
    _entries.clear()
    transaction.on_commit(_move_version)


def _move_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing: any new value tells every process to load again
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    else:
        cache.touch(VERSION_KEY, timeout=None)  # some backends' incr sets the default timeout


def clear_on_change(*models) -> None:
    """Announce a change whenever one of these configuration models is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(clear, sender=model, dispatch_uid=f"kefu.config_cache:{model._meta.label}:{id(signal)}")
