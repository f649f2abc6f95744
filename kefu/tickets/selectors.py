"""Reads of service requests. Data scope is decided here and nowhere else."""

import re
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from kefu.core.errors import PermissionDeniedError
from kefu.core.pagination import capped_count
from kefu.customers.selectors import customer_in_scope
from kefu.org.choices import HANDLING_ROLES, WHOLE_ORGANISATION_ROLES, Role
from kefu.org.models import User
from kefu.org.permissions import has_capability
from kefu.org.selectors import unit_ids_under
from kefu.sla.selectors import clock_milestones, filter_time_limit_state, with_time_limit_state

from . import workflows
from .choices import CALLBACK_EFFECTS, EventKind, ExtensionStatus, TransferStatus
from .models import ExtensionRequest, Ticket, TicketEvent, Transfer, WorkflowTransition
from .time_limits import milestone_events

_NUMBER = re.compile(r"^\d{8}-(\d+)$")


def tickets_visible_to(user) -> QuerySet[Ticket]:
    """The one place that says which requests a user may see.

    - agents, auditors, admins: all (agents take any caller's follow-up);
    - account managers: requests of their customers, and those they own or handle;
    - handling departments: requests dispatched to their unit or below, or assigned to them;
    - supervisors: requests whose department, owner or customer lies in their subtree.
    """
    if not has_capability(user, "tickets.view"):
        return Ticket.objects.none()
    tickets = Ticket.objects.all()
    if user.role in WHOLE_ORGANISATION_ROLES:
        return tickets
    mine = Q(owner=user) | Q(assignee=user)
    if user.role == Role.ACCOUNT_MANAGER:
        return tickets.filter(mine | Q(customer__account_manager=user))
    if not user.org_unit_id:
        return tickets.filter(mine)
    # The units and the requests being transferred to them as literal ids, so that PostgreSQL
    # can answer a handler's scope from the requests' own indexes (owner, handler, department,
    # id) at once: as a path join and an EXISTS it walked every open request for a search with
    # no match, and counted a queue an order of magnitude slower.
    units = unit_ids_under(user.org_unit.path)
    in_units = Q(department_id__in=units)
    # A department being asked to take a request over must see it to accept or return it.
    transferred_here = Q(pk__in=list(_pending_transfers_to(units)))
    if user.role == Role.HANDLER:
        return tickets.filter(mine | in_units | transferred_here)
    if user.role == Role.SUPERVISOR:
        return tickets.filter(
            mine | transferred_here | in_units | Q(owner__org_unit_id__in=units) | Q(customer__org_unit_id__in=units)
        )
    return Ticket.objects.none()


def assignable_staff(department=None) -> QuerySet[User]:
    """Who may be given a request: active staff with a handling role, in `department` or a
    unit below it when one is given. The assign form's choices, the API's assignee field and
    ticket_assign all take them from here."""
    staff = User.objects.filter(is_active=True, role__in=HANDLING_ROLES)
    if department is not None:
        staff = staff.filter(org_unit__path__startswith=department.path)
    return staff


def _pending_transfers_to(units: list[int]):
    return Transfer.objects.filter(status=TransferStatus.PENDING, to_department_id__in=units).values_list(
        "ticket_id", flat=True
    )


def customer_for_new_request(user, customer_id: int):
    """The customer a new request is registered for, within the user's scope (404 outside).

    Only what registering reads of it: the tier picks the time-limit policy and the name goes
    into the answer. Reading and building all 29 columns was half of this lookup's cost."""
    customer = customer_in_scope(user, customer_id, fields=("id", "name", "tier"))
    if customer is None:
        raise Http404
    return customer


def get_ticket_for_user(user, ticket_id: int, *, capability: str = "tickets.view", with_people: bool = True) -> Ticket:
    """The request if the user may act on it: 403 without the capability, 404 outside scope.

    `with_people=False` leaves the owner and handler to ticket_events, which reads them with
    the actors of the timeline in one query (the request page)."""
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    # State and category come from the configuration cache: PostgreSQL spent far longer planning
    # the eight-table join that fetched them with the request than running it. The owner and
    # handler come in a second, simple query: joining the user table twice more cost more
    # (planning and wide rows) than the separate read.
    ticket = get_object_or_404(tickets_visible_to(user).select_related("customer", "department"), pk=ticket_id)
    if with_people:
        attach_people([ticket])
    workflows.attach_states([ticket])
    workflows.attach_category(ticket)
    return ticket


