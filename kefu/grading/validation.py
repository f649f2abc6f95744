"""The one rulebook for grading rules, whoever sends them (the admin screen, the API, a preset).

`clean_rules` returns the rules in the form a run keeps (`GradingRun.rules`) and the engine
compiles to SQL, or raises one ValidationError naming every bad field in the user's language.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kefu.customers.choices import CreditRating, Potential
from kefu.customers.tiers import active_tiers

from .choices import CATEGORICAL_SOURCES, Method, Source

MAX_POINTS = Decimal(1000)
CODES_OF = {Source.CREDIT_RATING: set(CreditRating.values), Source.POTENTIAL: set(Potential.values)}


def _number(value, *, minimum: Decimal | None = None, maximum: Decimal | None = None) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or (minimum is not None and number < minimum):
        return None
    if maximum is not None and number > maximum:
        return None
    return number


def _clean_bands(source: str, bands) -> tuple[list[dict], list[str]]:
    errors: list[str] = []
    if not isinstance(bands, list) or not bands:
        return [], [_("Give at least one band.")]
    clean = []
    for position, band in enumerate(bands, start=1):
        if not isinstance(band, dict):
            errors.append(_("Band %(n)s is not a band.") % {"n": position})
            continue
        points = _number(band.get("points"), minimum=Decimal(0), maximum=MAX_POINTS)
        if points is None:
            errors.append(_("Band %(n)s: points must be a number from 0 to 1000.") % {"n": position})
            continue
        label = str(band.get("label") or "")[:40]
        if source in CATEGORICAL_SOURCES:
            value = band.get("value")
            if value not in CODES_OF[source]:
                errors.append(
                    _("Band %(n)s: %(value)s is not one of %(codes)s.")
                    % {"n": position, "value": value, "codes": "/".join(sorted(CODES_OF[source]))}
                )
                continue
            clean.append({"value": value, "points": str(points), "label": label})
        else:
            minimum = _number(band.get("min"))
            if minimum is None:
                errors.append(_("Band %(n)s: the minimum must be a number.") % {"n": position})
                continue
            clean.append({"min": str(minimum), "points": str(points), "label": label})
    if errors:
        return [], errors
    key = "value" if source in CATEGORICAL_SOURCES else "min"
    seen = [band[key] for band in clean]
    if len({Decimal(v) if key == "min" else v for v in seen}) != len(seen):
        return [], [_("Two bands have the same value.")]
    if key == "min":
        clean.sort(key=lambda band: Decimal(band["min"]), reverse=True)  # the SQL tries the highest first
    return clean, []


def _clean_tier_bands(method: str, bands) -> tuple[list[dict], list[str]]:
    tiers = {tier.code for tier in active_tiers()}
    if not isinstance(bands, list) or not bands:
        return [], [_("Give at least one tier band.")]
    key = "max_share" if method == Method.VALUE_SHARE else "min_score"
    clean, errors = [], []
    for position, band in enumerate(bands, start=1):
        if not isinstance(band, dict) or band.get("tier") not in tiers:
            errors.append(_("Tier band %(n)s: choose an active tier.") % {"n": position})
            continue
        limit = _number(band.get(key), minimum=Decimal(0))
        if limit is None:
            errors.append(_("Tier band %(n)s: the limit must be a number of 0 or more.") % {"n": position})
            continue
        clean.append({"tier": band["tier"], key: str(limit)})
    if errors:
        return [], errors
    limits = [Decimal(band[key]) for band in clean]
    if method == Method.VALUE_SHARE:
        if limits != sorted(set(limits)) or limits[-1] != 100:
            return [], [_("Shares must rise from band to band and the last must be 100.")]
    elif limits != sorted(set(limits), reverse=True) or limits[-1] != 0:
        return [], [
            _("Minimum scores must fall from band to band and the last must be 0, so that every customer gets a tier.")
        ]
    if len({band["tier"] for band in clean}) != len(clean):
        return [], [_("Each tier may have only one band.")]
    return clean, []


def clean_rules(data: dict) -> dict:
    """Check a scheme's rules (`method`, `period_months`, `criteria`, `tier_bands`) and return
    them cleaned: numbers as text (exact decimals), numeric bands highest minimum first."""
    errors: dict[str, list[str]] = {}
    method = data.get("method") or Method.WEIGHTED
    if method not in Method.values:
        errors["method"] = [_("Choose a method: %(codes)s.") % {"codes": ", ".join(Method.values)}]
    period = data.get("period_months", 12)
    if isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= 60:
        errors["period_months"] = [_("The period is a whole number of months from 1 to 60.")]
    criteria = data.get("criteria")
    clean_criteria: list[dict] = []
    if not isinstance(criteria, list) or not criteria:
        errors["criteria"] = [_("Give at least one criterion.")]
    else:
        problems = []
        for position, criterion in enumerate(criteria, start=1):
            if not isinstance(criterion, dict) or criterion.get("source") not in Source.values:
                problems.append(_("Criterion %(n)s: choose what it reads.") % {"n": position})
                continue
            source = criterion["source"]
            weight = _number(criterion.get("weight"), minimum=Decimal(0), maximum=Decimal(1000))
            if weight is None:
                problems.append(_("Criterion %(n)s: the weight must be a number from 0 to 1000.") % {"n": position})
                continue
            bands, band_errors = ([], [])
            if method != Method.VALUE_SHARE:
                bands, band_errors = _clean_bands(source, criterion.get("bands"))
            problems += [f"{Source(source).label}: {message}" for message in band_errors]
            clean_criteria.append({"source": source, "weight": str(weight), "bands": bands})
        sources = [criterion["source"] for criterion in clean_criteria]
        if len(set(sources)) != len(sources):
            problems.append(_("Each criterion may appear only once."))
        if method == Method.VALUE_SHARE and len(clean_criteria) != 1:
            problems.append(_("A value-share scheme ranks customers by exactly one criterion (their value)."))
        if method == Method.VALUE_SHARE and clean_criteria and clean_criteria[0]["source"] in CATEGORICAL_SOURCES:
            problems.append(_("A value-share scheme needs a number to rank by."))
        if problems:
            errors["criteria"] = problems
    tier_bands, tier_errors = _clean_tier_bands(method, data.get("tier_bands"))
    if tier_errors:
        errors["tier_bands"] = tier_errors
    if errors:
        raise ValidationError(errors)
    return {"method": method, "period_months": period, "criteria": clean_criteria, "tier_bands": tier_bands}
