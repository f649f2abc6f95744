"""What other apps are told about callbacks (the contacts app logs an answered callback as a
contact with the customer).

Apps above callbacks subscribe in their AppConfig.ready; `callback_recorded` runs the listeners
inside the transaction that recorded the result, so their writes commit or roll back with it."""

from collections.abc import Callable

_recorded: list[Callable] = []


def on_callback_recorded(listener: Callable) -> None:
    """`listener(callback, actor)` runs once the customer's answer is saved on the callback."""
    if listener not in _recorded:
        _recorded.append(listener)


def callback_recorded(callback, actor) -> None:
    for listener in _recorded:
        listener(callback, actor)
