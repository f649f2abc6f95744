"""Reads of callback tasks: who sees which, the desk, the call screen's script, satisfaction."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.org.choices import WHOLE_ORGANISATION_ROLES, Role
from kefu.org.permissions import has_capability
from kefu.org.selectors import unit_ids_under

from .choices import SATISFIED_RESULTS, CallbackStatus, Satisfaction
from .models import Callback


def callbacks_visible_to(user) -> QuerySet[Callback]:
    """The one place that says which callback tasks a user may see.

    - agents, auditors, admins: all (the callback desk serves the whole organisation);
    - account managers: those of their customers and those following up their own work;
    - supervisors: those of their subtree's customers and staff;
    - anyone else (or without callbacks.view): none.
    """
    if not has_capability(user, "callbacks.view"):
        return Callback.objects.none()
    tasks = Callback.objects.all()
    if user.role in WHOLE_ORGANISATION_ROLES:
        return tasks
    if user.role == Role.ACCOUNT_MANAGER:
        return tasks.filter(Q(customer__account_manager=user) | Q(staff=user))
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        units = unit_ids_under(user.org_unit.path)
        return tasks.filter(Q(team_id__in=units) | Q(customer__org_unit_id__in=units))
    return Callback.objects.none()


def get_callback_for_user(user, pk: int) -> Callback:
    return get_object_or_404(
        callbacks_visible_to(user).select_related("rule", "ticket", "customer", "staff", "claimed_by"), pk=pk
    )


def desk(user, *, at: datetime | None = None, include_later: bool = False) -> QuerySet[Callback]:
    """The callback desk: pending tasks due by the end of today (or all pending), that may be
    called now, nearest due first and the top tier first within a due time; claimed ones by
    others are shown as taken."""
    at = at or timezone.now()
    end_of_day = timezone.localtime(at).replace(hour=23, minute=59, second=59)
    tasks = callbacks_visible_to(user).filter(status=CallbackStatus.PENDING)
    if not include_later:
        tasks = tasks.filter(due_at__lte=end_of_day)
    return tasks.order_by("due_at", "tier_rank", "pk")


def desk_rows(pks: list[int]) -> list[Callback]:
    """One page of the desk, in the order of `pks`, with the request, customer and claimer: the
    desk pages over ids alone (the pending-due index) and joins only these rows."""
    rows = Callback.objects.select_related("ticket", "customer", "claimed_by").in_bulk(pks)
    return [rows[pk] for pk in pks if pk in rows]


@dataclass(frozen=True)
class ScriptLine:
    key: str
    label: str
    text: str


# Seed 002 回访话术, the default an admin edits per rule (CallbackRule.script): data, like the
# workflow presets' names, so stored in Chinese.
STANDARD_SCRIPT = {
    "greeting": "您好，我是{agent}，请问您是{customer}吗？打扰您了。",
    "question": "感谢您在{date}接受了我们的{service}服务，请问您对这次服务满意吗？",
    "satisfied_follow_up": "您对我们的服务有什么建议吗？",
    "unsatisfied_follow_up": "能否告诉我您对哪方面不满意？我们应改进哪方面的工作？",
    "satisfied_closing": "感谢您的答复，您如果需要什么帮助，可随时跟我们取得联系，祝您生活愉快，再见！",
    "unsatisfied_closing": (
        "非常谢谢您的反映，这一点我们的确做得不够，我们很快就会改进，希望您监督，祝您生活愉快，再见！"
    ),
}


def script_for(task: Callback, agent) -> dict[str, str]:
    """The rule's script (seed 002 回访话术 by default) with the customer, agent, date and service
    filled in: greeting → question → branch (satisfied / average or unsatisfied) → closing."""
    lines = {**STANDARD_SCRIPT, **{k: v for k, v in (task.rule.script or {}).items() if k in STANDARD_SCRIPT and v}}
    ticket = task.ticket
    customer = task.customer.name if task.customer_id else (ticket.caller_name or _("the customer"))
    values = {
        "agent": agent.full_name or agent.username,
        "customer": customer,
        "date": f"{timezone.localtime(ticket.closed_at or ticket.created_at):%m月%d日}",
        "service": ticket.title,
    }
    filled = {}
    for key, text in lines.items():
        try:
            filled[key] = text.format(**values)
        except (KeyError, IndexError, ValueError):
            filled[key] = text  # an admin's text with a stray brace is read as written
    return filled


# Satisfaction (SPEC §14): (满意 + 基本满意) ÷ successful callbacks (those that reached the customer).
GROUPINGS = {
    "staff": ("staff__full_name", _("Staff member")),
    "team": ("team__name", _("Team")),
    "ticket_type": ("ticket__ticket_type", _("Request type")),
    "category": ("ticket__category__name", _("Category")),
    "channel": ("ticket__channel", _("Channel")),
    "month": ("month", _("Month")),
}


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time(0), tzinfo=zone), datetime.combine(
        end + timedelta(days=1), time(0), tzinfo=zone
    )


def done_in_period(user, start: date, end: date) -> QuerySet[Callback]:
    low, high = _period_bounds(start, end)
    return callbacks_visible_to(user).filter(status=CallbackStatus.DONE, completed_at__gte=low, completed_at__lt=high)


def satisfaction(user, start: date, end: date, by: str) -> list[dict]:
    """Rows of (group, successful callbacks, 满意, 基本满意, 一般, 不满意, satisfaction %), grouped by
    one of GROUPINGS, in the user's scope; the satisfied share uses the SPEC §14 definition."""
    from django.db.models.functions import TruncMonth

    field, _label = GROUPINGS[by]
    tasks = done_in_period(user, start, end)
    if by == "month":
        tasks = tasks.annotate(month=TruncMonth("completed_at"))
    counts = {value: Count("pk", filter=Q(result=value)) for value in Satisfaction.values}
    rows = tasks.values(field).annotate(total=Count("pk"), **counts).order_by(field)
    labels = _group_labels(by)
    out = []
    for row in rows:
        key = row[field]
        satisfied = row[Satisfaction.SATISFIED] + row[Satisfaction.BASICALLY]
        out.append(
            {
                "group": labels.get(key, key) if key is not None else _("(none)"),
                "total": row["total"],
                **{value: row[value] for value in Satisfaction.values},
                "rate": round(100 * satisfied / row["total"], 1) if row["total"] else None,
            }
        )
    return out


