"""Registering a request and moving it through its workflow."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.core.errors import ConflictError, PermissionDeniedError, ServiceError
from kefu.core.phones import normalise_phone
from kefu.core.search import search_keys
from kefu.core.text import check_text
from kefu.customers.models import Customer
from kefu.org.permissions import has_capability

from .. import hooks, workflows
from ..choices import CALLBACK_EFFECTS, Channel, EventKind, Priority, StateKind, TicketType, TransitionEffect
from ..models import Attachment, RootCause, Ticket, TicketEvent, Workflow, WorkflowState, WorkflowTransition
from ..selectors import APPROVAL_CAPABILITY, proposed_by
from .closing import withdraw_waiting
from .common import lock, now, record
from .green_channel import green_channel_for

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Fields a transition may require and set in the same step.
STEP_FIELDS = {"invalid_reason", "resolution_plan", "resolution", "root_cause", "cause_class", "department"}


class IllegalTransitionError(ServiceError):
    status_code = 409


def workflow_for(ticket_type: str) -> Workflow:
    workflow = Workflow.objects.filter(ticket_type=ticket_type).first()
    if workflow is None:
        raise ServiceError(
            _("No workflow is configured for requests of type “%(type)s”; ask an administrator to install one.")
            % {"type": TicketType(ticket_type).label if ticket_type in TicketType.values else ticket_type}
        )
    return workflow


def _initial_state(ticket_type: str) -> WorkflowState:
    """The state a new request of this type starts in (with its workflow, from the cache)."""
    state = workflows.initial_state(ticket_type)
    if state is None:
        workflow = workflow_for(ticket_type)  # says which is missing: the workflow or its start
        raise ServiceError(_("The workflow “%(name)s” has no initial state.") % {"name": workflow.name})
    return state


def _clean_new_ticket(data: dict) -> dict:
    errors = {}
    clean = {
        "ticket_type": data.get("ticket_type") or "",
        "channel": data.get("channel") or "",
        "priority": data.get("priority") or Priority.NORMAL,
        "title": (data.get("title") or "").strip(),
        "description": (data.get("description") or "").strip(),
        "remedy_requested": (data.get("remedy_requested") or "").strip(),
        "caller_name": (data.get("caller_name") or "").strip(),
        "caller_phone": normalise_phone(data.get("caller_phone")),
    }
    if clean["ticket_type"] not in TicketType.values:
        errors["ticket_type"] = _("Choose the type of request.")
    if clean["channel"] not in Channel.values:
        errors["channel"] = _("Choose the channel the request came through.")
    if clean["priority"] not in Priority.values:
        errors["priority"] = _("Choose a valid priority.")
    if not clean["title"]:
        errors["title"] = _("The title is required.")
    if not clean["description"]:
        errors["description"] = _("Describe what the customer asks or reports.")
    for field in ("title", "caller_name", "description", "remedy_requested"):
        check_text(clean[field], field, errors, multiline=field in ("description", "remedy_requested"))
    if errors:
        raise ValidationError(errors)
    return clean


def ticket_create(
    *, actor, data: dict, customer=None, category=None, idempotency_key: str | None = None
) -> tuple[Ticket, bool]:
    """Register a request; the registering person becomes its owner (首问负责制).

    With an `idempotency_key`, a retried call returns the request made the first time
    instead of a second one: returns (ticket, created). Keys are the caller's own (unique per
    registering user). A retry is rare, so the key is not looked up first: the unique key
    refuses the second INSERT and the first request is read then (which also settles two
    retries racing each other).
    """
    clean = _clean_new_ticket(data)
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use; choose another.")})
    if customer is None and not (clean["caller_name"] or clean["caller_phone"]):
        raise ValidationError({"customer": _("Link a customer, or note the caller's name or phone.")})
    try:
        with transaction.atomic():
            return _create(actor, clean, customer, category, idempotency_key), True
    except IntegrityError:
        existing = _by_idempotency_key(actor, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing, False


def _by_idempotency_key(actor, key: str) -> Ticket | None:
    """The request this caller registered with this key: keys are unique per registering
    user, so another caller's key never reaches their request. Nor is a request returned
    that has since left the caller's data scope (transferred, customer changed)."""
    from ..selectors import tickets_visible_to

    mine = Ticket.objects.filter(created_by=actor, idempotency_key=key)
    if not mine.exists():
        return None
    existing = tickets_visible_to(actor).select_related("state", "customer").filter(pk__in=mine).first()
    if existing is None:
        raise ConflictError(
            _("This idempotency key was already used for a request you can no longer see; use a new key.")
        )
    return existing


