"""Book pages (管户): a manager's book and the supervisors' view of all books. Thin: they parse
input, call kefu.accountmanagers.books and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.core.filters import filter_errors, filters_shown
from kefu.core.htmx import render_page_or_partial
from kefu.core.pagination import CappedCountPaginator, list_page_size
from kefu.customers.tiers import active_tiers
from kefu.org.permissions import has_capability, require_capability

from . import books
from .filters import BookFilter

OVERVIEW_PAGE_SIZE = 50
GRIDS_SHOWN = 15


@login_required
@require_GET
def books_index(request):
    """The sidebar's entry: an account manager's own book, everyone else the overview."""
    require_capability(request.user, "books.view")
    own = books.own_book(request.user)
    if own is not None:
        return redirect("accountmanagers:book", manager_id=own.pk)
    return redirect("accountmanagers:books")


@login_required
@require_GET
def books_overview(request):
    require_capability(request.user, "books.view")
    ordering = request.GET.get("ordering") or "name"
    if ordering not in books.MANAGER_ORDERINGS:
        ordering = "name"
    overview = books.books_overview(request.user, ordering=ordering)
    page = Paginator(overview["managers"], OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    # The grids with the widest spread first; all of them when asked.
    grids = overview["grids"] if request.GET.get("grids") == "all" else overview["grids"][:GRIDS_SHOWN]
    context = {
        **overview,
        "grids": grids,
        "grids_hidden": len(overview["grids"]) - len(grids),
        "unassigned_tiers": [(tier, n) for tier, n in overview["unassigned_by_tier"] if n],
        "page_obj": page,
        "ordering": ordering,
        "can_refresh": has_capability(request.user, "books.refresh"),
    }
    return render(request, "accountmanagers/books_overview.html", context)


@login_required
@require_POST
def books_refresh(request):
    require_capability(request.user, "books.refresh")
    books.books_refresh()
    messages.success(request, _("The books were counted again."))
    return redirect("accountmanagers:books")


@login_required
@require_GET
def book_detail(request, manager_id: int):
    manager = books.get_book_manager_for_user(request.user, manager_id)
    filterset = BookFilter(request.GET, queryset=books.book_customers(request.user, manager), request=request)
    page = CappedCountPaginator(
        filterset.qs.values_list("pk", flat=True), list_page_size(), hydrate=books.book_rows
    ).get_page(request.GET.get("page"))
    context = {
        "manager": manager,
        "summary": books.book_summary(request.user, manager),
        "page_obj": page,
        "tiers": active_tiers(),
        "filters": filters_shown(filterset),
        "filter_errors": filter_errors(filterset),
        "is_own": manager.pk == request.user.pk,
        "can_decide": has_capability(request.user, "grading.approve"),
    }
    return render_page_or_partial(
        request, "accountmanagers/book_detail.html", "accountmanagers/partials/book_table.html", context
    )
