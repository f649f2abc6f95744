"""Writes of the key accounts: each service checks who may, what the change points at, writes and
audits in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accountmanagers.assignment import level_rank
from kefu.accountmanagers.selectors import manager_level
from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record, diff, snapshot
from kefu.core.dates import parse_date
from kefu.core.errors import ConflictError
from kefu.core.text import check_text
from kefu.customers.models import Customer
from kefu.org.choices import ManagerLevel, Role
from kefu.org.models import User
from kefu.org.permissions import require_capability

from . import selectors
from .choices import LEVEL_NEEDED, ROLE_NEEDS, ItemKind, PlanStatus, TeamRole
from .models import Agreement, KeyAccount, PlanItem, ServicePlan, TeamMember

MAX_AGREEMENT_BYTES = 20 * 1024 * 1024
AGREEMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".ofd")


def _level_error(user, required: str, place: str) -> str | None:
    """Why `user` may not take `place` needing `required` level, or None (a user with no profile is regular)."""
    if user is None:
        return _("Key accounts need an account manager: give the customer one first.")
    level = manager_level(user)
    if level_rank(level) >= level_rank(required):
        return None
    return _("%(place)s needs a %(required)s or above; %(user)s is a %(level)s.") % {
        "place": place,
        "required": ManagerLevel(required).label,
        "user": str(user),
        "level": ManagerLevel(level).label,
    }


def _clean_level(raw) -> str:
    if raw in (None, ""):
        return ManagerLevel.SECONDARY
    if raw not in ManagerLevel.values:
        raise ValidationError({"required_level": _("Choose one of the account-manager levels.")})
    return raw


@transaction.atomic
def key_account_create(*, actor, customer: Customer, required_level: str = "", note: str = "") -> KeyAccount:
    """Make a customer (usually a group's head organisation) a key account. Its manager must
    hold the required level (seed 003 篇6: intermediate or senior)."""
    require_capability(actor, "keyaccounts.manage")
    errors: dict = {}
    check_text(note, "note", errors, multiline=True)
    level = _clean_level(required_level)
    current = Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if current is None or not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("Choose a customer you may see.")})
    if KeyAccount.objects.filter(customer=current).exists():
        raise ValidationError({"customer": _("This customer is already a key account.")})
    manager = User.objects.filter(pk=current.account_manager_id).first()
    message = _level_error(manager, level, _("Owning a key account"))
    if message:
        errors["customer"] = message
    if errors:
        raise ValidationError(errors)
    account = KeyAccount.objects.create(customer=current, required_level=level, note=note, created_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=account,
        customer_id=current.pk,
        changes={"required_level": [None, level]},
        summary=_("Key account"),
    )
    return account


@transaction.atomic
def key_account_update(*, actor, account: KeyAccount, expected_version: int, data: dict) -> KeyAccount:
    """Change a key account's required level, note or active flag (a stale version is refused)."""
    require_capability(actor, "keyaccounts.manage")
    current = KeyAccount.objects.select_for_update().select_related("customer").get(pk=account.pk)
    if current.version != expected_version:
        raise ConflictError()
    errors: dict = {}
    before = snapshot(current, ["required_level", "note", "active"])
    if "required_level" in data:
        current.required_level = _clean_level(data["required_level"])
        manager = User.objects.filter(pk=current.customer.account_manager_id).first()
        message = _level_error(manager, current.required_level, _("Owning a key account"))
        if message:
            errors["required_level"] = message
    if "note" in data:
        current.note = data["note"] or ""
        check_text(current.note, "note", errors, multiline=True)
    if "active" in data:
        current.active = bool(data["active"])
    if errors:
        raise ValidationError(errors)
    changes = diff(before, snapshot(current, ["required_level", "note", "active"]))
    if changes:
        current.version += 1
        current.save()
        audit_record(
            actor=actor, action=AuditAction.UPDATED, target=current, customer_id=current.customer_id, changes=changes
        )
    return current


@transaction.atomic
def team_member_add(*, actor, account: KeyAccount, user, role: str) -> TeamMember:
    """Put a staff member on the team in a role: deputies are account managers of at least the
    secondary level (they stand in for the manager), the engineer a handling-department user or
    supervisor, the phone agent an agent; one phone agent per account."""
    require_capability(actor, "keyaccounts.manage")
    account = KeyAccount.objects.select_for_update().get(pk=account.pk)  # one change of a team at a time
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Choose one of the team roles.")})
    if user is None or not user.is_active:
        raise ValidationError({"user": _("Choose an active staff member.")})
    label = TeamRole(role).label
    if user.role not in ROLE_NEEDS[role]:
        raise ValidationError(
            {"user": _("%(user)s cannot be %(place)s: it needs a %(roles)s.") % {
                "user": str(user), "place": label,
                "roles": " / ".join(str(Role(r).label) for r in sorted(ROLE_NEEDS[role])),
            }}
        )  # fmt: skip
    if role in LEVEL_NEEDED:
        message = _level_error(user, max(LEVEL_NEEDED[role], account.required_level, key=level_rank), label)
        if message:
            raise ValidationError({"user": message})
    if TeamMember.objects.filter(account=account, user=user, role=role).exists():
        raise ValidationError({"user": _("%(user)s is already on this team in that role.") % {"user": str(user)}})
    if role == TeamRole.PHONE_AGENT and account.team.filter(role=TeamRole.PHONE_AGENT).exists():
        raise ValidationError(
            {"role": _("This key account already has a dedicated phone agent; remove that one first.")}
        )
    member = TeamMember.objects.create(account=account, user=user, role=role)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target_type="keyaccounts.teammember",
        target_id=member.pk,
        target_repr=f"{account.customer} · {label} · {user}",
        customer_id=account.customer_id,
        changes={"role": [None, role], "user": [None, user.pk]},
    )
    return member