def attach_people(tickets: list[Ticket], events: list[TicketEvent] = ()) -> None:
    """Give each request its owner and handler, and each event its actor: one query for all."""
    ids = {t.owner_id for t in tickets} | {t.assignee_id for t in tickets if t.assignee_id}
    ids |= {event.actor_id for event in events if event.actor_id}
    people = User.objects.in_bulk(ids)
    for ticket in tickets:
        ticket.owner = people[ticket.owner_id]
        if ticket.assignee_id:
            ticket.assignee = people[ticket.assignee_id]
    for event in events:
        if event.actor_id:
            event.actor = people[event.actor_id]


def ticket_id_from_number(text: str) -> int | None:
    match = _NUMBER.match(text.strip())
    return int(match.group(1)) if match else None


# A step needing this capability decides on a proposal (e.g. approving or rejecting a plan).
APPROVAL_CAPABILITY = "tickets.approve"


def proposed_by(ticket: Ticket) -> int | None:
    """Who took the step that brought the request into its current state: the person whose
    proposal an approval step decides on, and who therefore may not take it."""
    events = ticket.events.filter(to_state_id=ticket.state_id).order_by("-created_at", "-id")
    return events.values_list("actor_id", flat=True).first()


def available_transitions(user, ticket: Ticket) -> list[WorkflowTransition]:
    """The moves the user may make from the request's current state; not the approval of their
    own proposal (the proposer is read only when such a step is on offer)."""
    moves = [
        move
        for move in workflows.moves_from(ticket.state_id)
        if has_capability(user, move.capability) and move.effect not in CALLBACK_EFFECTS
    ]
    if any(move.capability == APPROVAL_CAPABILITY for move in moves) and proposed_by(ticket) == user.pk:
        moves = [move for move in moves if move.capability != APPROVAL_CAPABILITY]
    return moves


def ticket_events(ticket: Ticket, *, include_internal: bool = True, clocks=None) -> list[TicketEvent]:
    """The request's timeline, oldest first: its event rows and, for staff, the time-limit
    warnings, breaches and reminders read from its clocks (pass `clocks` if already read).

    The actors come in one query with the request's owner and handler if those are not read
    yet (get_ticket_for_user(with_people=False)): cheaper than joining the user table."""
    events = ticket.events.all()
    if not include_internal:
        events = events.filter(is_internal=False)
    events = list(events)
    owner = Ticket._meta.get_field("owner")
    attach_people([] if owner.is_cached(ticket) else [ticket], events)
    states = workflows.workflow_graph().states  # from the workflow cache: a smaller join to plan
    for event in events:
        if event.from_state_id:
            event.from_state = states.get(event.from_state_id) or workflows.state_by_id(event.from_state_id)
        if event.to_state_id:
            event.to_state = states.get(event.to_state_id) or workflows.state_by_id(event.to_state_id)
    if include_internal:
        events += milestone_events(clock_milestones(ticket.sla_clocks.all() if clocks is None else clocks))
        events.sort(key=lambda event: (event.created_at, event.pk or 0))
    return events


