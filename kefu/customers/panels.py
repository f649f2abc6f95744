"""Lists of a customer's records from other apps on the customer 360 page (its requests, and
later its callbacks, visits, care…).

Like the timeline (kefu.customers.timeline), each app registers a provider in `AppConfig.ready`,
so the customer app imports none of them. A provider answers for one reader: it applies that
reader's data scope and returns None when the reader may not see that kind of record.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PanelRow:
    title: str
    url: str = ""
    meta: str = ""  # e.g. type · status · date
    badge: str = ""


@dataclass(frozen=True)
class CustomerPanel:
    key: str  # names the card in the page (id="customer-panel-<key>")
    title: str
    total: int
    rows: list[PanelRow] = field(default_factory=list)
    more_url: str = ""  # the full list, when there are more rows than shown
    more_label: str = ""  # the link's text, if not the requests' "open ones in the queue"
    empty_text: str = ""


PanelProvider = Callable[[object, int, int], CustomerPanel | None]
_providers: list[PanelProvider] = []


def register_customer_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def customer_panels(user, customer_id: int, *, limit: int = 10) -> list[CustomerPanel]:
    """Every registered list the reader may see, each with its newest `limit` rows."""
    panels = (provider(user, customer_id, limit) for provider in _providers)
    return [panel for panel in panels if panel is not None]
