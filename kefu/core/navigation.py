"""The sidebar: each entry shows only to users whose role may open it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    capability: str | None = None
    staff_only: bool = False  # the admin site lets in only staff accounts


NAV_ITEMS = [
    NavItem(_("My workbench"), "workbench", "speedometer2"),
    NavItem(_("Service requests"), "tickets:queue", "inboxes", "tickets.view"),
    NavItem(_("New request"), "tickets:create", "plus-circle", "tickets.create"),
    NavItem(_("Customers"), "customers:list", "people", "customers.view"),
    NavItem(_("Books"), "accountmanagers:books_index", "briefcase", "books.view"),
    NavItem(_("Account managers"), "accountmanagers:managers", "person-badge", "managers.view"),
    NavItem(_("Import customers"), "customers:import_start", "upload", "customers.import"),
    NavItem(_("Data quality"), "customers:data_quality", "clipboard-check", "customers.view"),
    NavItem(_("Customer grading"), "grading:index", "award", "grading.view"),
    NavItem(_("Callback desk"), "callbacks:desk", "telephone-outbound", "callbacks.view"),
    NavItem(_("Service campaigns"), "callbacks:campaigns", "telephone", "callbacks.make"),
    NavItem(_("Callback satisfaction"), "callbacks:satisfaction", "emoji-smile", "callbacks.report"),
    NavItem(_("Visit plan"), "visits:plan", "calendar", "visits.view"),
    NavItem(_("Care and notices"), "care:calendar", "gift", "care.view"),
    NavItem(_("Sales pipeline"), "sales:pipeline", "person-plus", "sales.view"),
    NavItem(_("Contacts due"), "contacts:due", "person-lines-fill", "contacts.view"),
    NavItem(_("Arrears"), "collection:list", "cash-coin", "collection.view"),
    NavItem(_("Churn warning"), "churn:list", "exclamation-triangle", "churn.view"),
    NavItem(_("Key accounts"), "keyaccounts:list", "building", "keyaccounts.view"),
    NavItem(_("Complaint analysis"), "reports:complaints", "bar-chart", "reports.view"),
    NavItem(_("Outgoing messages"), "outbox:list", "envelope", "outbox.view"),
    NavItem(_("Audit trail"), "audit:list", "journal-text", "audit.view"),
    NavItem(_("API documentation"), "api-docs", "braces", None),
    NavItem(_("Administration"), "admin:index", "gear", staff_only=True),
]


# Whether a role grants a capability is the org app's rule (kefu.org.permissions): OrgConfig.ready
# registers it here, so that core imports no domain app. Nothing registered: no entry that needs one.
_capability_checks: list[Callable[[object, str], bool]] = []


def register_capability_check(check: Callable[[object, str], bool]) -> None:
    _capability_checks[:] = [check]  # AppConfig.ready may run twice: replace, never add


def _allows(user, capability: str) -> bool:
    return bool(_capability_checks) and _capability_checks[0](user, capability)


def navigation_for(request):
    path = request.path
    items = [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "active": False}
        for item in NAV_ITEMS
        if (not item.capability or _allows(request.user, item.capability))
        and (not item.staff_only or request.user.is_staff)
    ]
    # Highlight the entry with the longest address that the page lies under.
    matches = [i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
