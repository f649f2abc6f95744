"""Reads of the customer archive. Data scope is decided here and nowhere else."""

from django.db import connection
from django.db.models import Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.shortcuts import get_object_or_404

from kefu.audit.hooks import HIDDEN
from kefu.core.errors import PermissionDeniedError
from kefu.core.phones import normalise_phone
from kefu.org.choices import WHOLE_ORGANISATION_ROLES, Role
from kefu.org.permissions import has_capability

from . import hooks
from .models import Customer, KeyPerson


def customers_visible_to(user) -> QuerySet[Customer]:
    """The one place that says which customers a user may see.

    - account manager: only the customers they own;
    - supervisor: customers served by any unit in their subtree;
    - agent, auditor, admin: everyone (agents see personal data masked);
    - anyone else: nobody.
    """
    if not has_capability(user, "customers.view"):
        return Customer.objects.none()
    customers = Customer.objects.all()
    if _sees_whole_archive(user):
        return customers
    if user.role == Role.ACCOUNT_MANAGER:
        return customers.filter(account_manager=user)
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return customers.filter(org_unit__path__startswith=user.org_unit.path)
    return Customer.objects.none()


def _sees_whole_archive(user) -> bool:
    return has_capability(user, "customers.view") and user.role in WHOLE_ORGANISATION_ROLES


def customer_in_scope(user, customer_id: int, *, fields: tuple[str, ...]) -> Customer | None:
    """One customer if the user may see it, with only `fields` read (None otherwise): the same
    scope as the archive list, since it is the same queryset."""
    return customers_visible_to(user).only(*fields).filter(pk=customer_id).first()


def get_customer_for_user(user, customer_id: int, *, capability: str = "customers.view") -> Customer:
    """Fetch a customer the user may act on, or 404 if out of scope, 403 without the right.

    Out-of-scope customers answer 404 so that ids cannot be probed.
    """
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(
        customers_visible_to(user).select_related("account_manager", "org_unit", "parent"),
        pk=customer_id,
    )


def get_key_person_for_user(user, key_person_id: int, *, capability: str = "customers.view") -> KeyPerson:
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(
        KeyPerson.objects.filter(customer__in=customers_visible_to(user)).select_related("customer"),
        pk=key_person_id,
    )


# The parts of a customer's record and of its key persons' that belong to its business file (SPEC
# §1): the forms leave them off, the API blanks them and refuses changes to them, for a reader
# who may not read the file (`business_file_visible`).
BUSINESS_FILE_FIELDS = ("contract_no", "competitor_info")
KEY_PERSON_FILE_FIELDS = ("preferences", "taboos")


def business_file_visible(user, customer: Customer) -> bool:
    """Whether `user`, who sees `customer`, may read its business file (agreements, volumes and
    revenue, key persons' preferences, competitor notes). A group customer's file is kept to its
    key-account team and their superiors (customers.hooks.set_business_file_access_check);
    without such a rule everyone who sees the customer sees its file."""
    access = hooks.business_file_access()
    return True if access is None else bool(access[0](user, customer))


# The audit trail's records whose values belong to the business file: target type → the fields
# (None: every field). Apps above add theirs (agreements, competitor records) in their ready().
_BUSINESS_FILE_RECORDS: dict[str, tuple[str, ...] | None] = {
    "customers.customer": BUSINESS_FILE_FIELDS,
    "customers.keyperson": KEY_PERSON_FILE_FIELDS,
    "customers.customerproduct": ("contract_no",),
}


def register_business_file_record(target_type: str, fields: tuple[str, ...] | None = None) -> None:
    _BUSINESS_FILE_RECORDS[target_type] = fields