def _group_labels(by: str) -> dict:
    from kefu.tickets.choices import Channel, TicketType

    if by == "ticket_type":
        return dict(TicketType.choices)
    if by == "channel":
        return dict(Channel.choices)
    return {}


def satisfaction_totals(user, start: date, end: date) -> dict:
    """The period as a whole: tasks due, reached, unreachable, results and the satisfied share."""
    low, high = _period_bounds(start, end)
    scoped = callbacks_visible_to(user)
    done = done_in_period(user, start, end)
    by_result = dict(done.values_list("result").annotate(n=Count("pk")))
    total = sum(by_result.values())
    satisfied = sum(by_result.get(value, 0) for value in SATISFIED_RESULTS)
    return {
        "due": scoped.filter(due_at__gte=low, due_at__lt=high).count(),
        "done": total,
        "unreachable": scoped.filter(
            status=CallbackStatus.UNREACHABLE, completed_at__gte=low, completed_at__lt=high
        ).count(),
        "results": {value: by_result.get(value, 0) for value in Satisfaction.values},
        "rate": round(100 * satisfied / total, 1) if total else None,
    }


def record_sheet(user, start: date, end: date) -> QuerySet[Callback]:
    """The callback record sheet (回访记录表): every finished task of the period, called or unreachable."""
    low, high = _period_bounds(start, end)
    return (
        callbacks_visible_to(user)
        .filter(
            status__in=[CallbackStatus.DONE, CallbackStatus.UNREACHABLE], completed_at__gte=low, completed_at__lt=high
        )
        .select_related("ticket", "customer", "staff", "called_by", "follow_up")
        .order_by("completed_at", "pk")
    )
