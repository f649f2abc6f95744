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


# Who may read a customer's business file (SPEC §1, seed 002: agreements, volumes and revenue, key
# persons' preferences, competitor notes). The key-account teams (above customers) decide it for
# group customers; without them, everyone who sees the customer sees its file. One rule at most.
_business_file_access: list[tuple[Callable, Callable]] = []


def set_business_file_access_check(check: Callable, narrow: Callable) -> None:
    """`check(user, customer)` says whether `user`, who sees `customer`, may read its business
    file; `narrow(user, customers)` narrows a queryset of customers to those whose file `user`
    may read (the same rule, set-based, for lists)."""
    _business_file_access[:] = [(check, narrow)]


def business_file_access() -> tuple[Callable, Callable] | None:
    return _business_file_access[0] if _business_file_access else None


# Customers that got a new account manager: the contacts app starts the first-contact week.
_manager_listeners: list[Callable] = []


def on_managers_changed(listener: Callable) -> None:
    """`listener(moves)` runs inside the transaction that gave customers a new account manager;
    `moves` is a list of (customer id, manager id before or None, manager id after or None)."""
    if listener not in _manager_listeners:
        _manager_listeners.append(listener)


def managers_changed(moves: list[tuple[int, int | None, int | None]]) -> None:
    """Tell the listeners which customers changed manager (called by every archive writer of
    `Customer.account_manager`: create, update, customers_set_managers)."""
    if not moves:
        return
    for listener in _manager_listeners:
        listener(moves)