def redact_business_file(user, events) -> None:
    """Hide, in audit events, the business-file values of customers whose file `user` may not
    read (an admin outside a group's team reads the trail, not the file): one query per page."""
    wanted = {
        event.customer_id
        for event in events
        if event.customer_id and event.target_type in _BUSINESS_FILE_RECORDS and event.changes
    }
    if not wanted or hooks.business_file_access() is None:
        return
    readable = set(business_file_customers(user, Customer.objects.filter(pk__in=wanted)).values_list("pk", flat=True))
    for event in events:
        if event.customer_id not in wanted or event.customer_id in readable:
            continue
        fields = _BUSINESS_FILE_RECORDS.get(event.target_type, ())
        if fields is None:  # the whole record is the file's: its name too (an agreement's title)
            event.target_repr = HIDDEN
        event.changes = {
            name: (_hidden(values) if fields is None or name in fields else values)
            for name, values in (event.changes or {}).items()
        }


def _hidden(values):
    return [HIDDEN, HIDDEN] if isinstance(values, list) and len(values) == 2 else HIDDEN


def business_file_customers(user, customers: QuerySet[Customer] | None = None) -> QuerySet[Customer]:
    """`customers` (by default all the user may see) narrowed to those whose business file the
    user may read: the set-based form of `business_file_visible`, for lists and exports."""
    customers = customers_visible_to(user) if customers is None else customers
    access = hooks.business_file_access()
    return customers if access is None else access[1](user, customers)


def _looks_like_phone(term: str) -> str:
    digits = normalise_phone(term)
    return digits if digits.isdigit() and len(digits) >= 5 else ""


def _name_contains(customers: QuerySet[Customer], fragment: str) -> QuerySet[Customer]:
    """Substring match on the name, using the per-character GIN index on PostgreSQL.

    Chinese names have no word boundaries and a fragment is often two characters, too short
    for trigrams; an index over the name's characters narrows to rows containing every
    character of the fragment, then a substring check confirms the order.

    On PostgreSQL the check is `strpos(name, fragment) > 0` rather than `LIKE '%…%'`, and it
    comes first (on a large archive; figures in bench/README.md, customer lookup):
    - same rows, but the planner estimates such a LIKE at a tiny fixed selectivity and
      multiplies it into the index's estimate: it expected one row where there were thousands
      and joined the account managers by scanning the staff table once per row. A
      function call gets a neutral estimate, so the index's statistics decide the plan;
    - when rows are read one by one (newest first, stopping after a page), the cheap strpos
      rejects most of them before the costlier string_to_array is computed.
    """
    if connection.vendor == "postgresql" and fragment:
        from django.contrib.postgres.fields import ArrayField
        from django.db.models import TextField

        chars = sorted(set(fragment))
        return (
            customers.annotate(name_at=StrIndex("name", Value(fragment)))
            .filter(name_at__gt=0)
            .annotate(
                name_chars=Func(
                    F("name"), Value(None), function="string_to_array", output_field=ArrayField(TextField())
                )
            )
            .filter(name_chars__contains=chars)
        )
    return customers.filter(name__contains=fragment)


def _ids_by_phone(phone: str) -> QuerySet:
    """Ids of customers with this mobile or landline, or with a key person with this mobile.

    One index probe per branch of a UNION. Written as `mobile = p OR phone = p OR EXISTS(key
    person)`, PostgreSQL cannot use the indexes for an OR that holds a subquery and scans all
    customers instead.
    """
    return (
        Customer.objects.filter(mobile=phone)
        .order_by()
        .values("pk")
        .union(
            Customer.objects.filter(phone=phone).order_by().values("pk"),
            KeyPerson.objects.filter(mobile=phone).order_by().values("customer_id"),
            all=True,
        )
    )


def customer_search(customers: QuerySet[Customer], term: str) -> QuerySet[Customer]:
    """Search by phone (exact, normalised), customer number, organisation code or name fragment."""
    # PostgreSQL refuses a NUL character in a query: a search typed with one is a 500 otherwise.
    term = (term or "").replace("\x00", "").strip()
    if not term:
        return customers
    phone = _looks_like_phone(term)
    if phone:
        return customers.filter(pk__in=_ids_by_phone(phone))
    if term.isascii() and any(ch.isdigit() for ch in term):
        return customers.filter(Q(code=term) | Q(org_code=term.upper()))
    return _name_contains(customers, term)


