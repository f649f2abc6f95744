"""The outbox pages: messages (admins, auditors), templates with preview (admins), a customer's
opt-outs (staff serving the customer). Parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import ServiceError
from kefu.core.filters import filter_errors, filters_shown
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.customers.selectors import customer_in_scope, get_customer_for_user
from kefu.org.permissions import has_capability, require_capability

from . import selectors, services
from .choices import CANCELLABLE_STATES, RETRYABLE_STATES, Channel, MessageState
from .filters import MessageFilter
from .forms import OptOutForm, TemplateForm
from .models import MessageTemplate, OptOut
from .rendering import VARIABLES


@login_required
@require_GET
def message_list(request):
    require_capability(request.user, "outbox.view")
    filterset = MessageFilter(request.GET, queryset=selectors.messages_visible_to(request.user))
    filterset.is_valid()  # a refused value is left out (and named), the others still apply
    rows = selectors.filter_messages(filterset.queryset, filterset.form.cleaned_data)
    page = CappedCountPaginator(rows, 25).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filter_errors": filter_errors(filterset),
        "shown": filters_shown(filterset),
        "states": MessageState.choices,
        "channels": Channel.choices,
    }
    return render(request, "outbox/message_list.html", context)


def _message(request, pk):
    return get_object_or_404(selectors.messages_visible_to(request.user).select_related("customer", "user"), pk=pk)


@login_required
@require_GET
def message_detail(request, pk: int):
    require_capability(request.user, "outbox.view")
    message = _message(request, pk)
    context = {
        "message": message,
        "can_manage": has_capability(request.user, "outbox.manage"),
        "can_retry": message.state in RETRYABLE_STATES,
        "can_cancel": message.state in CANCELLABLE_STATES,
    }
    return render(request, "outbox/message_detail.html", context)


@login_required
@require_POST
def message_action(request, pk: int, action: str):
    require_capability(request.user, "outbox.manage")
    message = _message(request, pk)
    try:
        if action == "retry":
            services.message_retry(actor=request.user, message_id=message.pk)
            messages.success(request, _("The message will be sent again."))
        else:
            services.message_cancel(actor=request.user, message_id=message.pk)
            messages.success(request, _("The message was withdrawn."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("outbox:detail", pk=message.pk)


@login_required
@require_GET
def template_list(request):
    require_capability(request.user, "outbox.manage")
    return render(request, "outbox/template_list.html", {"templates": MessageTemplate.objects.all()})


def _preview(form, request):
    data = form.cleaned_data
    customer = None
    if data.get("preview_customer"):
        customer = customer_in_scope(request.user, data["preview_customer"], fields=("id", "name", "code"))
        if customer is None:
            form.add_error("preview_customer", _("No customer with this number that you may see."))
            return None
    try:
        return services.template_preview(template_text=data["body"], subject_text=data.get("subject", ""),
                                         customer=customer)  # fmt: skip
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int | None = None):
    require_capability(request.user, "outbox.manage")
    template = get_object_or_404(MessageTemplate, pk=pk) if pk else None
    preview = None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            if "preview" in request.POST:
                preview = _preview(form, request)
            else:
                data = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS}
                try:
                    if template is None:
                        template = services.template_create(actor=request.user, data=data)
                    else:
                        services.template_update(actor=request.user, template=template, data=data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("The template was saved."))
                    return redirect("outbox:templates")
    else:
        initial = {name: getattr(template, name) for name in services.TEMPLATE_FIELDS} if template else None
        form = TemplateForm(initial=initial)
    context = {"form": form, "template": template, "preview": preview, "variables": VARIABLES.items()}
    return render(request, "outbox/template_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def template_delete(request, pk: int):
    require_capability(request.user, "outbox.manage")
    services.template_delete(actor=request.user, template=get_object_or_404(MessageTemplate, pk=pk))
    messages.success(request, _("The template was deleted."))
    return redirect("outbox:templates")


@login_required
@require_http_methods(["GET", "POST"])
def customer_optouts(request, customer_id: int):
    customer = get_customer_for_user(request.user, customer_id, capability="outbox.optout")
    form = OptOutForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.optout_record(actor=request.user, customer=customer, channel=form.cleaned_data["channel"],
                                       reason=form.cleaned_data["reason"])  # fmt: skip
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The opt-out was recorded."))
                return redirect("outbox:optouts", customer_id=customer.pk)
        status = 400
    context = {
        "customer": customer,
        "form": form,
        "optouts": selectors.customer_optouts(customer.pk),
        "recent": selectors.customer_messages(customer.pk, 20),
    }
    return render(request, "outbox/optouts.html", context, status=status)


@login_required
@require_POST
def optout_remove(request, customer_id: int, pk: int):
    customer = get_customer_for_user(request.user, customer_id, capability="outbox.optout")
    optout = get_object_or_404(OptOut, pk=pk, customer=customer)
    services.optout_remove(actor=request.user, optout=optout)
    messages.success(request, _("The opt-out was removed."))
    return redirect("outbox:optouts", customer_id=customer.pk)
