"""The explanation of a grade (PIPL Art. 24): each criterion's value, band, weight and points.

Worked out from the score row's values and the rules its run kept, by the same bands as the
SQL of `engine` (highest minimum reached; a code's own band; 0 points otherwise), so what a
customer is shown is what decided the grade (tests compare the two for every preset).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from kefu.customers.choices import CreditRating, Potential
from kefu.customers.tiers import tier_label

from .choices import CATEGORICAL_SOURCES, Method, Source

_CODE_LABELS = {Source.CREDIT_RATING: CreditRating, Source.POTENTIAL: Potential}


@dataclass(frozen=True)
class CriterionLine:
    criterion: str
    value: str
    band: str
    weight: Decimal
    points: Decimal
    weighted: Decimal  # weight × points / 100, what the criterion adds to the score


@dataclass(frozen=True)
class Explanation:
    method: str
    lines: list[CriterionLine] = field(default_factory=list)
    score: Decimal | None = None
    share: Decimal | None = None  # value share: the cumulative share of the total, in percent
    tier: str = ""
    tier_label: str = ""
    tier_rule: str = ""  # which tier band the score or share fell in


def _display(source: str, value) -> str:
    if value is None or value == "":
        return _("none")
    if source in _CODE_LABELS:
        return str(_CODE_LABELS[source](value).label) if value in _CODE_LABELS[source].values else str(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def band_of(criterion: dict, value) -> tuple[dict | None, Decimal]:
    """The band a value falls in and its points (None, 0 when none applies)."""
    for band in criterion["bands"]:  # numeric bands are kept highest minimum first
        if criterion["source"] in CATEGORICAL_SOURCES:
            if value == band["value"]:
                return band, Decimal(band["points"])
        elif value is not None and Decimal(value) >= Decimal(band["min"]):
            return band, Decimal(band["points"])
    return None, Decimal(0)


def _band_text(criterion: dict, band: dict | None) -> str:
    if band is None:
        return _("no band")
    if criterion["source"] in CATEGORICAL_SOURCES:
        return band.get("label") or _display(criterion["source"], band["value"])
    text = "≥ " + f"{Decimal(band['min']).normalize():f}"
    return f"{band['label']} ({text})" if band.get("label") else text


def explain_values(rules: dict, values: dict, *, share=None) -> Explanation:
    """Explain the grade of a customer with these criterion values (`{source: value}`)."""
    method = rules["method"]
    lines = []
    total = Decimal(0)
    for criterion in rules["criteria"]:
        source = criterion["source"]
        value = values.get(source)
        weight = Decimal(criterion["weight"])
        label, shown = str(Source(source).label), _display(source, value)
        if method == Method.VALUE_SHARE:
            lines.append(CriterionLine(label, shown, "", weight, Decimal(0), Decimal(0)))
            continue
        band, points = band_of(criterion, value)
        weighted = weight * points / 100
        total += weighted
        lines.append(CriterionLine(label, shown, _band_text(criterion, band), weight, points, weighted))
    bands = rules["tier_bands"]
    if method == Method.VALUE_SHARE:
        share = None if share is None else Decimal(share)
        chosen = next((b for b in bands[:-1] if share is not None and share <= Decimal(b["max_share"])), bands[-1])
        rule = _("cumulative share ≤ %(limit)s %%") % {"limit": chosen["max_share"]}
        value = values.get(rules["criteria"][0]["source"])
        value = Decimal(value) if value is not None else None
        return Explanation(method, lines, value, share, chosen["tier"], tier_label(chosen["tier"]), rule)
    chosen = next((b for b in bands[:-1] if total >= Decimal(b["min_score"])), bands[-1])
    rule = _("score ≥ %(limit)s") % {"limit": chosen["min_score"]}
    return Explanation(method, lines, total, None, chosen["tier"], tier_label(chosen["tier"]), rule)


def explain_score(score) -> Explanation:
    """Explain a `GradeScore` row by its run's rules."""
    rules = score.run.rules
    values = {criterion["source"]: score.value_of(criterion["source"]) for criterion in rules["criteria"]}
    return explain_values(rules, values, share=score.share)
