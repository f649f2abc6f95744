"""The actions of the request page. Each one: fetch within scope and capability, parse the
small form, call one service, then reload the request page or show the form with its errors.

The actions of the "More actions" panel also answer GET with their empty form: the request
page loads a form only when its panel is opened (a handler select of every member of staff
and two department trees made an open request's page five times heavier)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.core.errors import ServiceError
from kefu.core.forms import apply_errors
from kefu.core.htmx import render_page_or_partial

from .. import forms, selectors, services, workflows
from ..choices import ExtensionStatus, TransferStatus
from .common import back_to_ticket

ACTION_PAGE = "tickets/action_page.html"
ACTION_PARTIAL = "tickets/partials/action_form.html"


def _run(request, ticket, form, perform, success):
    """Call `perform(cleaned_data)` when the form is valid; errors go back onto the form.

    IllegalTransitionError and ConflictError carry a message for the user; ValidationError
    names fields. Nothing is saved when any of them is raised (the services are atomic).
    """
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return back_to_ticket(request, ticket, success() if callable(success) else success)
    return render_page_or_partial(request, ACTION_PAGE, ACTION_PARTIAL, {"ticket": ticket, "form": form})


def _simple_action(request, pk, *, capability, form_class, perform, success):
    ticket = selectors.get_ticket_for_user(request.user, pk, capability=capability)
    submitted = (request.POST, request.FILES) if request.method == "POST" else ()
    form = form_class(*submitted, ticket=ticket, user=request.user)
    return _run(request, ticket, form, lambda data: perform(ticket, data), success)


@login_required
@require_http_methods(["GET", "POST"])
def transition(request, pk, code):
    """GET: the step's small form (htmx fills the action panel); POST: take the step."""
    ticket = selectors.get_ticket_for_user(request.user, pk, capability="tickets.handle")
    step = workflows.move_from(ticket.state_id, code)
    data = request.POST if request.method == "POST" else None
    form = forms.StepForm(data, ticket=ticket, user=request.user, transition=step, code=code)
    if step is None:
        form.notice = _("“%(action)s” is not possible while the request is “%(state)s”.") % {
            "action": code,
            "state": ticket.state.name,
        }

    def perform(cleaned):
        services.ticket_transition(
            actor=request.user,
            ticket=ticket,
            code=code,
            fields=form.step_values(),
            note=cleaned["note"],
            expected_version=cleaned["version"],
        )

    return _run(request, ticket, form, perform, lambda: _("Done: %(step)s.") % {"step": form.title})


@login_required
@require_POST
def comment(request, pk):
    def perform(ticket, data):
        internal = data["decision"] == "internal_note"
        services.ticket_comment(actor=request.user, ticket=ticket, body=data["body"], internal=internal)

    return _simple_action(
        request, pk, capability="tickets.comment", form_class=forms.CommentForm, perform=perform,
        success=_("Your message was added."),
    )  # fmt: skip


@login_required
@require_POST
def attach(request, pk):
    def perform(ticket, data):
        services.ticket_attach(actor=request.user, ticket=ticket, uploaded_file=data["file"], internal=data["internal"])

    return _simple_action(
        request, pk, capability="tickets.comment", form_class=forms.AttachmentForm, perform=perform,
        success=_("The file was attached."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def assign(request, pk):
    def perform(ticket, data):
        services.ticket_assign(
            actor=request.user, ticket=ticket, assignee=data["assignee"], department=data["department"]
        )

    return _simple_action(
        request, pk, capability="tickets.assign", form_class=forms.AssignForm, perform=perform,
        success=_("The request was assigned."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request, pk):
    def perform(ticket, data):
        services.ticket_transfer_request(
            actor=request.user, ticket=ticket, to_department=data["to_department"], reason=data["reason"]
        )

    return _simple_action(
        request, pk, capability="tickets.handle", form_class=forms.TransferForm, perform=perform,
        success=_("The transfer was requested; the receiving department is told."),
    )  # fmt: skip


@login_required
@require_POST
def transfer_decide(request, pk):
    def perform(ticket, data):
        pending = ticket.transfers.filter(status=TransferStatus.PENDING).select_related("to_department").first()
        if pending is None:
            raise ValidationError(_("No transfer of this request is waiting for an answer."))
        services.ticket_transfer_decide(
            actor=request.user, transfer=pending, accept=data["decision"] == "accept", note=data["note"]
        )

    return _simple_action(
        request, pk, capability="tickets.handle", form_class=forms.TransferDecisionForm, perform=perform,
        success=_("The transfer was answered."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def supervise(request, pk):
    return _simple_action(
        request, pk, capability="tickets.supervise", form_class=forms.SuperviseForm,
        perform=lambda ticket, data: services.ticket_supervise(actor=request.user, ticket=ticket, note=data["note"]),
        success=_("The request is now supervised."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def supervision_lift(request, pk):
    return _simple_action(
        request, pk, capability="tickets.supervise", form_class=forms.LiftSupervisionForm,
        perform=lambda ticket, data: services.ticket_supervision_lift(
            actor=request.user, ticket=ticket, note=data["note"]
        ),
        success=_("The supervision was lifted."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def remind(request, pk):
    def perform(ticket, data):
        if not services.ticket_remind(actor=request.user, ticket=ticket, note=data["note"]):
            raise ValidationError(_("Nobody was reminded: the request has no owner or handler to tell."))

    return _simple_action(
        request, pk, capability="tickets.supervise", form_class=forms.RemindForm, perform=perform,
        success=_("The reminder was sent to the owner and the handler."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def merge(request, pk):
    return _simple_action(
        request, pk, capability="tickets.merge", form_class=forms.MergeForm,
        perform=lambda ticket, data: services.ticket_merge(actor=request.user, ticket=ticket, into=data["number"]),
        success=_("The request was merged and closed."),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def extension_request(request, pk):
    def perform(ticket, data):
        services.ticket_extension_request(
            actor=request.user, ticket=ticket, new_due_at=data["new_due_at"], reason=data["reason"]
        )

    return _simple_action(
        request, pk, capability="tickets.handle", form_class=forms.ExtensionForm, perform=perform,
        success=_("The extension was requested."),
    )  # fmt: skip


@login_required
@require_POST
def extension_decide(request, pk):
    def perform(ticket, data):
        pending = ticket.extensions.filter(status=ExtensionStatus.PENDING).first()
        if pending is None:
            raise ValidationError(_("No extension request is waiting for a decision."))
        services.ticket_extension_decide(actor=request.user, extension=pending, approve=data["decision"] == "approve")

    return _simple_action(
        request, pk, capability="tickets.approve", form_class=forms.ExtensionDecisionForm, perform=perform,
        success=_("The extension request was decided."),
    )  # fmt: skip


@login_required
@require_POST
def link_customer(request, pk):
    return _simple_action(
        request, pk, capability="tickets.handle", form_class=forms.LinkCustomerForm,
        perform=lambda ticket, data: services.ticket_link_customer(
            actor=request.user, ticket=ticket, customer=data["customer"]
        ),
        success=_("The request is now linked to the customer."),
    )  # fmt: skip