ORDERINGS = {
    "name": "name",
    "-name": "-name",
    "created": "created_at",
    "-created": "-created_at",
    "code": "code",
    "-code": "-code",
}


def customer_list(user, *, filters: dict | None = None) -> QuerySet[Customer]:
    """The filtered, sorted customer list that both the UI and the API show."""
    return filter_customers(customers_visible_to(user), filters)


def filter_customers(customers: QuerySet[Customer], filters: dict | None) -> QuerySet[Customer]:
    """Narrow and sort customers (already within a scope) by checked filter values: the list's
    FilterSet (kefu/customers/filters.py) calls this with its cleaned data."""
    filters = filters or {}
    customers = customer_search(customers, filters.get("q") or "")
    for field in ("kind", "status", "tier", "region", "grid", "industry", "source_channel"):
        if filters.get(field):
            customers = customers.filter(**{field: filters[field]})
    if filters.get("account_manager"):
        customers = customers.filter(account_manager_id=filters["account_manager"])
    if filters.get("unassigned") in (True, False):
        customers = customers.filter(account_manager__isnull=filters["unassigned"])
    if filters.get("tag"):
        customers = customers.filter(tags__id=filters["tag"])
    if filters.get("has_valid_phone") in (True, False):
        customers = customers.filter(has_valid_phone=filters["has_valid_phone"])
    ordering = ORDERINGS.get(filters.get("ordering") or "", "-id")
    return customers.select_related("account_manager").order_by(ordering, "-id")


def customer_related(customer: Customer, *, business_file: bool = True) -> dict:
    """The blocks of the 360 page, each fetched in one query. Without `business_file` (the
    reader may not read this customer's business file: `business_file_visible`) the volumes and
    revenue are left out, and the page leaves out the key persons' preferences and taboos, the
    contract number and the competitor notes."""
    return {
        "business_file": business_file,
        "key_persons": list(customer.key_persons.all()),
        "products": list(customer.products.all()),
        "volumes": list(customer.volumes.all()[:12]) if business_file else [],
        "credit_records": list(customer.credit_records.all()[:20]),
        "members": list(customer.members.order_by("name")[:50]),
        "member_count": customer.members.count(),
        "tags": list(customer.tags.all()),
    }


def data_quality_summary(user) -> dict:
    """Share of customers with a valid phone, overall and per account manager (seed 000 篇8)."""
    customers = customers_visible_to(user)
    overall = customers.aggregate(total=Count("id"), valid=Count("id", filter=Q(has_valid_phone=True)))
    per_manager = (
        customers.values("account_manager_id", "account_manager__full_name")
        .annotate(total=Count("id"), valid=Count("id", filter=Q(has_valid_phone=True)))
        .order_by("account_manager__full_name")
    )
    rows = []
    for row in per_manager:
        rows.append(
            {
                "manager_id": row["account_manager_id"],
                "manager_name": row["account_manager__full_name"],
                "total": row["total"],
                "valid": row["valid"],
                "rate": _rate(row["valid"], row["total"]),
            }
        )
    rows.sort(key=lambda r: (r["rate"], r["manager_name"] or ""))
    return {
        "total": overall["total"],
        "valid": overall["valid"],
        "rate": _rate(overall["valid"], overall["total"]),
        "per_manager": rows,
    }


def _rate(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def customers_to_complete(user) -> QuerySet[Customer]:
    """Customers whose data to complete on the next visit: no valid phone, or no address."""
    return (
        customers_visible_to(user)
        .filter(Q(has_valid_phone=False) | Q(address=""))
        .select_related("account_manager")
        .order_by("account_manager__full_name", "-id")
    )
