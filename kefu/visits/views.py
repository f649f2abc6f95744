"""A manager's visit plan, month calendar and the visit record: parse → selector/service → render."""

from datetime import MAXYEAR, MINYEAR, date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import ServiceError
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.org.permissions import require_capability

from . import selectors, services
from .forms import BookForm, RecordForm


@login_required
@require_GET
def plan(request):
    require_capability(request.user, "visits.view")
    status = request.GET.get("status") if request.GET.get("status") in selectors.PLAN_STATUSES else "open"
    visits = selectors.visit_plan(request.user, status=status)
    page = CappedCountPaginator(visits, 25, count_newest_first=False).get_page(request.GET.get("page"))
    return render(request, "visits/plan.html", {"page_obj": page, "status": status, "today": timezone.localdate()})


@login_required
@require_GET
def month(request):
    require_capability(request.user, "visits.view")
    today = timezone.localdate()
    try:
        year, number = (int(part) for part in request.GET.get("month", "").split("-"))
        first = date(year, number, 1)
        if not MINYEAR < year < MAXYEAR:  # the month before and after, and the calendar's weeks, must exist
            raise ValueError(year)
    except ValueError:
        first = today.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    context = {
        "weeks": selectors.month_calendar(request.user, first.year, first.month),
        "first": first,
        "previous": previous,
        "following": following,
        "today": today,
    }
    return render(request, "visits/month.html", context)


def _detail(request, visit, book_form=None, record_form=None, status=200):
    context = {
        "visit": visit,
        "book_form": book_form or BookForm(initial={"version": visit.version, "purpose": visit.purpose}),
        "record_form": record_form or RecordForm(initial={"version": visit.version, "purpose": visit.purpose}),
        "open": visit.status in ("planned", "booked"),
    }
    return render(request, "visits/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk: int):
    return _detail(request, selectors.get_visit_for_user(request.user, pk))


@login_required
@require_POST
def book(request, pk: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    form = BookForm(request.POST)
    if form.is_valid():
        try:
            services.visit_book(
                actor=request.user,
                visit=visit,
                appointment_at=form.cleaned_data["appointment_at"],
                purpose=form.cleaned_data["purpose"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as refused:
            apply_errors(form, refused)
        except ServiceError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The appointment was saved."))
            return redirect("visits:detail", pk=visit.pk)
    return _detail(request, visit, book_form=form, status=400)


@login_required
@require_POST
def record(request, pk: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            services.visit_record(
                actor=request.user,
                visit=visit,
                data=form.data_for_service(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as refused:
            apply_errors(form, refused)
        except ServiceError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("visits:detail", pk=visit.pk)
    return _detail(request, visit, record_form=form, status=400)


@login_required
@require_POST
def issue_to_request(request, pk: int, index: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    try:
        ticket = services.visit_issue_to_request(actor=request.user, visit=visit, index=index)
    except (ValidationError, ServiceError) as refused:
        messages.error(request, getattr(refused, "message", None) or "; ".join(refused.messages))
        return redirect("visits:detail", pk=visit.pk)
    messages.success(request, _("Request %(number)s registered.") % {"number": ticket.number})
    return redirect("visits:detail", pk=visit.pk)
