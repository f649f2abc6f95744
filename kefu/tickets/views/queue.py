"""The work queues: tabs with counts, filters typed or picked, a page of requests."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kefu.core.filters import filter_errors, filters_shown
from kefu.core.htmx import render_page_or_partial
from kefu.core.masking import mask_phone
from kefu.core.pagination import CappedCountPaginator, list_page_size, search_count_cap
from kefu.org.models import OrgUnit
from kefu.org.permissions import has_capability, require_capability

from .. import selectors, workflows
from ..choices import Channel, Priority, TicketType
from ..filters import TicketFilter
from ..forms import tree_label
from .common import due_state

QUEUE_TABS = [
    ("mine", _("Mine")),
    ("department", _("My department")),
    ("due_soon", _("Due soon")),
    ("overdue", _("Overdue")),
    ("supervised", _("Supervised")),
    ("unassigned", _("Unassigned")),
    ("all_open", _("All open")),
    ("closed", _("Closed")),
    ("incoming", _("Incoming transfers")),
    ("approvals", _("Awaiting approval")),
]
ORDERINGS = [("-created", _("Newest first")), ("created", _("Oldest first")), ("due", _("Due first"))]


def queue_from(request) -> str:
    queue = request.GET.get("queue", "")
    if queue in selectors.QUEUES:
        return queue
    return "mine" if has_capability(request.user, "tickets.handle") else "all_open"


def filters_from(request, queue: str) -> TicketFilter:
    """The queue's filters from the query string (the API's filterset_class too): a bad value is
    left out, and the page says so."""
    filterset = TicketFilter(request.GET, queryset=selectors.tickets_visible_to(request.user), request=request)
    filterset.default_queue = queue
    return filterset


DEPARTMENT_CHOICES_KEY, DEPARTMENT_CHOICES_SECONDS = "kefu:tickets:department-choices", 300


def department_choices() -> list[tuple[str, str]]:
    """Every unit in tree order, indented: the department filter. Kept in Django's cache, shared
    by the processes; a unit saved or deleted forgets it (tickets/apps.py), and it expires anyway
    after a few minutes for changes made without a save (a subtree moved in the admin)."""
    return cache.get_or_set(
        DEPARTMENT_CHOICES_KEY,
        lambda: [(str(u.pk), tree_label(u)) for u in OrgUnit.objects.order_by("path")],
        DEPARTMENT_CHOICES_SECONDS,
    )


def forget_department_choices(*args, **kwargs) -> None:
    """A signal receiver: the next queue page lists the units as they are now."""
    cache.delete(DEPARTMENT_CHOICES_KEY)


def queue_tabs(user) -> list[dict]:
    counts = selectors.queue_counts(user)
    approver = has_capability(user, "tickets.approve")
    return [
        {"code": code, "label": label, "count": counts.get(code)}
        for code, label in QUEUE_TABS
        if approver or code not in selectors.APPROVER_QUEUES
    ]


PRIORITY_BADGES = {Priority.URGENT: "danger", Priority.HIGH: "warning"}
STATE_BADGES = {"final": "text-bg-secondary", "waiting": "text-bg-info"}


def prepare_rows(tickets, now) -> None:
    """What each row shows, worked out once in Python rather than in the template, where each
    row repeated two URL reversals, two date filters, label lookups and comparisons."""
    type_labels = {value: str(label) for value, label in TicketType.choices}
    priority_labels = {value: str(label) for value, label in Priority.choices}
    # One reversal for the page: the id's place in the URL pattern, whatever comes after it.
    before_id, after_id = reverse("tickets:detail", args=[0]).rsplit("0", 1)
    for ticket in tickets:
        ticket.url = f"{before_id}{ticket.pk}{after_id}"
        ticket.type_label = type_labels.get(ticket.ticket_type, ticket.ticket_type)
        ticket.priority_badge = PRIORITY_BADGES.get(ticket.priority, "")
        ticket.priority_label = priority_labels.get(ticket.priority, ticket.priority)
        ticket.state_badge = STATE_BADGES.get(ticket.state.kind, "text-bg-primary")
        ticket.due_state = due_state(ticket, now)
        if ticket.due_at:
            due = timezone.localtime(ticket.due_at)
            ticket.due_short, ticket.due_full = f"{due:%m-%d %H:%M}", f"{due:%Y-%m-%d %H:%M}"
        ticket.masked_caller_phone = mask_phone(ticket.caller_phone)


@login_required
@require_GET
def ticket_queue(request):
    require_capability(request.user, "tickets.view")
    queue = queue_from(request)
    filterset = filters_from(request, queue)
    tickets = filterset.qs
    filters = filters_shown(filterset)
    filters["ordering"] = filters.get("ordering") or selectors.default_ordering(queue)
    cap = search_count_cap() if filters.get("q") else None
    page = CappedCountPaginator(
        tickets.values_list("pk", flat=True),
        list_page_size(),
        cap=cap,
        hydrate=selectors.tickets_in_order,
        count_newest_first=False,  # let a filtered queue count on whichever index fits
        count_with_first_page=bool(filters.get("q")),  # a search reads its first 101 matches at once
    ).get_page(request.GET.get("page"))
    prepare_rows(page, timezone.now())
    context = {
        "page_obj": page,
        "queue": queue,
        "filters": filters,
        "filter_errors": filter_errors(filterset),
        # Lazy: counted and listed only when the whole page is drawn, not on every filter keystroke.
        "tabs": SimpleLazyObject(lambda: queue_tabs(request.user)),
        "types": TicketType.choices,
        "channels": Channel.choices,
        "priorities": Priority.choices,
        "states": SimpleLazyObject(workflows.state_choices),
        "departments": SimpleLazyObject(department_choices),
        "orderings": ORDERINGS,
        "can_create": has_capability(request.user, "tickets.create"),
    }
    return render_page_or_partial(request, "tickets/ticket_queue.html", "tickets/partials/ticket_table.html", context)
