"""Contacts pages: the contacts due (a manager's own, a supervisor's team), logging a contact, the
log, the contact plans and the quarterly key-account reviews: parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import ServiceError
from kefu.core.filters import IdField, filter_errors, filters_shown
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator, list_page_size
from kefu.customers.selectors import customer_in_scope
from kefu.customers.tiers import active_tiers
from kefu.org.choices import Role
from kefu.org.permissions import has_capability, require_capability

from . import selectors, services
from .choices import DueReason
from .filters import ContactDueFilter, ContactLogFilter
from .forms import ContactForm, PlanForm, ReviewForm
from .models import ContactPlan


@login_required
@require_GET
def due(request):
    """我的待联系: due today and overdue, most overdue first; a supervisor also sees their
    team's counts per manager."""
    require_capability(request.user, "contacts.view")
    filterset = ContactDueFilter(request.GET, queryset=selectors.contacts_due_visible_to(request.user))
    page = CappedCountPaginator(filterset.qs, list_page_size(), count_newest_first=False).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "today": timezone.localdate(),
        "filters": filters_shown(filterset),
        "filter_errors": filter_errors(filterset),
        "reasons": DueReason.choices,
        "team": selectors.overdue_counts(request.user)[:50] if request.user.role != Role.ACCOUNT_MANAGER else None,
        "can_log": has_capability(request.user, "contacts.log"),
    }
    return render(request, "contacts/due.html", context)


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def log_contact(request):
    """Log a contact with one customer (from the list of contacts due or the customer 360 page)."""
    require_capability(request.user, "contacts.log")
    raw = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    form = ContactForm(request.POST or None, initial={"customer": raw})
    try:
        customer_id = IdField().clean(raw)
    except ValidationError:
        raise Http404() from None
    customer = customer_in_scope(request.user, customer_id, fields=("id", "name", "tier"))
    if customer is None:
        raise Http404()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.contact_log_record(actor=request.user, customer=customer, data=form.data_for_service())
            except ValidationError as refused:
                apply_errors(form, refused)
            except ServiceError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The contact was logged."))
                return redirect(_next_url(request, "contacts:due"))
        status = 400
    context = {
        "form": form,
        "customer": customer,
        "recent": selectors.customer_contacts(request.user, customer.pk, limit=5),
        "due_row": selectors.contact_due_of(customer.pk),
        "next": _next_url(request, ""),
    }
    return render(request, "contacts/log.html", context, status=status)


@login_required
@require_GET
def history(request):
    """联系记录: the contacts of the customers the user sees, newest first."""
    require_capability(request.user, "contacts.view")
    filterset = ContactLogFilter(request.GET, queryset=selectors.contact_logs_visible_to(request.user))
    page = CappedCountPaginator(filterset.qs, list_page_size()).get_page(request.GET.get("page"))
    context = {"page_obj": page, "filters": filters_shown(filterset), "filter_errors": filter_errors(filterset)}
    return render(request, "contacts/history.html", context)


def _plans_page(request, form=None, status=200):
    context = {
        "plans": selectors.plans(),
        "form": form or PlanForm(),
        "tiers": {tier.code: tier.label for tier in active_tiers()},
        "can_configure": has_capability(request.user, "contacts.configure"),
    }
    return render(request, "contacts/plans.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plans(request):
    """The contact plans per tier; admins add one here."""
    require_capability(request.user, "contacts.view")
    if request.method == "GET":
        return _plans_page(request)
    require_capability(request.user, "contacts.configure")
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.contact_plan_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as refused:
            apply_errors(form, refused)
        else:
            messages.success(request, _("The contact plan was saved."))
            return redirect("contacts:plans")
    return _plans_page(request, form, status=400)


@login_required
@require_POST
def plan_edit(request, pk: int):
    require_capability(request.user, "contacts.configure")
    plan = get_object_or_404(ContactPlan, pk=pk)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.contact_plan_save(actor=request.user, plan=plan, data=form.cleaned_data)
        except ValidationError as refused:
            apply_errors(form, refused)
        else:
            messages.success(request, _("The contact plan was saved."))
            return redirect("contacts:plans")
    # The plans page shows a change refused as one message: each error after its field's label.
    messages.error(
        request,
        "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        ),
    )
    return redirect("contacts:plans")


@login_required
@require_POST
def plan_delete(request, pk: int):
    require_capability(request.user, "contacts.configure")
    services.contact_plan_delete(actor=request.user, plan=get_object_or_404(ContactPlan, pk=pk))
    messages.success(request, _("The contact plan was deleted."))
    return redirect("contacts:plans")


@login_required
@require_GET
def reviews(request):
    """This quarter's key-account file reviews still to do (seed 004 篇9)."""
    require_capability(request.user, "contacts.view")
    rows = selectors.reviews_open(request.user)
    page = CappedCountPaginator(rows, list_page_size(), count_newest_first=False).get_page(request.GET.get("page"))
    context = {"page_obj": page, "today": timezone.localdate(), "form": ReviewForm()}
    return render(request, "contacts/reviews.html", context)


@login_required
@require_POST
def review_complete(request, pk: int):
    review = selectors.get_review_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.review_complete(actor=request.user, review=review, notes=form.cleaned_data.get("notes", ""))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The review was recorded."))
    return redirect("contacts:reviews")
