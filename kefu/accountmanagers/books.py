"""Account managers' books (管户, issue 16 item 5): who holds which customers, and how the
load is spread. Reads only, besides `books_refresh`, which replaces the supervisors' snapshot.

- A manager's book is read live from the archive: `book_customers(viewer, manager)` is the
  viewer's customer scope (customers.selectors.customers_visible_to) narrowed to the manager's
  customers, so a book never shows a customer the viewer could not open.
- Whose books a viewer may open: `book_managers_visible_to` (an account manager their own, a
  supervisor the managers of their subtree, auditors and admins all); another id answers 404.
- The supervisors' page reads `BookLoad`, counted set-based by `books_refresh` (the periodic job
  every 10 minutes, the first view, on demand, and in the background after an assignment plan or
  a hand assignment moves customers) and narrowed by the same rule as the customer scope; a
  grade change shows there at the next count.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import PermissionDeniedError
from kefu.customers.choices import CustomerKind
from kefu.customers.models import Customer, CustomerNote, KeyPerson
from kefu.customers.selectors import customer_search, customers_visible_to
from kefu.customers.tiers import TierInfo, all_tiers
from kefu.grading.choices import ProposalStatus
from kefu.grading.models import GradeProposal
from kefu.grading.selectors import pending_proposals_for
from kefu.org.choices import SUPERVISING_ROLES, WHOLE_ORGANISATION_ROLES, ManagerLevel, Role
from kefu.org.models import User
from kefu.org.permissions import has_capability
from kefu.org.selectors import unit_ids_under
from kefu.tickets.models import Ticket

from .models import BookLoad, ManagerProfile


# ---------------------------------------------------------------------------------------------
# Data completeness: what a manager should know of each customer (SPEC §2, seed 000 篇8).
@dataclass(frozen=True)
class Check:
    code: str
    label: str
    present: Q
    organisations_only: bool = False


COMPLETENESS_CHECKS = (
    Check("phone", _("valid phone"), Q(has_valid_phone=True)),
    Check("address", _("address"), ~Q(address="")),
    Check("grid", _("grid"), ~Q(grid="")),
    Check("credit_rating", _("credit rating"), ~Q(credit_rating="")),
    Check("potential", _("dependency or potential"), ~Q(potential="")),
    Check("customer_since", _("customer since"), Q(customer_since__isnull=False)),
    Check("industry", _("industry"), ~Q(industry=""), organisations_only=True),
    Check("key_person", _("key person"), Q(Exists(KeyPerson.objects.filter(customer=OuterRef("pk")))), True),
)


def _check_met(check: Check) -> Q:
    """The check holds for the customer (an organisation-only check holds for every individual)."""
    if check.organisations_only:
        return ~Q(kind=CustomerKind.ORGANISATION) | check.present
    return check.present


def complete_q() -> Q:
    """Customers whose data is complete: every check holds."""
    condition = Q()
    for check in COMPLETENESS_CHECKS:
        condition &= _check_met(check)
    return condition


# ---------------------------------------------------------------------------------------------
# Whose books a viewer may open.
def book_managers_visible_to(user) -> QuerySet[User]:
    """Account managers whose book `user` may open: an account manager only their own, a
    supervisor those of the units under their own, auditors and admins all; nobody else any.
    Managers who have left stay listed while they still hold customers (their book is what a
    re-assignment has to empty)."""
    holding = Exists(Customer.objects.filter(account_manager=OuterRef("pk")))
    return _managers_in_scope(user).filter(Q(is_active=True) | holding)


def _managers_in_scope(user) -> QuerySet[User]:
    if not has_capability(user, "books.view"):
        return User.objects.none()
    managers = User.objects.filter(role=Role.ACCOUNT_MANAGER)
    if user.role == Role.ACCOUNT_MANAGER:
        return managers.filter(pk=user.pk)
    if user.role in SUPERVISING_ROLES and user.org_unit_id:
        return managers.filter(org_unit_id__in=unit_ids_under(user.org_unit.path))
    if user.role in WHOLE_ORGANISATION_ROLES:
        return managers
    return User.objects.none()


def own_book(user) -> User | None:
    """The user themself when they hold a book (an account manager), else None."""
    if has_capability(user, "books.view") and user.role == Role.ACCOUNT_MANAGER:
        return user
    return None


def get_book_manager_for_user(user, manager_id: int) -> User:
    """The manager whose book `user` asks for: 403 without the capability, 404 outside the scope
    (so that ids cannot be probed)."""
    if not has_capability(user, "books.view"):
        raise PermissionDeniedError()
    return get_object_or_404(book_managers_visible_to(user).select_related("org_unit"), pk=manager_id)


# ---------------------------------------------------------------------------------------------
# One manager's book, live.
def book_customers(viewer, manager: User) -> QuerySet[Customer]:
    """The manager's customers that the viewer may see (their whole book for the manager)."""
    return customers_visible_to(viewer).filter(account_manager=manager)


