"""The churn warning on the customer 360 page: the risk score and its factors (panel), retention
tasks made and closed (timeline)."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.customers.timeline import TimelineEntry, register_timeline_provider

from .choices import TaskStatus
from .explain import _n, explain
from .models import RetentionTask
from .selectors import customer_score, tasks_visible_to


@register_customer_panel
def churn_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    score = customer_score(user, customer_id)
    if score is None:
        return None
    threshold = score.run.rules["threshold"]
    rows = [
        PanelRow(
            title=_("Risk score %(score)s (threshold %(threshold)s)")
            % {"score": _n(score.score), "threshold": _n(threshold)},
            meta=_("scored on %(date)s") % {"date": score.run.as_of.isoformat()},
            badge=_("At risk") if score.score >= Decimal(threshold) else "",
        )
    ]
    rows += [
        PanelRow(title=f"{line.label}: {_n(line.points)} / {_n(line.weight)}", meta=f"{line.reading} · {line.rule}")
        for line in explain(score)
    ]
    all_tasks = tasks_visible_to(user).filter(customer_id=customer_id)
    tasks = list(all_tasks.order_by("-id")[:3])
    for task in tasks:
        rows.append(
            PanelRow(
                title=_("Retention task due %(date)s") % {"date": task.due_date.isoformat()},
                url=reverse("churn:task", args=[task.pk]),
                meta=task.reason,
                badge=task.get_status_display(),
            )
        )
    return CustomerPanel(
        key="churn",
        title=_("Churn risk"),
        total=all_tasks.count() if len(tasks) == 3 else len(tasks),  # the badge: the customer's retention tasks
        rows=rows,
        more_url=reverse("churn:customer", args=[customer_id]),
        more_label=_("Score explained and retention tasks"),
    )


@register_timeline_provider
def churn_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    tasks = RetentionTask.objects.filter(customer_id=customer_id).select_related("manager", "closed_by")
    entries = []
    for task in tasks.order_by("-id")[:limit]:
        url = reverse("churn:task", args=[task.pk])
        entries.append(
            TimelineEntry(
                at=task.created_at,
                kind="retention_task",
                title=_("Retention task (risk score %(score)s)") % {"score": _n(task.risk_score)},
                body=_("due %(date)s") % {"date": task.due_date.isoformat()},
                actor=str(task.manager),
                icon="exclamation-triangle",
                url=url,
            )
        )
        if task.status != TaskStatus.OPEN:
            entries.append(
                TimelineEntry(
                    at=task.closed_at,
                    kind="retention_outcome",
                    title=_("Retention outcome: %(outcome)s") % {"outcome": task.get_status_display()},
                    body=task.reason,
                    actor=str(task.closed_by) if task.closed_by else _("System"),
                    icon="person-check",
                    url=url,
                )
            )
    return entries[:limit]
