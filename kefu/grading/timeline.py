"""Grading on the customer 360 page: the grade explained (panel) and its changes (timeline)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.customers.tiers import tier_label
from kefu.customers.timeline import TimelineEntry, register_timeline_provider

from .models import GradeChange
from .selectors import customer_grade


def _n(number) -> str:
    """A decimal without trailing zeros (25, 12.5)."""
    return f"{number.normalize():f}" if number is not None else "—"


def _label(code: str) -> str:
    return tier_label(code) if code else "—"


@register_customer_panel
def grade_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    """Each criterion's value, band, weight and points of the latest grading, the proposal
    awaiting approval and the last changes; the full page has the history, export and override."""
    grade = customer_grade(user, customer_id)
    if grade is None:
        return None
    url = reverse("grading:customer", args=[customer_id])
    rows = []
    explanation = grade["explanation"]
    if explanation:
        for line in explanation.lines:
            weighted = explanation.share is None
            meta = f"{_n(line.weight)} × {_n(line.points)} / 100 = {_n(line.weighted)}" if weighted else ""
            rows.append(PanelRow(title=f"{line.criterion}: {line.value}", url=url, meta=meta, badge=line.band))
        total = _n(explanation.score) if explanation.share is None else f"{_n(explanation.share)} %"
        rows.append(
            PanelRow(
                title=_("Computed grade: %(tier)s") % {"tier": explanation.tier_label},
                url=url,
                meta=f"{total} · {explanation.tier_rule}",
            )
        )
    if grade["pending"]:
        rows.append(
            PanelRow(
                title=_("Change to %(tier)s awaits approval") % {"tier": _label(grade["pending"].to_tier)},
                url=url,
                badge=_("Awaiting approval"),
            )
        )
    for change in grade["history"][:3]:
        rows.append(
            PanelRow(
                title=f"{_label(change.from_tier)} → {_label(change.to_tier)}",
                url=url,
                meta=f"{change.get_source_display()} · {timezone.localtime(change.changed_at):%Y-%m-%d}",
            )
        )
    return CustomerPanel(
        key="grade",
        title=_("Grade and its explanation"),
        total=len(grade["history"]),
        rows=rows[: max(limit, 12)],
        more_url=url,
        more_label=_("Explanation, history and export"),
        empty_text=_("Not graded by a scheme yet."),
    )


@register_timeline_provider
def grade_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    changes = GradeChange.objects.filter(customer_id=customer_id).select_related("actor")[:limit]
    url = reverse("grading:customer", args=[customer_id])
    return [
        TimelineEntry(
            at=change.changed_at,
            kind="grade_changed",
            title=_("Grade %(before)s → %(after)s")
            % {"before": _label(change.from_tier), "after": _label(change.to_tier)},
            body=f"{change.get_source_display()}{': ' + change.reason if change.reason else ''}",
            actor=str(change.actor) if change.actor else _("System"),
            icon="award",
            url=url,
        )
        for change in changes
    ]