@transaction.atomic
def team_member_remove(*, actor, member: TeamMember) -> None:
    require_capability(actor, "keyaccounts.manage")
    account = KeyAccount.objects.select_for_update().get(pk=member.account_id)
    removed = TeamMember.objects.filter(pk=member.pk).delete()[0]
    if not removed:
        raise ConflictError(_("This team member was already removed."))
    audit_record(
        actor=actor,
        action=AuditAction.DELETED,
        target_type="keyaccounts.teammember",
        target_id=member.pk,
        target_repr=f"{account.customer} · {TeamRole(member.role).label} · {member.user}",
        customer_id=account.customer_id,
        changes={"role": [member.role, None], "user": [member.user_id, None]},
    )


def _clean_dates(data: dict, errors: dict, *names: str) -> dict:
    days = {}
    for name in names:
        raw = data.get(name)
        try:
            days[name] = parse_date(raw) if raw not in (None, "") else None
        except (ValueError, OverflowError):
            days[name] = None
            errors[name] = _("Enter a date such as 2026-03-31.")
    return days


def _required_text(data: dict, name: str, errors: dict, limit: int, *, multiline: bool = False) -> str:
    value = (data.get(name) or "").strip()
    if not value and not multiline:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    else:
        check_text(value, name, errors, multiline=multiline)
    return value


@transaction.atomic
def plan_create(*, actor, account: KeyAccount, data: dict) -> ServicePlan:
    """A service plan for a period: title, goals, from and until."""
    require_capability(actor, "keyaccounts.plan")
    errors: dict = {}
    title = _required_text(data, "title", errors, 100)
    goals = (data.get("goals") or "").strip()
    check_text(goals, "goals", errors, multiline=True)
    days = _clean_dates(data, errors, "starts_on", "ends_on")
    for name in ("starts_on", "ends_on"):
        if name not in errors and days[name] is None:
            errors[name] = _("This field is required.")
    if not errors and days["ends_on"] < days["starts_on"]:
        errors["ends_on"] = _("The plan cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    plan = ServicePlan.objects.create(
        account=account,
        title=title,
        goals=goals,
        starts_on=days["starts_on"],
        ends_on=days["ends_on"],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=plan,
        customer_id=account.customer_id,
        changes={
            "title": [None, title],
            "starts_on": [None, str(plan.starts_on)],
            "ends_on": [None, str(plan.ends_on)],
        },
    )
    return plan


@transaction.atomic
def plan_close(*, actor, plan: ServicePlan) -> ServicePlan:
    require_capability(actor, "keyaccounts.plan")
    if not ServicePlan.objects.filter(pk=plan.pk, status=PlanStatus.ACTIVE).update(status=PlanStatus.CLOSED):
        raise ConflictError(_("This plan is already closed."))
    plan.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=plan,
        customer_id=plan.account.customer_id,
        changes={"status": [PlanStatus.ACTIVE, PlanStatus.CLOSED]},
    )
    return plan


