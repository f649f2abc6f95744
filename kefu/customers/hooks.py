"""What other apps are told about changes to customers.

Apps above customers (tickets: the green channel on a customer's requests) register a listener
in their AppConfig.ready; the customers services call `tiers_changed` whenever a customer's tier
may have changed, inside the same transaction, so a listener's writes commit or roll back with it.
"""

from collections.abc import Callable, Iterable

_tier_listeners: list[Callable] = []


def on_tiers_changed(listener: Callable) -> None:
    """`listener(customer_ids)` runs after customers' tiers changed; `customer_ids` is a list of
    ids or a queryset of ids (`.values("pk")`), never evaluated by the caller."""
    if listener not in _tier_listeners:
        _tier_listeners.append(listener)


def tiers_changed(customer_ids: Iterable[int]) -> None:
    """Tell the listeners that these customers' tiers changed (any number of customers: a
    bulk change passes a queryset of ids so that the listeners work set-based)."""
    for listener in _tier_listeners:
        listener(customer_ids)


# Whether a manager may serve a customer of a tier: the manager's level lives with the account
# managers (above customers), the tier's required level here. One checker at most.
_manager_fit: list[Callable] = []


def set_manager_fit_check(check: Callable) -> None:
    """`check(manager, tier_code)` returns a message when `manager` may not serve a customer of
    that tier (their level is below what the tier requires), else None."""
    _manager_fit[:] = [check]


def manager_fit_error(manager, tier_code: str) -> str | None:
    if manager is None or not tier_code or not _manager_fit:
        return None
    return _manager_fit[0](manager, tier_code)
