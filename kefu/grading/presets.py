"""Shipped grading schemes, installed with `services.scheme_install_preset` (page, API).

The tiers they lead to are the active tiers, top first (三星/二星/一星 by default). The seeds
give the structure, not the numbers: seed 004 篇9 grades scale (annual volume and revenue,
weighted), credit (甲/乙/丙) and dependency or potential (高/中/低) into 三星/二星/一星 but its
tables 1 and 2 are not in the text, so the weights and bands below are ours, chosen to be easy
to check by hand; an admin changes them on the scheme.
"""

from django.utils.translation import gettext as _

from .choices import Method, Source

SEED_WEIGHTED = "seed_weighted"
ABC = "abc"
RFM = "rfm"


def _weighted(tiers: list[str]) -> dict:
    # Scale (half the weight: volume and revenue of the year), credit and dependency/potential.
    # Points: 100 / 60 / 20 for the three classes of each (特级/一级/二级, 甲/乙/丙, 高/中/低).
    return {
        "name": _("Weighted grading (scale, credit, potential)"),
        "description": _(
            "Seed 004 篇9: the year's volume and revenue weighted into scale, credit 甲/乙/丙 and "
            "dependency or potential 高/中/低; score 80 or more is the top tier, 55 or more the second."
        ),
        "method": Method.WEIGHTED,
        "period_months": 12,
        "criteria": [
            {"source": Source.VOLUME_TOTAL, "weight": 25, "bands": [
                {"min": 100000, "points": 100, "label": "特级"},
                {"min": 20000, "points": 60, "label": "一级"},
                {"min": 0, "points": 20, "label": "二级"},
            ]},
            {"source": Source.REVENUE_TOTAL, "weight": 25, "bands": [
                {"min": 1000000, "points": 100, "label": "特级"},
                {"min": 200000, "points": 60, "label": "一级"},
                {"min": 0, "points": 20, "label": "二级"},
            ]},
            {"source": Source.CREDIT_RATING, "weight": 25, "bands": [
                {"value": "A", "points": 100, "label": "甲"},
                {"value": "B", "points": 60, "label": "乙"},
                {"value": "C", "points": 20, "label": "丙"},
            ]},
            {"source": Source.POTENTIAL, "weight": 25, "bands": [
                {"value": "high", "points": 100, "label": "高"},
                {"value": "medium", "points": 60, "label": "中"},
                {"value": "low", "points": 20, "label": "低"},
            ]},
        ],
        "tier_bands": _bands(tiers, "min_score", ["80", "55", "0"]),
    }  # fmt: skip


def _abc(tiers: list[str]) -> dict:
    # 80/20 (seed 003 篇6): the customers who together bring 80 % of the revenue are class A,
    # the next 15 % class B, the rest class C.
    return {
        "name": _("ABC by value share (80/20)"),
        "description": _(
            "Seed 003 篇6: customers ranked by the year's revenue; those making up the first 80 % of "
            "the total are the top tier, up to 95 % the second, the rest the third."
        ),
        "method": Method.VALUE_SHARE,
        "period_months": 12,
        "criteria": [{"source": Source.REVENUE_TOTAL, "weight": 100, "bands": []}],
        "tier_bands": _bands(tiers, "max_share", ["80", "95", "100"]),
    }


def _rfm(tiers: list[str]) -> dict:
    # Recency, frequency, monetary: 1-5 points each (0 for no business at all), weight 100 so
    # that the score is their sum (3-15).
    return {
        "name": _("RFM (recency, frequency, monetary)"),
        "description": _(
            "Months since the last month with business, months with business in the year and the "
            "year's revenue, 1 to 5 points each; 13 or more is the top tier, 9 or more the second."
        ),
        "method": Method.WEIGHTED,
        "period_months": 12,
        "criteria": [
            {"source": Source.RECENCY_MONTHS, "weight": 100, "bands": [
                {"min": 0, "points": 5}, {"min": 1, "points": 4}, {"min": 3, "points": 3},
                {"min": 6, "points": 2}, {"min": 9, "points": 1},
            ]},
            {"source": Source.ACTIVE_MONTHS, "weight": 100, "bands": [
                {"min": 12, "points": 5}, {"min": 9, "points": 4}, {"min": 6, "points": 3},
                {"min": 3, "points": 2}, {"min": 1, "points": 1},
            ]},
            {"source": Source.REVENUE_TOTAL, "weight": 100, "bands": [
                {"min": 1000000, "points": 5}, {"min": 200000, "points": 4}, {"min": 50000, "points": 3},
                {"min": 10000, "points": 2}, {"min": 0, "points": 1},
            ]},
        ],
        "tier_bands": _bands(tiers, "min_score", ["13", "9", "0"]),
    }  # fmt: skip


def _bands(tiers: list[str], key: str, limits: list[str]) -> list[dict]:
    """Three bands on the top three tiers; with fewer tiers the last one takes the rest."""
    used = tiers[: len(limits)]
    if not used:
        return []  # no active tier: the rulebook says so
    limits = limits[: len(used) - 1] + limits[-1:]
    return [{"tier": tier, key: limit} for tier, limit in zip(used, limits, strict=True)]


PRESETS = {SEED_WEIGHTED: _weighted, ABC: _abc, RFM: _rfm}


def preset_choices() -> list[tuple[str, str]]:
    return [(SEED_WEIGHTED, _("Weighted (seed 004 篇9)")), (ABC, _("ABC by value share (80/20)")), (RFM, _("RFM"))]


def preset_rules(code: str, tiers: list[str]) -> dict:
    """The preset's name, description and rules on the given tier codes (top first)."""
    return PRESETS[code](tiers)
