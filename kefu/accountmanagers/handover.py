"""A leaving manager's open work (交接), handed over through providers that each app registers.

The requests they own or handle come with this app (`open_requests`, through the tickets
service); callbacks, visits and tasks of later issues register their own provider in their
`AppConfig.ready`:

    register_handover_provider("visits", hand_over_visits)

A provider is called inside the departure's transaction as `provider(actor=…, leaving=…,
receiver_for=…)`, where `receiver_for(customer id or None)` is the user who takes over that
customer's work (the customer's new manager, else the plan's receiver of other work); it moves
its rows through its own audited service and returns what it moved as `HandedOver` items, which
make up the handover records the new managers see.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class HandedOver:
    receiver_id: int
    kind: str  # a provider's name, e.g. "requests"
    label: str  # what the kind is called on the handover record (in the user's language)
    ref_id: int
    text: str
    url: str = ""


_providers: dict[str, Callable[..., list[HandedOver]]] = {}


def register_handover_provider(name: str, provider: Callable[..., list[HandedOver]]) -> None:
    _providers[name] = provider  # AppConfig.ready may run twice: replaced, never doubled


def hand_over_open_work(*, actor, leaving, receiver_for) -> list[HandedOver]:
    items: list[HandedOver] = []
    for provider in _providers.values():
        items.extend(provider(actor=actor, leaving=leaving, receiver_for=receiver_for))
    return items


def open_requests(*, actor, leaving, receiver_for) -> list[HandedOver]:
    """The open requests the leaving manager owns or handles (tickets.services.handover)."""
    from kefu.tickets.services.handover import tickets_hand_over

    return [
        HandedOver(
            receiver_id=receiver.pk,
            kind="requests",
            label=_("Open requests"),
            ref_id=ticket.pk,
            text=f"{ticket.number} {ticket.title}",
            url=reverse("tickets:detail", args=[ticket.pk]),
        )
        for ticket, receiver in tickets_hand_over(actor=actor, from_user=leaving, receiver_for=receiver_for)
    ]
