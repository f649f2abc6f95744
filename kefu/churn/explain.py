"""A churn score explained factor by factor: what each factor read, the rule, its points.

The points are the run's own (stored per factor by the engine); this module only words them
with the rules the run kept, so what a manager reads is what made the score.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Factor
from .models import ChurnScore


@dataclass(frozen=True)
class FactorLine:
    factor: str  # code
    label: str
    reading: str
    rule: str
    weight: Decimal
    points: Decimal


def _n(number) -> str:
    return f"{Decimal(number).normalize():f}" if number is not None else "—"


def explain(score: ChurnScore) -> list[FactorLine]:
    rules = score.run.rules
    weights = {code: Decimal(value) for code, value in rules["weights"].items()}
    months = rules["recent_months"]
    if score.last_contact:
        days = (score.run.as_of - timezone.localdate(score.last_contact)).days
        contact = _("last contact %(date)s (%(days)s days before)") % {
            "date": timezone.localdate(score.last_contact).isoformat(),
            "days": days,
        }
    else:
        contact = _("no contact logged")
    readings = {
        Factor.VOLUME: (
            _(
                "revenue %(rev_recent)s against %(rev_earlier)s, volume %(vol_recent)s against %(vol_earlier)s: "
                "down %(drop)s %%"
            )
            % {
                "rev_recent": _n(score.revenue_recent), "rev_earlier": _n(score.revenue_earlier),
                "vol_recent": _n(score.volume_recent), "vol_earlier": _n(score.volume_earlier),
                "drop": _n(max(score.drop_percent, Decimal(0))),
            },
            _("last %(months)s months against the %(months)s before; a drop of %(min)s %% or more counts as its share")
            % {"months": months, "min": rules["min_drop_percent"]},
            score.points_volume,
        ),
        Factor.COMPLAINTS: (
            _("%(count)s complaints, %(open)s unresolved") % {"count": score.complaints, "open": score.open_complaints},
            _("complaints of the last %(days)s days, an unresolved one counted twice; full points at %(full)s")
            % {"days": rules["complaint_days"], "full": rules["complaints_full"]},
            score.points_complaints,
        ),
        Factor.CALLBACKS: (
            _("%(count)s unsatisfied callbacks") % {"count": score.unsatisfied},
            _("callbacks of the last %(days)s days; full points at %(full)s")
            % {"days": rules["callback_days"], "full": rules["callbacks_full"]},
            score.points_callbacks,
        ),
        Factor.CONTACT: (
            contact,
            _("full points without contact for %(days)s days") % {"days": rules["no_contact_days"]},
            score.points_contact,
        ),
        Factor.COMPETITOR: (
            _("%(count)s competitor records") % {"count": score.competitor_records},
            _("records of the last %(days)s days; full points at %(full)s")
            % {"days": rules["competitor_days"], "full": rules["competitors_full"]},
            score.points_competitor,
        ),
    }  # fmt: skip
    return [
        FactorLine(factor.value, str(factor.label), reading, rule, weights.get(factor.value, Decimal(0)), points)
        for factor, (reading, rule, points) in readings.items()
    ]