def _tier_rank(tiers: list[TierInfo]) -> Case:
    """The rank of a customer's tier (1 = top); customers without a known tier come last."""
    whens = [When(tier=tier.code, then=Value(tier.rank)) for tier in tiers]
    return Case(*whens, default=Value(32767), output_field=IntegerField())


# Long ago: a customer never contacted sorts before every contacted one.
_NEVER = datetime(1900, 1, 1, tzinfo=timezone.get_fixed_timezone(0))
ORDERINGS = ("tier", "name", "contact")


def filter_book(customers: QuerySet[Customer], filters: dict | None) -> QuerySet[Customer]:
    """Narrow and sort a book by checked values (BookFilter calls this with its cleaned data).
    Pages read it as primary keys and fetch their rows with `book_rows`."""
    filters = filters or {}
    customers = customer_search(customers, filters.get("q") or "")
    if filters.get("tier"):
        customers = customers.filter(tier=filters["tier"])
    if filters.get("incomplete") is True:
        customers = customers.exclude(complete_q())
    elif filters.get("incomplete") is False:
        customers = customers.filter(complete_q())
    pending = Exists(GradeProposal.objects.filter(customer=OuterRef("pk"), status=ProposalStatus.PENDING))
    if filters.get("awaiting_approval") is True:
        customers = customers.filter(pending)
    elif filters.get("awaiting_approval") is False:
        customers = customers.exclude(pending)
    ordering = filters.get("ordering") or "tier"
    if ordering == "name":
        return customers.order_by("name", "-id")
    if ordering == "contact":
        last_contact = Greatest(
            Coalesce(Subquery(_last_request.values("created_at")[:1]), Value(_NEVER)),
            Coalesce(Subquery(_last_note.values("created_at")[:1]), Value(_NEVER)),
            output_field=DateTimeField(),
        )
        return customers.alias(last_contact=last_contact).order_by(F("last_contact").asc(), "-id")
    return customers.alias(tier_rank=_tier_rank(all_tiers())).order_by("tier_rank", "name", "-id")


# The newest request and timeline note of the customer in the outer query: its last contact
# until the contact log of a later issue joins them.
_last_request = Ticket.objects.filter(customer=OuterRef("pk")).order_by("-id")
_last_note = CustomerNote.objects.filter(customer=OuterRef("pk")).order_by("-created_at")