def timeline_blocks(ticket: Ticket, events: list[TicketEvent]) -> dict:
    """The request page's blocks that depend on other tables: the pending transfer and
    extension, attachments and duplicates merged in.

    The services write each of these with its timeline event in the same transaction, so the
    timeline (already read for the page) says which exist, and only those are read: most
    requests have none, and the page runs four queries fewer.
    """
    kinds = Counter(event.kind for event in events)
    transfer_pending = kinds[EventKind.TRANSFER_REQUESTED] > (
        kinds[EventKind.TRANSFER_ACCEPTED] + kinds[EventKind.TRANSFER_RETURNED] + kinds[EventKind.TRANSFER_WITHDRAWN]
    )
    extension_pending = kinds[EventKind.EXTENSION_REQUESTED] > (
        kinds[EventKind.EXTENSION_DECIDED] + kinds[EventKind.EXTENSION_WITHDRAWN]
    )
    pending_transfers = ticket.transfers.filter(status=TransferStatus.PENDING)
    return {
        "pending_transfer": (
            pending_transfers.select_related("to_department", "requested_by").first() if transfer_pending else None
        ),
        "pending_extension": (
            ticket.extensions.filter(status=ExtensionStatus.PENDING).select_related("requested_by").first()
            if extension_pending
            else None
        ),
        "attachments": (
            list(ticket.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))
            if kinds[EventKind.ATTACHMENT]
            else []
        ),
        "duplicates": list(ticket.merged.only("id", "created_at", "title")) if kinds[EventKind.MERGED] else [],
    }


QUEUES = (
    "mine", "department", "due_soon", "overdue", "supervised", "unassigned", "all_open", "closed",
    "incoming", "approvals",
)  # fmt: skip
# Queues of those who approve (supervisors, admins): transfers to their units, decisions waiting.
APPROVER_QUEUES = ("incoming", "approvals")
DUE_SOON_HOURS = 24


def ticket_queue(user, queue: str, *, now=None, visible: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """One work queue within the user's scope (`visible`, if the caller already has it);
    unknown queue names fall back to all open ones.

    - mine: requests the user owns or handles, still open;
    - department: open requests dispatched to the user's unit or below; for supervisors also
      those of customers served in their subtree (dispatched or not);
    - due_soon: open, due within DUE_SOON_HOURS; overdue: open and past due;
    - supervised: open requests under supervision (督办); unassigned: open with no handler.
    """
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    tickets = tickets_visible_to(user) if visible is None else visible
    open_tickets = tickets.filter(closed_at__isnull=True)
    if queue == "closed":
        return tickets.filter(closed_at__isnull=False)
    if queue == "mine":
        return open_tickets.filter(Q(owner=user) | Q(assignee=user))
    if queue == "department":
        if not user.org_unit_id:
            return Ticket.objects.none()
        units = unit_ids_under(user.org_unit.path)
        if user.role == Role.SUPERVISOR:
            # Also every request of their subtree's customers: those the hotline registered and
            # nobody has dispatched yet, and those dispatched to a department elsewhere.
            return open_tickets.filter(Q(department_id__in=units) | Q(customer__org_unit_id__in=units))
        return open_tickets.filter(department_id__in=units)
    if queue == "due_soon":
        return open_tickets.filter(due_at__gt=now, due_at__lte=now + timedelta(hours=DUE_SOON_HOURS))
    if queue == "overdue":
        return open_tickets.filter(due_at__lte=now)
    if queue == "supervised":
        return open_tickets.filter(supervised=True)
    if queue == "unassigned":
        return open_tickets.filter(assignee__isnull=True)
    if queue == "incoming":
        return open_tickets.filter(pk__in=_incoming_transfers(user))
    if queue == "approvals":
        # A plan waits in a state whose way on needs an approver; an extension waits as a row.
        # Not the user's own: nobody decides on their own plan or extension (separation of
        # duties), so those would sit in the tab with no way to act on them.
        waiting = WorkflowTransition.objects.filter(capability=APPROVAL_CAPABILITY).values("source_id")
        extensions = (
            ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING)
            .exclude(requested_by=user)
            .values("ticket_id")
        )
        proposer = TicketEvent.objects.filter(ticket=OuterRef("pk"), to_state_id=OuterRef("state_id"))
        proposer = proposer.order_by("-created_at", "-id").values("actor_id")[:1]
        plans = Q(state_id__in=waiting) & ~Q(proposer=user.pk)
        return open_tickets.alias(proposer=Subquery(proposer)).filter(plans | Q(pk__in=extensions))
    return open_tickets


def _incoming_transfers(user):
    """Requests waiting for an answer to a transfer to the user's unit or below (any, for an admin)."""
    if user.role == Role.ADMIN:
        return Transfer.objects.filter(status=TransferStatus.PENDING).values("ticket_id")
    if not user.org_unit_id:
        return Ticket.objects.none().values("pk")
    return _pending_transfers_to(unit_ids_under(user.org_unit.path))


