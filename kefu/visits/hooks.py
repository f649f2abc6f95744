"""What other apps are told about visits (the contacts app logs a recorded visit as a contact).

Apps above visits subscribe in their AppConfig.ready; `visit_recorded` runs the listeners inside
the transaction that recorded the visit, so their writes commit or roll back with it."""

from collections.abc import Callable

_recorded: list[Callable] = []


def on_visit_recorded(listener: Callable) -> None:
    """`listener(visit, actor)` runs once the visit record (客户走访记录表) is saved."""
    if listener not in _recorded:
        _recorded.append(listener)


def visit_recorded(visit, actor) -> None:
    for listener in _recorded:
        listener(visit, actor)
