"""The sidebar: each entry shows only to users whose role may open it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kefu.org.permissions import has_capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    capability: str | None = None


NAV_ITEMS = [
    NavItem(_("My workbench"), "workbench", "speedometer2"),
    NavItem(_("Service requests"), "tickets:queue", "inboxes", "tickets.view"),
    NavItem(_("New request"), "tickets:create", "plus-circle", "tickets.create"),
    NavItem(_("Customers"), "customers:list", "people", "customers.view"),
    NavItem(_("Data quality"), "customers:data_quality", "clipboard-check", "customers.view"),
    NavItem(_("Complaint analysis"), "reports:complaints", "bar-chart", "reports.view"),
    NavItem(_("Audit trail"), "audit:list", "journal-text", "audit.view"),
    NavItem(_("API documentation"), "api-docs", "braces", None),
]


def navigation_for(request):
    path = request.path
    items = []
    for item in NAV_ITEMS:
        if item.capability and not has_capability(request.user, item.capability):
            continue
        url = reverse(item.url_name)
        active = path == url or (url != "/" and path.startswith(url))
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
