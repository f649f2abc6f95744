from django.contrib.auth.decorators import login_required
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from kefu.core.htmx import render_page_or_partial
from kefu.core.pagination import CappedCountPaginator
from kefu.org.models import User

from .choices import AuditAction
from .presentation import describe, target_type_choices
from .selectors import audit_events_filtered

PAGE_SIZE = 50


@login_required
@require_GET
def audit_list(request):
    """Who changed what, filterable by person, action, object type, customer and dates."""
    params = request.GET
    events = audit_events_filtered(
        request.user,
        actor_id=params.get("actor") or None,
        action=params.get("action") or None,
        target_type=params.get("target_type") or None,
        customer_id=params.get("customer") if (params.get("customer") or "").isdigit() else None,
        since=parse_date(params.get("since") or ""),
        until=parse_date(params.get("until") or ""),
    )
    page = CappedCountPaginator(events, PAGE_SIZE).get_page(params.get("page"))
    page.object_list = list(page.object_list)
    describe(page.object_list)  # labels, names and local times for the page's entries
    context = {
        "page_obj": page,
        "actions": AuditAction.choices,
        "actors": User.objects.order_by("full_name").only("id", "full_name", "username"),
        "target_types": target_type_choices(),
        "params": params,
    }
    return render_page_or_partial(request, "audit/audit_list.html", "audit/partials/audit_table.html", context)