@transaction.atomic
def plan_item_add(*, actor, plan: ServicePlan, data: dict) -> PlanItem:
    """One promised goal, contact, visit or head-office report, due by a date within the plan."""
    require_capability(actor, "keyaccounts.plan")
    if plan.status != PlanStatus.ACTIVE:
        raise ConflictError(_("This plan is closed."))
    errors: dict = {}
    kind = data.get("kind") or ""
    if kind not in ItemKind.values:
        errors["kind"] = _("Choose what the item is: goal, contact, visit or report.")
    title = _required_text(data, "title", errors, 200)
    due_on = _clean_dates(data, errors, "due_on")["due_on"]
    if "due_on" not in errors:
        if due_on is None:
            errors["due_on"] = _("This field is required.")
        elif not plan.starts_on <= due_on <= plan.ends_on:
            errors["due_on"] = _("The date must lie within the plan (%(start)s – %(end)s).") % {
                "start": plan.starts_on,
                "end": plan.ends_on,
            }
    if errors:
        raise ValidationError(errors)
    item = PlanItem.objects.create(plan=plan, kind=kind, title=title, due_on=due_on)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=item,
        customer_id=plan.account.customer_id,
        changes={"kind": [None, kind], "title": [None, title], "due_on": [None, str(due_on)]},
    )
    return item


@transaction.atomic
def plan_item_complete(*, actor, item: PlanItem, outcome: str = "", done_on=None) -> PlanItem:
    """Mark an item done (once: a second click answers that it is already done)."""
    require_capability(actor, "keyaccounts.plan")
    errors: dict = {}
    outcome = (outcome or "").strip()
    check_text(outcome, "outcome", errors, multiline=True)
    day = _clean_dates({"done_on": done_on}, errors, "done_on")["done_on"] or timezone.localdate()
    if errors:
        raise ValidationError(errors)
    updated = PlanItem.objects.filter(pk=item.pk, done_on__isnull=True).update(
        done_on=day, done_by=actor, outcome=outcome
    )
    if not updated:
        raise ConflictError(_("This item is already done."))
    item.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=item,
        customer_id=item.plan.account.customer_id,
        changes={"done_on": [None, str(day)]},
    )
    return item


@transaction.atomic
def agreement_add(*, actor, account: KeyAccount, data: dict, uploaded_file=None) -> Agreement:
    """Keep a group agreement with the account; only someone who may read its business file may."""
    require_capability(actor, "keyaccounts.plan")
    selectors.require_business_file(actor, account.customer)
    errors: dict = {}
    title = _required_text(data, "title", errors, 200)
    number = (data.get("number") or "").strip()
    if len(number) > 60:
        errors["number"] = _("At most %(n)d characters.") % {"n": 60}
    check_text(number, "number", errors)
    days = _clean_dates(data, errors, "signed_on", "valid_until")
    if days["signed_on"] and days["valid_until"] and days["valid_until"] < days["signed_on"]:
        errors["valid_until"] = _("An agreement cannot end before it is signed.")
    if uploaded_file is not None:
        if uploaded_file.size > MAX_AGREEMENT_BYTES:
            errors["file"] = _("The file is larger than 20 MB.")
        elif not uploaded_file.name.lower().endswith(AGREEMENT_EXTENSIONS):
            errors["file"] = _("Upload a PDF, OFD, Word document or picture of the signed agreement.")
    if errors:
        raise ValidationError(errors)
    agreement = Agreement(
        account=account,
        title=title,
        number=number,
        signed_on=days["signed_on"],
        valid_until=days["valid_until"],
        uploaded_by=actor,
    )
    if uploaded_file is not None:
        agreement.original_name = uploaded_file.name[:200]
        agreement.file = uploaded_file
    agreement.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=agreement,
        customer_id=account.customer_id,
        changes={"title": [None, title], "number": [None, number], "file": [None, agreement.original_name]},
    )
    return agreement


def check_new_managers(moves) -> None:
    """customers.hooks.on_managers_changed: refuse (the whole change rolls back) a new manager
    for a key account who lacks its required level, naming `account_manager`."""
    after = {pk: manager for pk, _before, manager in moves}
    accounts = KeyAccount.objects.filter(active=True, customer_id__in=list(after)).select_related("customer")
    for account in accounts:
        manager = User.objects.filter(pk=after[account.customer_id]).first()
        if manager is None:
            continue  # a key account left without a manager is found by the books, not refused here
        message = _level_error(manager, account.required_level, _("Owning a key account"))
        if message:
            raise ValidationError({"account_manager": f"{account.customer}: {message}"})
