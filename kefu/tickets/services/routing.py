"""Who handles a request: assignment by hand or by rule, and formal transfers (转办)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from kefu.inbox.services import notify
from kefu.org.choices import DEPARTMENT_DESK_ROLES, Role
from kefu.org.models import User

from .. import hooks
from ..choices import AssignmentRule, EventKind, TransferStatus
from ..models import AssignmentCursor, Transfer
from ..selectors import assignable_staff
from .common import lock, now, record


def _department_staff(department):
    return assignable_staff(department).order_by("id")


def _check_assignee(assignee: User, department) -> None:
    """A request goes only to someone who handles requests, in the department it goes to."""
    if assignable_staff(department).filter(pk=assignee.pk).exists():
        return
    if department is None or not assignable_staff().filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("%(name)s does not handle requests.") % {"name": assignee}})
    raise ValidationError(
        {"assignee": _("%(name)s does not work in %(department)s.") % {"name": assignee, "department": department}}
    )


def _pick_round_robin(department) -> User | None:
    staff = list(_department_staff(department))
    if not staff:
        return None
    cursor, _created = AssignmentCursor.objects.select_for_update().get_or_create(department=department)
    later = [u for u in staff if cursor.last_user_id is None or u.pk > cursor.last_user_id]
    chosen = later[0] if later else staff[0]
    cursor.last_user = chosen
    cursor.save(update_fields=["last_user"])
    return chosen


def _pick_least_loaded(department) -> User | None:
    return (
        _department_staff(department)
        .annotate(open_load=Count("assigned_tickets", filter=Q(assigned_tickets__closed_at__isnull=True)))
        .order_by("open_load", "id")
        .first()
    )


@transaction.atomic
def ticket_assign(*, actor, ticket, assignee: User | None = None, department=None):
    """Give the request to a handler: the one named, or one chosen by the workflow's rule."""
    current = lock(ticket)
    department = department or current.department
    if assignee is None:
        if department is None:
            raise ValidationError({"department": _("Choose a department or a handler.")})
        rule = current.state.workflow.assignment_rule
        picker = {AssignmentRule.ROUND_ROBIN: _pick_round_robin, AssignmentRule.LEAST_LOADED: _pick_least_loaded}
        assignee = picker.get(rule, _pick_least_loaded)(department)
        if assignee is None:
            raise ValidationError({"department": _("Nobody in this department can take requests.")})
    else:
        _check_assignee(assignee, department)
    before = [current.assignee_id, current.department_id]
    current.assignee = assignee
    current.department = department
    current.version += 1
    current.save(update_fields=["assignee", "department", "version", "updated_at"])
    hooks.responsibility_changed(current)
    record(
        current,
        actor=actor,
        kind=EventKind.ASSIGNED,
        body=str(assignee),
        audit_changes={"assignee": [before[0], assignee.pk], "department": [before[1], current.department_id]},
    )
    notify(
        recipients=[assignee],
        kind="assigned",
        text=_("Request %(number)s was assigned to you: %(title)s")
        % {"number": current.number, "title": current.title},
        dedupe_key=f"assigned:{current.pk}:{current.version}",
        ticket=current,
    )
    return current


@transaction.atomic
def ticket_transfer_request(*, actor, ticket, to_department, reason: str) -> Transfer:
    """Ask another department to take the request over, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request is transferred.")})
    current = lock(ticket)
    if current.closed_at:
        raise ValidationError(_("A closed request cannot be transferred."))
    if current.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this request is already waiting for an answer."))
    if current.department_id == to_department.pk:
        raise ValidationError({"to_department": _("The request is already with this department.")})
    transfer = Transfer.objects.create(
        ticket=current,
        from_department=current.department,
        to_department=to_department,
        reason=reason,
        requested_by=actor,
    )
    record(current, actor=actor, kind=EventKind.TRANSFER_REQUESTED, body=f"{to_department.name}: {reason}")
    notify(
        recipients=_department_staff(to_department).filter(role__in=DEPARTMENT_DESK_ROLES),
        kind="transfer",
        text=_("Request %(number)s is transferred to your department: %(reason)s")
        % {"number": current.number, "reason": reason},
        dedupe_key=f"transfer:{transfer.pk}",
        ticket=current,
    )
    return transfer


def may_answer_transfer(actor, transfer: Transfer) -> bool:
    """Members of the receiving department answer, and so do supervisors above it (and admins).

    The request page asks this too, so it offers the answer to exactly those the service accepts.
    """
    department = transfer.to_department
    if actor.role == Role.ADMIN:
        return True
    if not actor.org_unit_id:
        return False
    unit_path, target_path = actor.org_unit.path, department.path
    return unit_path.startswith(target_path) or (actor.role == Role.SUPERVISOR and target_path.startswith(unit_path))


@transaction.atomic
def ticket_transfer_decide(*, actor, transfer: Transfer, accept: bool, note: str = "") -> Transfer:
    """The receiving department accepts (and becomes responsible) or returns the request."""
    if not may_answer_transfer(actor, transfer):
        raise ValidationError(_("Only the receiving department can answer this transfer."))
    if not accept and not (note or "").strip():
        raise ValidationError({"note": _("Say why the request is returned.")})
    claimed = Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.PENDING).update(
        status=TransferStatus.ACCEPTED if accept else TransferStatus.RETURNED,
        decided_by=actor,
        decided_at=now(),
        decision_note=note,
    )
    if not claimed:
        raise ValidationError(_("This transfer was already answered."))
    transfer.refresh_from_db()
    current = lock(transfer.ticket)
    if accept:
        before = [current.department_id, current.owner_id]
        current.department = transfer.to_department
        current.owner = actor  # ownership moves only through an accepted transfer
        current.assignee = None
        current.version += 1
        current.save(update_fields=["department", "owner", "assignee", "version", "updated_at"])
        hooks.responsibility_changed(current)
        record(
            current,
            actor=actor,
            kind=EventKind.TRANSFER_ACCEPTED,
            body=note,
            audit_changes={"department": [before[0], current.department_id], "owner": [before[1], actor.pk]},
        )
        notify(
            recipients=[transfer.requested_by],
            kind="transfer_accepted",
            text=_("Request %(number)s was taken over by %(department)s.")
            % {"number": current.number, "department": transfer.to_department.name},
            dedupe_key=f"transfer_accepted:{transfer.pk}",
            ticket=current,
        )
    else:
        record(current, actor=actor, kind=EventKind.TRANSFER_RETURNED, body=note)
        notify(
            recipients=[transfer.requested_by],
            kind="transfer_returned",
            text=_("Request %(number)s was returned: %(note)s") % {"number": current.number, "note": note},
            dedupe_key=f"transfer_returned:{transfer.pk}",
            ticket=current,
        )
    return transfer