def ticket_list(user, *, queue: str = "all_open", filters: dict | None = None) -> QuerySet[Ticket]:
    """A queue narrowed by filters, as both the queue pages and the API list show it (give the
    rows read their states with workflows.attach_states)."""
    return filter_tickets(ticket_queue(user, queue), queue=queue, filters=filters)


def filter_tickets(tickets: QuerySet[Ticket], *, queue: str, filters: dict | None) -> QuerySet[Ticket]:
    """Narrow and sort a queue by checked filter values: the list's FilterSet
    (kefu/tickets/filters.py) calls this with its cleaned data."""
    filters = filters or {}
    for field in ("ticket_type", "channel", "priority"):
        if filters.get(field):
            tickets = tickets.filter(**{field: filters[field]})
    if filters.get("sla_state"):
        tickets = filter_time_limit_state(tickets, filters["sla_state"])
    if filters.get("department"):
        tickets = tickets.filter(department_id=filters["department"])
    if filters.get("state"):
        # The state ids first (a handful: one per workflow with this code), so that a department
        # and state filter reads the (department, state, -id) index instead of joining states.
        state_ids = workflows.state_ids_with_code(filters["state"])
        tickets = tickets.filter(state_id__in=state_ids)
    if filters.get("customer"):
        tickets = tickets.filter(customer_id=filters["customer"])
    if filters.get("q"):
        tickets = ticket_search(tickets, filters["q"])
    ordering = ORDERINGS.get(filters.get("ordering") or default_ordering(queue), "-id")
    # Green-channel requests (绿色通道) come first in every queue and every order; the queues'
    # partial indexes lead with the flag, so a page is still one walk of an index.
    return with_time_limit_state(tickets.select_related(*LIST_RELATED)).order_by("-green_channel", ordering, "-id")


ORDERINGS = {"due": "due_at", "-created": "-id", "created": "id"}


def default_ordering(queue: str) -> str:
    """Due first in the queues about deadlines (the most urgent on top), newest first elsewhere.

    It is also what keeps them fast within a scope: the deadline index walks the due requests in
    order, while newest first passed every request not yet due."""
    return "due" if queue in ("due_soon", "overdue") else "-created"


# Customers whose name matches a search term, looked up first: their requests are found by the
# customer index, which PostgreSQL combines with the keyword index (a join on the name could not be).
SEARCH_CUSTOMERS_LIMIT = 1_000


def ticket_search(tickets: QuerySet[Ticket], term: str) -> QuerySet[Ticket]:
    """By request number (20261123-4711, or the short 4711 said on the phone), caller phone,
    caller or customer name, or words in the title and description."""
    term = term.replace("\x00", "").strip()  # PostgreSQL refuses a NUL character in a query
    ticket_id = ticket_id_from_number(term)
    if ticket_id:
        return tickets.filter(pk=ticket_id)
    from kefu.core.phones import normalise_phone

    # A number alone may be the short request number; 19 digits or more cannot be an id.
    by_number = Q(pk=int(term)) if term.isascii() and term.isdigit() and len(term) < 19 else None
    digits = normalise_phone(term)
    if digits.isdigit() and len(digits) >= 5:
        by_phone = Q(caller_phone=digits) | Q(customer__mobile=digits)
        return tickets.filter(by_phone | by_number if by_number else by_phone)
    if by_number:
        return _keyword_search(tickets, term, also=by_number)
    from kefu.customers.models import Customer
    from kefu.customers.selectors import customer_search

    named = customer_search(Customer.objects.all(), term).order_by().values_list("pk", flat=True)
    customer_ids = list(named[:SEARCH_CUSTOMERS_LIMIT])
    return _keyword_search(tickets, term, also=Q(customer_id__in=customer_ids) if customer_ids else None)


