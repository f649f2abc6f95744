"""Customer pages. Thin: they parse input, call selectors and services, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import ConflictError, ServiceError
from kefu.core.filters import filter_errors, filters_shown
from kefu.core.forms import apply_errors
from kefu.core.htmx import render_page_or_partial
from kefu.core.pagination import CappedCountPaginator, list_page_size
from kefu.org.permissions import has_capability, require_capability
from kefu.org.selectors import account_managers_visible_to

from . import selectors, services
from .choices import CustomerKind, CustomerStatus, SourceChannel
from .exports import customers_export_xlsx
from .filters import CustomerFilter
from .forms import CustomerForm, KeyPersonForm, NoteForm
from .models import Tag
from .panels import customer_panels
from .tiers import all_tiers
from .timeline import customer_timeline

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_filters_from(request) -> CustomerFilter:
    """The list's filters from the query string, within the user's scope; shared by the list
    page and the export (and, as its filterset_class, the API). A bad value is left out."""
    return CustomerFilter(request.GET, queryset=selectors.customers_visible_to(request.user), request=request)


@login_required
@require_GET
def customer_list(request):
    require_capability(request.user, "customers.view")
    filterset = list_filters_from(request)
    page = CappedCountPaginator(filterset.qs, list_page_size()).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": filters_shown(filterset),
        "filter_errors": filter_errors(filterset),
        "kinds": CustomerKind.choices,
        "statuses": CustomerStatus.choices,
        "channels": SourceChannel.choices,
        "managers": account_managers_visible_to(request.user).only("id", "full_name"),
        "tags": Tag.objects.all(),
        "tiers": [(tier.code, tier.label) for tier in all_tiers()],
        "can_create": has_capability(request.user, "customers.create"),
        "can_export": has_capability(request.user, "customers.export"),
    }
    return render_page_or_partial(
        request, "customers/customer_list.html", "customers/partials/customer_table.html", context
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    require_capability(request.user, "customers.create")
    form = CustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Customer “%(name)s” was created.") % {"name": customer.name})
            return redirect("customers:detail", customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "creating": True})


@login_required
@require_GET
def customer_detail(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk)
    context = {
        "customer": customer,
        **selectors.customer_related(customer, business_file=selectors.business_file_visible(request.user, customer)),
        "timeline": customer_timeline(customer.pk),
        "panels": customer_panels(request.user, customer.pk),
        "note_form": NoteForm(),
        "can_change": has_capability(request.user, "customers.change"),
        "can_delete": has_capability(request.user, "customers.delete"),
        "can_reveal": has_capability(request.user, "customers.reveal"),
        "can_note": has_capability(request.user, "customers.note"),
    }
    return render(request, "customers/customer_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, capability="customers.change")
    business_file = selectors.business_file_visible(request.user, customer)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user, business_file=business_file)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                actor=request.user,
                customer=customer,
                expected_version=form.cleaned_data.get("version") or 0,
                **form.service_arguments(),
            )
        except ConflictError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Customer “%(name)s” was saved.") % {"name": customer.name})
            return redirect("customers:detail", customer.pk)
    context = {"form": form, "customer": customer, "can_reveal": has_capability(request.user, "customers.reveal")}
    return render(request, "customers/customer_form.html", context)


@login_required
@require_POST
def customer_delete(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, capability="customers.delete")
    try:
        services.customer_delete(actor=request.user, customer=customer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("customers:detail", pk)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("customers:detail", pk)
    messages.success(request, _("Customer “%(name)s” was deleted.") % {"name": customer.name})
    return redirect("customers:list")


@login_required
@require_POST
def customer_anonymise(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, capability="customers.delete")
    services.customer_anonymise(actor=request.user, customer=customer)
    messages.success(request, _("The customer's personal data was erased; the requests are kept."))
    return redirect("customers:detail", pk)


@login_required
@require_POST
def customer_reveal(request, pk, field):
    """Answer an htmx click on a masked value with the full value, logging the access."""
    customer = selectors.get_customer_for_user(request.user, pk, capability="customers.reveal")
    try:
        value = services.customer_reveal(actor=request.user, customer=customer, field=field)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.POST.get("into") == "input":  # the edit form: the input itself, to change the number
        return render(request, "customers/partials/revealed_input.html", {"value": value, "field": field})
    return render(request, "customers/partials/revealed_value.html", {"value": value})


@login_required
@require_POST
def customer_note_add(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, capability="customers.note")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.customer_note_add(actor=request.user, customer=customer, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = NoteForm()
    context = {"customer": customer, "timeline": customer_timeline(customer.pk), "note_form": form, "can_note": True}
    return render(request, "customers/partials/timeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def key_person_create(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, capability="customers.change")
    form = KeyPersonForm(request.POST or None, business_file=selectors.business_file_visible(request.user, customer))
    if request.method == "POST" and form.is_valid():
        try:
            services.key_person_create(actor=request.user, customer=customer, data=form.service_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Key person added."))
            return redirect("customers:detail", customer.pk)
    return render(request, "customers/key_person_form.html", {"form": form, "customer": customer})


@login_required
@require_http_methods(["GET", "POST"])
def key_person_edit(request, pk):
    person = selectors.get_key_person_for_user(request.user, pk, capability="customers.change")
    business_file = selectors.business_file_visible(request.user, person.customer)
    form = KeyPersonForm(request.POST or None, instance=person, business_file=business_file)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_person_update(
                actor=request.user,
                person=person,
                expected_version=form.cleaned_data.get("version") or 0,
                data=form.service_data(),
            )
        except ConflictError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Key person saved."))
            return redirect("customers:detail", person.customer_id)
    return render(
        request, "customers/key_person_form.html", {"form": form, "customer": person.customer, "person": person}
    )


@login_required
@require_POST
def key_person_delete(request, pk):
    person = selectors.get_key_person_for_user(request.user, pk, capability="customers.change")
    customer_id = person.customer_id
    services.key_person_delete(actor=request.user, person=person)
    messages.success(request, _("Key person deleted."))
    return redirect("customers:detail", customer_id)


@login_required
@require_GET
def data_quality(request):
    require_capability(request.user, "customers.view")
    to_complete = selectors.customers_to_complete(request.user)
    page = CappedCountPaginator(to_complete, list_page_size()).get_page(request.GET.get("page"))
    context = {"summary": selectors.data_quality_summary(request.user), "page_obj": page}
    return render(request, "customers/data_quality.html", context)


@login_required
@require_GET
def customer_export(request):
    """The list as filtered on screen, as an Excel file."""
    require_capability(request.user, "customers.export")
    customers = list_filters_from(request).qs
    output = customers_export_xlsx(actor=request.user, customers=customers)
    filename = f"customers-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