def book_rows(pks: list[int]) -> list[Customer]:
    """The rows of a page of a book, in the book's order, with what each shows: last contact,
    open requests, each completeness check, the tier a grading run proposes while a supervisor
    has not decided. One query for the page."""
    open_requests = (
        Ticket.objects.filter(customer=OuterRef("pk"), closed_at__isnull=True)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pending = GradeProposal.objects.filter(customer=OuterRef("pk"), status=ProposalStatus.PENDING)
    found = Customer.objects.annotate(
        last_request_at=Subquery(_last_request.values("created_at")[:1]),
        last_note_at=Subquery(_last_note.values("created_at")[:1]),
        open_requests=Coalesce(Subquery(open_requests, output_field=IntegerField()), 0),
        proposed_tier=Subquery(pending.values("to_tier")[:1]),
        **{
            f"has_{check.code}": ExpressionWrapper(_check_met(check), output_field=BooleanField())
            for check in COMPLETENESS_CHECKS
        },
    ).in_bulk(pks)
    return _prepare([found[pk] for pk in pks if pk in found])


def _prepare(rows: list[Customer]) -> list[Customer]:
    for customer in rows:
        contacts = [at for at in (customer.last_request_at, customer.last_note_at) if at]
        customer.last_contact = max(contacts) if contacts else None
        applicable = [
            check
            for check in COMPLETENESS_CHECKS
            if not check.organisations_only or customer.kind == CustomerKind.ORGANISATION
        ]
        customer.missing = [check for check in applicable if not getattr(customer, f"has_{check.code}")]
        customer.completeness = round(100 * (len(applicable) - len(customer.missing)) / len(applicable))
    return rows


def book_summary(viewer, manager: User) -> dict:
    """The head of a book: customers by tier (with how many lack data), open requests, grade
    changes awaiting approval, and the manager's capacity. Four queries whatever the size."""
    customers = book_customers(viewer, manager)
    per_tier = {
        row["tier"]: row
        for row in customers.order_by()
        .values("tier")
        .annotate(customers=Count("pk"), incomplete=Count("pk", filter=~complete_q()))
    }
    tiers = []
    for tier in all_tiers():
        row = per_tier.pop(tier.code, None)
        if row or tier.active:
            tiers.append(_tier_count(tier.code, tier.label, tier.green_channel, row))
    for code, row in sorted(per_tier.items()):  # codes no tier row names (blank: not graded)
        tiers.append(_tier_count(code, code or _("not graded"), False, row))
    in_book = customers.values("pk")
    profile = ManagerProfile.objects.filter(user=manager).first()
    total = sum(tier["customers"] for tier in tiers)
    return {
        "manager": manager,
        "profile": profile,
        "customers": total,
        "tiers": tiers,
        "incomplete": sum(tier["incomplete"] for tier in tiers),
        "open_requests": Ticket.objects.filter(customer__in=in_book, closed_at__isnull=True).count(),
        "awaiting_approval": pending_proposals_for(viewer).filter(customer__in=in_book).count(),
        "capacity": profile.capacity if profile else 0,
        "load_percent": _load_percent(total, profile.capacity if profile else 0),
    }


def _tier_count(code: str, label: str, green: bool, row: dict | None) -> dict:
    return {
        "code": code,
        "label": label,
        "green_channel": green,
        "customers": row["customers"] if row else 0,
        "incomplete": row["incomplete"] if row else 0,
    }


def _load_percent(customers: int, capacity: int) -> int | None:
    return round(100 * customers / capacity) if capacity else None


# ---------------------------------------------------------------------------------------------
# All books in a viewer's scope, from the snapshot.
def book_loads_visible_to(user) -> QuerySet[BookLoad]:
    """The snapshot rows that count customers the viewer may see: the rule of
    customers_visible_to (an account manager their own customers, a supervisor the customers
    served by units under their own, auditors and admins all), on the snapshot's keys."""
    if not has_capability(user, "books.view"):
        return BookLoad.objects.none()
    loads = BookLoad.objects.all()
    if user.role in WHOLE_ORGANISATION_ROLES:
        return loads
    if user.role == Role.ACCOUNT_MANAGER:
        return loads.filter(manager_id=user.pk)
    if user.role in SUPERVISING_ROLES and user.org_unit_id:
        return loads.filter(org_unit_id__in=unit_ids_under(user.org_unit.path))
    return BookLoad.objects.none()


def unassigned_count(user) -> int:
    """Customers without a manager among those the user may see, from the snapshot."""
    return sum(book_loads_visible_to(user).filter(manager__isnull=True).values_list("customers", flat=True))


def books_refresh() -> dict:
    """Count the customers again per service unit, manager, grid and tier, replacing the
    snapshot in one transaction: one INSERT … SELECT built from the ORM's GROUP BY.

    Refreshes are serialised (on PostgreSQL a lock on the snapshot table, which readers do not
    wait for; SQLite lets one writer in at a time), so two at once cannot both insert."""
    now = timezone.now()
    counts = (
        Customer.objects.order_by()
        .values("org_unit_id", "account_manager_id", "grid", "tier")
        .annotate(n=Count("pk"), at=Value(now, output_field=DateTimeField()))
        .values_list("org_unit_id", "account_manager_id", "grid", "tier", "n", "at")
    )
    table = connection.ops.quote_name(BookLoad._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(BookLoad._meta.get_field(name).column)
        for name in ("org_unit", "manager", "grid", "tier", "customers", "refreshed_at")
    )
    select, params = counts.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        BookLoad.objects.all().delete()
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        rows = cursor.rowcount
    return {"rows": rows, "refreshed_at": now.isoformat()}


@dataclass
class Spread:
    """How evenly customers are spread over managers: fewest, most, mean, most − fewest."""

    managers: int
    customers: int
    fewest: int
    most: int
    mean: float
    spread: int

    @classmethod
    def of(cls, counts: list[int]) -> "Spread":
        if not counts:
            return cls(0, 0, 0, 0, 0.0, 0)
        return cls(
            len(counts), sum(counts), min(counts), max(counts), round(fmean(counts), 1), max(counts) - min(counts)
        )


MANAGER_ORDERINGS = ("name", "-customers", "customers", "-load")


class ManagerRef(NamedTuple):
    """A manager as the overview lists them. The overview's rows are plain tuples: two thousand
    model instances cost more than the rest of the page, and the rows are kept in Django's cache
    (tuples unpickle several times faster than objects with a __dict__)."""

    pk: int
    full_name: str
    username: str
    is_active: bool
    unit_name: str


class ManagerLoad(NamedTuple):
    """One book in the overview: its customers by tier (the active tiers, top first) against the
    manager's capacity."""

    manager: ManagerRef
    level: str | None
    level_label: str
    customers: int
    by_tier: tuple[int, ...]
    capacity: int
    load_percent: int | None
    over_capacity: bool


# How long a viewer's overview, worked out from one snapshot, is kept in Django's cache: it is
# keyed by the snapshot's time and the profiles' last change, so a recount or an edited profile
# is seen at once; a manager's renaming or leaving shows with the next recount.
OVERVIEW_SECONDS = 15 * 60
OVERVIEW_FORMAT = 2  # in the key: a new shape of the rows never meets one kept by older code


def books_overview(viewer, *, ordering: str = "name") -> dict:
    """The supervisors' page: every book in the viewer's scope with its load by tier, capacity
    and load against it; the spread of customers per manager overall and per grid (a grid's
    managers: those holding customers there and those whose profile serves it); customers
    without a manager, by tier. Read from the snapshot (counted when `refreshed_at` says); a
    snapshot never taken is taken first."""
    refreshed_at = BookLoad.objects.values_list("refreshed_at", flat=True).first()  # one refresh, one time
    if refreshed_at is None and Customer.objects.exists():
        refreshed_at = datetime.fromisoformat(books_refresh()["refreshed_at"])
    profiles = ManagerProfile.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    changed = profiles["changed"].timestamp() if profiles["changed"] else 0
    counted = refreshed_at.timestamp() if refreshed_at else 0
    viewer_key = f"{viewer.pk}:{viewer.role}:{viewer.org_unit_id}"
    key = f"books.overview.{OVERVIEW_FORMAT}:{viewer_key}:{counted}:{profiles['n']}:{changed}"
    overview = cache.get(key)
    if overview is None:
        overview = _overview(viewer, refreshed_at)
        cache.set(key, overview, OVERVIEW_SECONDS)
    return {**overview, "managers": sorted(overview["managers"], key=_manager_sort_key(ordering))}


def _overview(viewer, refreshed_at) -> dict:
    scoped = book_loads_visible_to(viewer)
    loads = scoped.values_list("manager_id", "grid", "tier", "customers")
    tiers = [tier for tier in all_tiers() if tier.active]
    per_manager: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_grid: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    unassigned: dict[str, int] = defaultdict(int)
    for manager_id, grid, tier, customers in loads:
        if manager_id is None:
            unassigned[tier] += customers
            continue
        per_manager[manager_id][tier] += customers
        per_grid[grid][manager_id] += customers
    # The active managers of the scope, and whoever holds customers the viewer sees (a manager
    # who left, one of another unit): subqueries, not lists of two thousand ids.
    active = _managers_in_scope(viewer).filter(is_active=True).values("pk")
    holding = scoped.filter(manager__isnull=False).values("manager_id")
    listed = User.objects.filter(Q(pk__in=active) | Q(pk__in=holding)).values_list(
        "pk", "full_name", "username", "is_active", "org_unit__name",
        "manager_profile__level", "manager_profile__capacity", "manager_profile__grids",
    )  # fmt: skip
    managers, profiles = {}, {}
    for pk, full_name, username, is_active, unit_name, level, capacity, grids in listed:
        managers[pk] = ManagerRef(pk, full_name, username, is_active, unit_name or "")
        profiles[pk] = (level or "", capacity or 0)
        for grid in grids or ():
            per_grid[grid].setdefault(pk, 0)  # a grid the manager serves, holding none there yet
    levels = dict(ManagerLevel.choices)
    rows = []
    for manager_id, manager in managers.items():
        by_tier = per_manager.get(manager_id, {})
        level, capacity = profiles.get(manager_id, ("", 0))
        total = sum(by_tier.values())
        rows.append(
            ManagerLoad(
                manager=manager,
                level=level or None,
                level_label=levels.get(level, ""),
                customers=total,
                by_tier=tuple(by_tier.get(tier.code, 0) for tier in tiers),
                capacity=capacity,
                load_percent=_load_percent(total, capacity),
                over_capacity=bool(capacity) and total > capacity,
            )
        )
    grids = [{"grid": grid, "spread": Spread.of(list(counts.values()))} for grid, counts in per_grid.items() if grid]
    grids.sort(key=lambda row: (-row["spread"].spread, row["grid"]))
    return {
        "refreshed_at": refreshed_at,
        "tiers": tiers,
        "managers": rows,
        "overall": Spread.of([row.customers for row in rows if row.manager.is_active]),
        "grids": grids,
        "unassigned": sum(unassigned.values()),
        "unassigned_by_tier": [(tier, unassigned.get(tier.code, 0)) for tier in tiers],
        "over_capacity": sum(1 for row in rows if row.over_capacity),
    }


def _manager_sort_key(ordering: str):
    if ordering == "-customers":
        return lambda row: (-row.customers, row.manager.full_name, row.manager.pk)
    if ordering == "customers":
        return lambda row: (row.customers, row.manager.full_name, row.manager.pk)
    if ordering == "-load":
        return lambda row: (-(row.load_percent or 0), row.manager.full_name, row.manager.pk)
    return lambda row: (row.manager.full_name, row.manager.pk)