def _create(actor, clean, customer, category, idempotency_key) -> Ticket:
    state = _initial_state(clean["ticket_type"])
    at = now()
    ticket = Ticket(
        **clean,
        search_grams=search_keys(clean["title"], clean["description"], clean["caller_name"]),
        state=state,
        customer=customer,
        category=category,
        owner=actor,
        created_by=actor,
        idempotency_key=idempotency_key or None,
        green_channel=green_channel_for(customer),
    )
    hooks.ticket_creating(ticket, at)
    ticket.save(force_insert=True)
    record(
        ticket,
        actor=actor,
        kind=EventKind.CREATED,
        to_state=state,
        body=ticket.title,
        audit_action=AuditAction.CREATED,
        audit_changes={"state": [None, state.code], "type": [None, ticket.ticket_type]},
    )
    hooks.ticket_created(ticket, at)
    return ticket


def _find_transition(ticket: Ticket, code: str) -> WorkflowTransition:
    transition = workflows.move_from(ticket.state_id, code)
    if transition is None:
        raise IllegalTransitionError(
            _("“%(action)s” is not possible while the request is “%(state)s”.")
            % {"action": code, "state": ticket.state.name}
        )
    return transition


def _root_cause(value) -> RootCause | None:
    """An active class of the admin's root-cause list, given as the row, its id or its name."""
    active = RootCause.objects.filter(is_active=True)
    if isinstance(value, RootCause):
        return active.filter(pk=value.pk).first()
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) < 18:  # "²" is a digit int() refuses
        return active.filter(pk=int(text)).first() or active.filter(name=text).first()
    return active.filter(name=text).first()


def _step_details(ticket: Ticket, changes: dict) -> dict:
    """What the step set, as the timeline shows it: a department or class by name, text as typed."""
    return {name: str(getattr(ticket, name)) for name in STEP_FIELDS if name in changes}


def _apply_step_fields(ticket: Ticket, transition: WorkflowTransition, fields: dict) -> dict:
    """Set the fields this step carries; refuse if a required one is missing."""
    changes, errors = {}, {}
    for name, value in fields.items():
        if name not in STEP_FIELDS:
            continue
        value = value.strip() if isinstance(value, str) else value
        if name == "cause_class" and value not in (None, ""):
            value = _root_cause(value)
            if value is None:
                errors[name] = _("Choose a cause classification from the list.")
                continue
        before = getattr(ticket, name)
        if value not in (None, "") and value != before:
            setattr(ticket, name, value)
            changes[name] = [getattr(before, "pk", before), getattr(value, "pk", value)]
    for name in transition.required_fields:
        if name not in errors and getattr(ticket, name) in (None, ""):
            errors[name] = _("This step needs “%(field)s”.") % {"field": Ticket._meta.get_field(name).verbose_name}
    if errors:
        raise ValidationError(errors)
    return changes


