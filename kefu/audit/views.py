from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from kefu.core.filters import filter_errors, filters_shown
from kefu.core.htmx import render_page_or_partial
from kefu.core.pagination import CappedCountPaginator
from kefu.org.models import User

from .choices import AuditAction
from .filters import AuditFilter
from .hooks import redact
from .presentation import describe, target_type_choices
from .selectors import audit_events_visible_to

PAGE_SIZE = 50


@login_required
@require_GET
def audit_list(request):
    """Who changed what, filterable by person, action, object type, customer and dates."""
    # A bad filter value is left out, and the page says which (filter_errors).
    filterset = AuditFilter(request.GET, queryset=audit_events_visible_to(request.user), request=request)
    page = CappedCountPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    redact(request.user, page.object_list)  # values other rules keep from this reader
    describe(page.object_list)  # labels, names and local times for the page's entries
    context = {
        "page_obj": page,
        "filter_errors": filter_errors(filterset),
        "actions": AuditAction.choices,
        "actors": User.objects.order_by("full_name").only("id", "full_name", "username"),
        "target_types": target_type_choices(),
        "params": filters_shown(filterset),
    }
    return render_page_or_partial(request, "audit/audit_list.html", "audit/partials/audit_table.html", context)
