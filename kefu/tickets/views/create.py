"""Registering a request, with the customer looked up by phone or name (and screen pop)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kefu.core.errors import ServiceError
from kefu.core.filters import IdField
from kefu.core.forms import apply_errors
from kefu.core.masking import mask_phone
from kefu.core.phones import normalise_phone
from kefu.customers.selectors import customer_list, get_customer_for_user
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..choices import Channel
from ..forms import TicketCreateForm

LOOKUP_LIMIT = 10


def _screen_pop(user, phone: str) -> dict:
    """What the agent sees when the phone system opens the form with the caller's number."""
    customers = list(customer_list(user, filters={"q": phone})[:LOOKUP_LIMIT])
    return {
        "phone": phone,
        "masked_phone": mask_phone(phone),
        "customers": customers,
        "open_tickets": selectors.open_tickets_for_caller(user, customer_ids=[c.pk for c in customers], phone=phone),
    }


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    require_capability(request.user, "tickets.create")
    screen_pop, chosen = None, None
    if request.method == "POST":
        form = TicketCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                ticket, _created = services.ticket_create(actor=request.user, **form.service_arguments())
            except ValidationError as error:
                apply_errors(form, error)
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Request %(number)s was registered.") % {"number": ticket.number})
                return redirect("tickets:detail", ticket.pk)
        chosen = form.cleaned_data.get("customer") if "customer" not in form.errors else None
    else:
        initial = {"token": uuid.uuid4().hex, "channel": Channel.PHONE}
        phone = normalise_phone(request.GET.get("phone", ""))
        if phone:
            screen_pop = _screen_pop(request.user, phone)
            if len(screen_pop["customers"]) == 1:
                chosen = screen_pop["customers"][0]
                initial["customer"] = chosen.pk
            else:
                initial["caller_phone"] = phone
        form = TicketCreateForm(initial=initial, user=request.user)
    context = {
        "form": form,
        "screen_pop": screen_pop,
        "chosen": chosen,
        "chosen_open": selectors.open_tickets_for_caller(request.user, customer_ids=[chosen.pk]) if chosen else [],
    }
    return render(request, "tickets/ticket_create.html", context)


@login_required
@require_GET
def customer_lookup(request):
    """htmx: customers matching a phone or name (masked), or the one chosen, with open requests."""
    require_capability(request.user, "tickets.create")
    if "chosen" in request.GET:
        try:
            chosen_id = IdField(required=False).clean(request.GET["chosen"])
        except ValidationError:
            chosen_id = None  # not a record's number ("²", 10**20): nobody chosen
        chosen = get_customer_for_user(request.user, chosen_id) if chosen_id else None
        open_tickets = selectors.open_tickets_for_caller(request.user, customer_ids=[chosen.pk]) if chosen else []
        context = {"chosen": chosen, "chosen_open": open_tickets, "clear_results": True}
        return render(request, "tickets/partials/customer_choice.html", context)
    term = request.GET.get("lookup", "").strip()
    customers = list(customer_list(request.user, filters={"q": term})[:LOOKUP_LIMIT]) if len(term) >= 2 else []
    return render(request, "tickets/partials/customer_results.html", {"customers": customers, "term": term})
