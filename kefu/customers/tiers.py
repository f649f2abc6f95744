"""The customer tiers (`Tier` rows) as every screen and rule reads them.

Tiers are configuration: an admin edits them a few times a year, yet the customer list, the
queues and every request registration ask which tiers exist, how they are labelled and which
carry the green channel. They are kept in each process through the configuration cache
(`kefu.core.config_cache`; `CustomersConfig.ready` clears it when a tier is saved or deleted).
"""

from dataclasses import dataclass

from kefu.core import config_cache


@dataclass(frozen=True)
class TierInfo:
    code: str
    label: str
    rank: int
    green_channel: bool
    required_manager_level: str
    active: bool


def all_tiers() -> list[TierInfo]:
    """Every tier, active or not, top first (rank, then code)."""
    return config_cache.cached("customers:tiers", _load)


def _load() -> list[TierInfo]:
    from .models import Tier

    return [
        TierInfo(t.code, t.label, t.rank, t.green_channel, t.required_manager_level, t.active)
        for t in Tier.objects.order_by("rank", "code")
    ]


def active_tiers() -> list[TierInfo]:
    """The tiers a customer may be given, top first."""
    return [tier for tier in all_tiers() if tier.active]


def tier_choices(*, keep: str = "") -> list[tuple[str, str]]:
    """(code, label) of the active tiers, top first: the customer form's choices. `keep` adds a
    customer's present tier if it was retired since, so that saving the form leaves it."""
    choices = [(tier.code, tier.label) for tier in active_tiers()]
    if keep and keep not in {code for code, _label in choices}:
        choices.append((keep, tier_label(keep)))
    return choices


def tier_label(code: str) -> str:
    """The label shown for a tier code (the code itself for one that has no row)."""
    for tier in all_tiers():
        if tier.code == code:
            return tier.label
    return code


def green_channel_codes() -> frozenset[str]:
    """Codes of the active tiers whose customers have the green channel (绿色通道)."""
    return frozenset(tier.code for tier in all_tiers() if tier.active and tier.green_channel)


def is_green_channel(code: str) -> bool:
    return bool(code) and code in green_channel_codes()