# A keyword found in DENSE_IN_WINDOW of DENSITY_WINDOW requests or more (2 %) is read newest
# first without the keyword index (see _keyword_search).
DENSITY_WINDOW = 5_000
DENSE_IN_WINDOW = 101
COMMON_SHARE = 0.02  # a bigram in 2 % of requests or more (101 of 5,000) is common
KEYWORD_INDEX = "ticket_search_grams_gin"  # its statistics give each common bigram's share


def _keyword_search(tickets: QuerySet[Ticket], term: str, *, also: Q | None = None) -> QuerySet[Ticket]:
    """Words in the title, the description or the caller's name, or the condition `also` (the
    requests of customers of that name, or of that short number). On PostgreSQL the bigram full-text index narrows
    the rows first (see kefu.core.search); SQLite scans.

    A common term is best read by walking the newest requests of the list until a page is full;
    through the index PostgreSQL reads and sorts every match (for 线路老化, a fifth of the open
    requests: it multiplies the frequencies of a term's bigrams as if independent and expects
    a few hundred), and within a department's scope it intersects every match of a common
    bigram with the scope. A rare term is the other way round: a walk would pass every open
    request, the index answers it at once. PostgreSQL's statistics of the keyword index give
    each common bigram's share of requests (_bigram_shares; 电费: a quarter): a term of one
    bigram is judged by it, and so is a longer term with a rare bigram. A longer term of common
    bigrams may still be rare, so it is counted among the newest DENSITY_WINDOW requests of the
    list: if they hold a search's first page and count (DENSE_IN_WINDOW), the walk stops inside
    them; otherwise the index reads every match. Counting on the index instead ANDs bitmaps of
    every match of each common bigram. Figures: bench/README.md.
    """
    from django.db import connection

    from kefu.core.search import bigrams

    grams = bigrams(term)
    # A term without letter case (Chinese, digits) is matched with a plain LIKE, not UPPER(...)
    # LIKE: PostgreSQL estimates a plain LIKE from the column's statistics but guesses a tiny
    # share for UPPER(), and then reads every GIN match of a common word (营业厅) instead of
    # walking the newest requests until a page is full.
    lookup = "contains" if term.lower() == term.upper() else "icontains"
    words = Q(**{f"title__{lookup}": term}) | Q(**{f"description__{lookup}": term})
    words |= Q(**{f"caller_name__{lookup}": term})  # in the bigram keys too (ticket_create)
    if connection.vendor != "postgresql" or not grams:
        return tickets.filter(words | also if also else words)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    query = SearchQuery(" & ".join(grams), config="simple", search_type="raw")
    shares = _bigram_shares()
    rarest = min(shares.get(gram, 0.0) for gram in grams)
    # One bigram: its statistics say it. Several: a rare one makes the term rare; if all are
    # common the term may still be rare (a misspelling), so the newest requests are counted.
    common = rarest >= COMMON_SHARE and (len(grams) == 1 or _common_among_the_newest(tickets, words))
    if common:
        return tickets.filter(words | also if also else words)
    by_keys = Q(grams=query) & words
    return tickets.alias(grams=SearchVector("search_grams", config="simple")).filter(
        by_keys | also if also else by_keys
    )


BIGRAM_SHARES_KEY, BIGRAM_SHARES_SECONDS = "kefu:tickets:bigram-shares", 3600


def _bigram_shares() -> dict[str, float]:
    """The share of requests holding each common bigram, from PostgreSQL's statistics of the
    keyword index (its most common elements; a bigram not among them is rarer than all of
    them), kept an hour in Django's cache: they change only when the table is analysed."""
    return cache.get_or_set(BIGRAM_SHARES_KEY, _read_bigram_shares, BIGRAM_SHARES_SECONDS)


def _read_bigram_shares() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT element, share FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs)"
            " AS common(element, share) WHERE schemaname = current_schema() AND tablename = %s"
            " AND element IS NOT NULL",  # the frequencies end with three summary figures
            [KEYWORD_INDEX],
        )
        return dict(cursor.fetchall())


