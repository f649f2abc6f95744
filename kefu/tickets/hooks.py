"""Listeners told about a request's lifecycle inside the same transaction.

TicketsConfig.ready subscribes the sla app's clocks here, so that the services need not call
it (and sla, which must not import tickets, gets what it needs in the arguments):
`on_creating(ticket, at)` before the row is written (to fill fields such as the due time in
the same INSERT), `on_created(ticket, at)` after it,
`on_state_changed(ticket, old_state, new_state, at)`,
`on_responsibility_changed(ticket)` (a new owner or handler),
`on_deadline_extended(ticket, new_due_at)` and `on_replied(ticket, at)` (a reply to the customer).
`on_customer_linked(ticket)` runs when an unidentified caller's request is linked to a customer
(the key-account team of the customer's group is told).
`on_preset_installed()` runs when an industry preset (or the demo's) has installed workflows,
so that apps above tickets install their defaults that point at them (callback rules).
"""

from collections.abc import Callable


class _Moment:
    """The listeners of one moment in a request's life, called in the order they subscribed."""

    def __init__(self):
        self._listeners: list[Callable] = []

    def subscribe(self, listener: Callable) -> Callable:
        if listener not in self._listeners:  # AppConfig.ready may run twice (tests, reloads)
            self._listeners.append(listener)
        return listener

    def send(self, *args) -> None:
        for listener in self._listeners:
            listener(*args)


_creating, _created, _state_changed, _deadline_extended = _Moment(), _Moment(), _Moment(), _Moment()
_responsibility_changed, _replied, _preset_installed = _Moment(), _Moment(), _Moment()
_customer_linked = _Moment()

on_creating, ticket_creating = _creating.subscribe, _creating.send
on_created, ticket_created = _created.subscribe, _created.send
on_state_changed, state_changed = _state_changed.subscribe, _state_changed.send
on_deadline_extended, deadline_extended = _deadline_extended.subscribe, _deadline_extended.send
on_responsibility_changed, responsibility_changed = _responsibility_changed.subscribe, _responsibility_changed.send
on_replied, replied = _replied.subscribe, _replied.send
on_preset_installed, preset_installed = _preset_installed.subscribe, _preset_installed.send
on_customer_linked, customer_linked = _customer_linked.subscribe, _customer_linked.send
