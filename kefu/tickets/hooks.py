"""Listeners told about a request's lifecycle inside the same transaction.

The SLA app subscribes here (in its AppConfig.ready) so that tickets need not import it:
`on_creating(ticket, at)` before the row is written (to fill fields such as the due time in
the same INSERT), `on_created(ticket, at)` after it, and
`on_state_changed(ticket, old_state, new_state, at)`.
"""

from collections.abc import Callable

_creating: list[Callable] = []
_created: list[Callable] = []
_state_changed: list[Callable] = []


def on_creating(listener: Callable) -> Callable:
    if listener not in _creating:
        _creating.append(listener)
    return listener


def ticket_creating(ticket, at) -> None:
    for listener in _creating:
        listener(ticket, at)


def on_created(listener: Callable) -> Callable:
    if listener not in _created:
        _created.append(listener)
    return listener


def on_state_changed(listener: Callable) -> Callable:
    if listener not in _state_changed:
        _state_changed.append(listener)
    return listener


def ticket_created(ticket, at) -> None:
    for listener in _created:
        listener(ticket, at)


def state_changed(ticket, old_state, new_state, at) -> None:
    for listener in _state_changed:
        listener(ticket, old_state, new_state, at)


_deadline_extended: list[Callable] = []


def on_deadline_extended(listener: Callable) -> Callable:
    if listener not in _deadline_extended:
        _deadline_extended.append(listener)
    return listener


def deadline_extended(ticket, new_due_at) -> None:
    for listener in _deadline_extended:
        listener(ticket, new_due_at)