def _common_among_the_newest(tickets: QuerySet[Ticket], words: Q) -> bool:
    """Whether the newest DENSITY_WINDOW requests of the list hold DENSE_IN_WINDOW matches."""
    edge = list(tickets.order_by("-id").values_list("pk", flat=True)[DENSITY_WINDOW - 1 : DENSITY_WINDOW])
    newest = tickets.filter(words, pk__gte=edge[0]) if edge else tickets.filter(words)
    return newest.order_by().values("pk")[:DENSE_IN_WINDOW].count() == DENSE_IN_WINDOW


# Joined to the rows of the API's list; their states come from the workflow cache (attach_states).
# The queue page reads its rows with tickets_in_order instead.
LIST_RELATED = ("customer", "owner", "assignee", "department")


# The columns a row of a queue page shows. Reading only these (not the description, the
# bigram text, every customer column) keeps building a page's rows cheap; the owners and
# handlers come in a query of their own (attach_people).
LIST_ROW_FIELDS = (
    "created_at", "ticket_type", "channel", "priority", "state_id", "title", "caller_name", "caller_phone",
    "supervised", "closed_at", "due_at", "owner_id", "assignee_id", "customer__name", "department__name",
    "green_channel",
)  # fmt: skip


def tickets_in_order(pks: list[int]) -> list[Ticket]:
    """The rows of a page of a list, in the list's order (pks come from ticket_list)."""
    rows = Ticket.objects.select_related("customer", "department").only(*LIST_ROW_FIELDS).in_bulk(pks)
    page = [rows[pk] for pk in pks if pk in rows]
    attach_people(page)
    workflows.attach_states(page)
    return page


QUEUE_COUNT_CAP = 999


def queue_counts(user, *, cap: int = QUEUE_COUNT_CAP) -> dict[str, int | str]:
    """Counts for the tabs and the workbench, one query per queue. A count stops at `cap` and
    then reads "999+": on a large archive an exact count of a queue reads every open request of
    it, each time the page is drawn (bench/http_bench.py).

    The counts are kept for KEFU_QUEUE_COUNT_SECONDS per user (six counts are a large part of
    a queue page's work); the user's own changes to a request forget them (forget_queue_counts).
    """
    key, seconds = _counts_key(user, cap), settings.KEFU_QUEUE_COUNT_SECONDS
    counts = cache.get(key) if seconds > 0 else None
    if counts is None:
        counts, visible = {}, tickets_visible_to(user)  # the scope's units and transfers read once
        approver = has_capability(user, "tickets.approve")
        for queue in QUEUES:
            if queue != "closed" and (approver or queue not in APPROVER_QUEUES):
                count, more = capped_count(ticket_queue(user, queue, visible=visible), cap)
                counts[queue] = f"{cap}+" if more else count
        if seconds > 0:
            cache.set(key, counts, seconds)
    return counts


def _counts_key(user, cap: int = QUEUE_COUNT_CAP) -> str:
    return f"kefu:tickets:queue_counts:{user.pk}:{cap}"


def forget_queue_counts(user) -> None:
    """The user changed a request: their tabs count again on the next page."""
    if user is not None and user.pk:
        cache.delete(_counts_key(user))


def open_tickets_for_caller(user, *, customer_ids=(), phone: str = "", limit: int = 10) -> list[Ticket]:
    """Open requests of these customers or of this caller's number, newest first: what a screen
    pop shows so that the agent sees a repeat call before registering a duplicate."""
    match = Q()
    if customer_ids:
        match |= Q(customer_id__in=list(customer_ids))
    if phone:
        match |= Q(caller_phone=phone)
    if not match:
        return []
    tickets = tickets_visible_to(user).filter(match, closed_at__isnull=True)
    found = list(with_time_limit_state(tickets.select_related("customer")).order_by("-id")[:limit])
    workflows.attach_states(found)
    return found


def other_open_tickets_of_customer(user, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """The customer's other open requests, newest first, as the request page lists them: number,
    title and state only (no time-limit state, no customer join)."""
    tickets = (
        tickets_visible_to(user)
        .filter(customer_id=ticket.customer_id, closed_at__isnull=True)
        .exclude(pk=ticket.pk)
        .only("id", "created_at", "title", "state_id")
        .order_by("-id")[:limit]
    )
    found = list(tickets)
    workflows.attach_states(found)
    return found