@transaction.atomic
def ticket_transition(
    *,
    actor,
    ticket: Ticket,
    code: str,
    fields: dict | None = None,
    note: str = "",
    expected_version: int | None = None,
    by_callback: bool = False,
) -> Ticket:
    """Move the request along its workflow, or refuse with a message saying why.

    1. Lock the row and check the version the user saw (if given).
    2. Find the transition from the current state and check the actor's capability.
    3. Apply the fields the step carries and check the required ones.
    4. Change state, stamp closure or reopening, save with a new version.
    5. Record the event and the audit entry, then tell the listeners (SLA clocks).
    """
    current = lock(ticket)
    if expected_version is not None and current.version != expected_version:
        from kefu.core.errors import ConflictError

        raise ConflictError()
    transition = _find_transition(current, code)
    if transition.effect in CALLBACK_EFFECTS and not by_callback:
        # The callback step is completed by recording the callback's result (kefu.callbacks).
        raise IllegalTransitionError(
            _("“%(action)s” is taken by recording the callback's result at the callback desk.")
            % {"action": transition.name},
            field=None,
        )
    # by_callback: a recorded callback result takes the step its rule names (kefu.callbacks),
    # so the rule an admin configured decides, not the calling agent's role.
    if not by_callback and not has_capability(actor, transition.capability):
        raise IllegalTransitionError(
            _("You are not allowed to “%(action)s”.") % {"action": transition.name}, field=None
        )
    if transition.capability == APPROVAL_CAPABILITY and proposed_by(current) == actor.pk:
        # Separation of duties: whoever proposed (e.g. the resolution plan) does not approve it.
        raise PermissionDeniedError(
            _("You cannot decide on what you proposed yourself; another approver must “%(action)s”.")
            % {"action": transition.name}
        )
    changes = _apply_step_fields(current, transition, fields or {})
    old_state, new_state = current.state, transition.target
    at = now()
    current.state = new_state
    if transition.effect == TransitionEffect.MARK_VALID:
        current.is_valid = True
    elif transition.effect == TransitionEffect.MARK_INVALID:
        current.is_valid = False
    if new_state.kind == StateKind.FINAL:
        current.closed_at = at
    elif old_state.kind == StateKind.FINAL:
        current.closed_at = None
        current.reopen_count += 1
    current.version += 1
    current.save()
    changes["state"] = [old_state.code, new_state.code]
    record(
        current,
        actor=actor,
        kind=EventKind.TRANSITION,
        from_state=old_state,
        to_state=new_state,
        body=note or transition.name,
        data={"transition": code, "fields": _step_details(current, changes)},
        audit_changes=changes,
    )
    if new_state.kind == StateKind.FINAL:
        withdraw_waiting(current, actor=actor)
    hooks.state_changed(current, old_state, new_state, at)
    return current


@transaction.atomic
def ticket_comment(*, actor, ticket: Ticket, body: str, internal: bool) -> TicketEvent:
    """A reply to the customer, or an internal note the customer never sees: its timeline event."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("The message is empty.")})
    event = record(
        ticket, actor=actor, kind=EventKind.INTERNAL_NOTE if internal else EventKind.REPLY, body=body, internal=internal
    )
    if not internal:
        hooks.replied(ticket, now())  # answering the customer is a first response (SLA clock)
    return event


@transaction.atomic
def ticket_attach(*, actor, ticket: Ticket, uploaded_file, internal: bool = False) -> Attachment:
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    attachment = Attachment.objects.create(
        ticket=ticket,
        file=uploaded_file,
        name=uploaded_file.name[:200],
        size=uploaded_file.size,
        is_internal=internal,
        uploaded_by=actor,
    )
    record(ticket, actor=actor, kind=EventKind.ATTACHMENT, body=attachment.name, internal=internal)
    return attachment


@transaction.atomic
def ticket_link_customer(*, actor, ticket: Ticket, customer) -> Ticket:
    """Attach an unidentified caller's request to the customer once they are known."""
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("This customer was not found.")})
    current = lock(ticket)
    before = current.customer_id
    current.customer = customer
    current.green_channel = green_channel_for(customer)  # the customer's tier decides, as at registration
    current.version += 1
    current.save(update_fields=["customer", "green_channel", "version", "updated_at"])
    record(
        current,
        actor=actor,
        kind=EventKind.CUSTOMER_LINKED,
        body=customer.name,
        audit_changes={"customer": [before, customer.pk]},
    )
    hooks.customer_linked(current)
    return current
