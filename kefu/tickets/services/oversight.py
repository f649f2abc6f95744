"""Supervision (督办), reminders (催办), merging duplicates and deadline extensions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDeniedError
from kefu.inbox.services import notify

from .. import hooks
from ..choices import EventKind, ExtensionStatus, StateKind
from ..models import ExtensionRequest, Ticket
from .closing import withdraw_waiting
from .common import lock, now, record


def _responsible(ticket):
    return [ticket.owner, ticket.assignee]


@transaction.atomic
def ticket_supervise(*, actor, ticket, note: str = ""):
    """Flag the request as supervised: listed for supervisors, and its people are told."""
    return _set_supervised(actor, ticket, True, note)


@transaction.atomic
def ticket_supervision_lift(*, actor, ticket, note: str = ""):
    """End the supervision (督办): the request leaves the supervised queue; its people are told."""
    return _set_supervised(actor, ticket, False, note)


def _set_supervised(actor, ticket, supervised: bool, note: str):
    """Supervising and lifting differ only in the flag's direction, the event and the words."""
    current = lock(ticket)
    if current.supervised == supervised:
        raise ValidationError(
            _("This request is already supervised.") if supervised else _("This request is not under supervision.")
        )
    current.supervised = supervised
    current.version += 1
    current.save(update_fields=["supervised", "version", "updated_at"])
    kind = EventKind.SUPERVISED if supervised else EventKind.SUPERVISION_LIFTED
    record(current, actor=actor, kind=kind, body=note, audit_changes={"supervised": [not supervised, supervised]})
    if supervised:
        text = _("Request %(number)s is under supervision by %(name)s. %(note)s")
    else:
        text = _("Supervision of request %(number)s was lifted by %(name)s. %(note)s")
    notice = "supervised" if supervised else "supervision_lifted"
    notify(
        recipients=_responsible(current),
        kind=notice,
        text=text % {"number": current.number, "name": actor, "note": note},
        dedupe_key=f"{notice}:{current.pk}:{current.version}",
        ticket=current,
    )
    return current


@transaction.atomic
def ticket_remind(*, actor, ticket, note: str = "", dedupe_key: str | None = None):
    """Send a reminder (催办) to the people responsible; the sweep uses a key per deadline."""
    sent = notify(
        recipients=_responsible(ticket),
        kind="reminder",
        text=_("Reminder: request %(number)s is overdue. %(note)s") % {"number": ticket.number, "note": note},
        dedupe_key=dedupe_key or f"remind:{ticket.pk}:{now():%Y%m%d%H%M%S%f}",
        ticket=ticket,
    )
    if sent:
        record(ticket, actor=actor, kind=EventKind.REMINDED, body=note, internal=True)
    return sent


@transaction.atomic
def ticket_merge(*, actor, ticket, into):
    """Close a duplicate by merging it into the request that goes on."""
    if ticket.pk == into.pk:
        raise ValidationError(_("A request cannot be merged into itself."))
    if not Ticket.objects.visible_to(actor).filter(pk=into.pk).exists():
        raise ValidationError({"into": _("No request with this number was found.")})
    current = lock(ticket)
    target = lock(into)
    if current.closed_at or target.closed_at or target.merged_into_id:
        raise ValidationError(_("Only open requests can be merged."))
    final = current.state.workflow.states.filter(kind=StateKind.FINAL).order_by("position").first()
    old_state = current.state
    current.merged_into = target
    current.state = final
    current.closed_at = now()
    current.version += 1
    current.save()
    record(
        current,
        actor=actor,
        kind=EventKind.MERGED,
        from_state=old_state,
        to_state=final,
        body=target.number,
        audit_changes={"merged_into": [None, target.pk], "state": [old_state.code, final.code]},
    )
    record(
        target,
        actor=actor,
        kind=EventKind.MERGED,
        body=_("Duplicate %(number)s merged here") % {"number": current.number},
    )
    withdraw_waiting(current, actor=actor)
    hooks.state_changed(current, old_state, final, current.closed_at)
    return current


@transaction.atomic
def ticket_extension_request(*, actor, ticket, new_due_at, reason: str) -> ExtensionRequest:
    """Ask for more time. Only before the deadline: a missed deadline is not extended afterwards."""
    current = lock(ticket)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Say why more time is needed.")
    if current.due_at is None or current.due_at <= now():
        errors["new_due_at"] = _("An extension must be requested before the deadline.")
    elif new_due_at <= current.due_at:
        errors["new_due_at"] = _("The new deadline must be later than the current one.")
    if current.extensions.filter(status=ExtensionStatus.PENDING).exists():
        errors["reason"] = _("An extension request is already waiting for approval.")
    if errors:
        raise ValidationError(errors)
    extension = ExtensionRequest.objects.create(
        ticket=current, requested_by=actor, new_due_at=new_due_at, reason=reason
    )
    record(current, actor=actor, kind=EventKind.EXTENSION_REQUESTED, body=reason, internal=True,
           data={"new_due_at": new_due_at.isoformat()})  # fmt: skip
    return extension


@transaction.atomic
def ticket_extension_decide(*, actor, extension: ExtensionRequest, approve: bool) -> ExtensionRequest:
    if extension.requested_by_id == actor.pk:
        # Separation of duties: nobody grants themselves more time.
        raise PermissionDeniedError(_("You cannot decide on your own extension request; another approver must."))
    claimed = ExtensionRequest.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED, decided_by=actor, decided_at=now()
    )
    if not claimed:
        raise ValidationError(_("This extension request was already decided."))
    extension.refresh_from_db()
    current = lock(extension.ticket)
    changes = {}
    if approve:
        changes["due_at"] = [current.due_at.isoformat() if current.due_at else None, extension.new_due_at.isoformat()]
        current.due_at = extension.new_due_at
        current.version += 1
        current.save(update_fields=["due_at", "version", "updated_at"])
        hooks.deadline_extended(current, extension.new_due_at)
    record(
        current,
        actor=actor,
        kind=EventKind.EXTENSION_DECIDED,
        body=_("approved") if approve else _("rejected"),
        internal=True,
        data={"new_due_at": extension.new_due_at.isoformat()} if approve else {},
        audit_changes=changes,
    )
    if approve:
        text = _("Extension of request %(number)s approved: new deadline %(due)s.") % {
            "number": current.number,
            "due": f"{timezone.localtime(extension.new_due_at):%Y-%m-%d %H:%M}",
        }
    else:
        text = _("Extension of request %(number)s rejected: the deadline stays.") % {"number": current.number}
    notify(
        recipients=[extension.requested_by], kind="extension_decided", text=text,
        dedupe_key=f"extension_decided:{extension.pk}", ticket=current,
    )  # fmt: skip
    return extension
