"""Cards on the workbench. Each domain app registers a function that returns its cards.

A card is a dict: {"title", "value", "hint", "url", "icon"}; providers return [] when the
user's role has nothing to see there.
"""

from collections.abc import Callable

WorkbenchProvider = Callable[[object], list[dict]]
_providers: list[WorkbenchProvider] = []


def register_workbench_provider(provider: WorkbenchProvider) -> WorkbenchProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def workbench_cards(user) -> list[dict]:
    cards: list[dict] = []
    for provider in _providers:
        cards.extend(provider(user))
    return cards
