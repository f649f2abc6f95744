"""Writes to the customer archive. Each service audits its change in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.audit.services import audit_entry, audit_record, audit_records, diff, snapshot
from kefu.core.errors import ConflictError, ServiceError
from kefu.org.choices import Role
from kefu.org.selectors import account_managers_visible_to

from . import hooks
from .choices import CustomerStatus
from .models import Customer, CustomerNote, KeyPerson, Tag
from .validation import clean_customer_data, clean_key_person_data, phone_is_valid_for_quality

CUSTOMER_FIELDS = [
    "kind", "code", "name", "status", "mobile", "phone", "email", "id_number", "org_code",
    "address", "region", "grid", "industry", "source_channel", "tier", "credit_rating",
    "contract_no", "competitor_info", "birthday", "notes",
]  # fmt: skip
RELATION_FIELDS = ["account_manager", "org_unit", "parent"]
AUDITED_FIELDS = CUSTOMER_FIELDS + [f"{name}_id" for name in RELATION_FIELDS]
KEY_PERSON_FIELDS = ["name", "title", "mobile", "phone", "email", "birthday", "preferences", "taboos", "is_primary"]


def _duplicate_message(existing: Customer, actor, *, field_label: str) -> str:
    """Name the existing customer only to someone allowed to see it (no leaks across scopes)."""
    from .selectors import customers_visible_to

    if actor is not None and customers_visible_to(actor).filter(pk=existing.pk).exists():
        return _("This %(field)s already belongs to customer “%(name)s”.") % {
            "field": field_label,
            "name": existing.name,
        }
    return _("This %(field)s is already in the customer archive.") % {"field": field_label}


def _check_duplicates(clean: dict, *, actor=None, exclude_id: int | None = None) -> None:
    """Same mobile or same organisation code means the customer is probably already here."""
    errors = {}
    others = Customer.objects.exclude(pk=exclude_id) if exclude_id else Customer.objects.all()
    if clean.get("mobile"):
        existing = others.filter(mobile=clean["mobile"]).only("name").first()
        if existing:
            errors["mobile"] = _duplicate_message(existing, actor, field_label=_("mobile number"))
    if clean.get("org_code"):
        existing = others.filter(org_code=clean["org_code"]).only("name").first()
        if existing:
            errors["org_code"] = _duplicate_message(existing, actor, field_label=_("organisation code"))
    if clean.get("code") and others.filter(code=clean["code"]).exists():
        errors["code"] = _("This customer number is already in use.")
    if errors:
        raise ValidationError(errors)


def _resolve_relations(*, actor, relations: dict, instance: Customer | None = None) -> dict:
    """Who may be made account manager: yourself if you are one, your subtree if supervisor."""
    resolved = {}
    if "account_manager" in relations:
        manager = relations["account_manager"]
        if manager is not None and not account_managers_visible_to(actor).filter(pk=manager.pk).exists():
            raise ValidationError({"account_manager": _("You cannot assign customers to this account manager.")})
        resolved["account_manager"] = manager
    if "org_unit" in relations:
        resolved["org_unit"] = relations["org_unit"]
    if "parent" in relations:
        parent = relations["parent"]
        if parent is not None and instance is not None and parent.pk == instance.pk:
            raise ValidationError({"parent": _("A customer cannot be its own parent organisation.")})
        # The parent must be in the actor's scope, unless it is the one the customer already has.
        changed = parent is not None and (instance is None or parent.pk != instance.parent_id)
        if changed and not Customer.objects.visible_to(actor).filter(pk=parent.pk).exists():
            raise ValidationError({"parent": _("The parent organisation must be a customer you may see.")})
        resolved["parent"] = parent
    return resolved


def _check_manager_fits(manager, tier: str) -> None:
    """The tier → manager level rule (`Tier.required_manager_level`), checked when a customer is
    given a manager here, as the account managers' hand assignment checks it. A tier change
    alone is not refused (grading changes tiers too): the next assignment plan moves a customer
    whose manager no longer fits."""
    message = hooks.manager_fit_error(manager, tier)
    if message:
        raise ValidationError({"account_manager": message})


def _defaults_for_actor(actor, resolved: dict) -> dict:
    if actor.role == Role.ACCOUNT_MANAGER and not resolved.get("account_manager"):
        resolved["account_manager"] = actor
    manager = resolved.get("account_manager")
    if not resolved.get("org_unit"):
        resolved["org_unit"] = manager.org_unit if manager and manager.org_unit_id else actor.org_unit
    return resolved


def _set_tags(customer: Customer, tag_names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name.strip())[0] for name in tag_names if name.strip()]
    customer.tags.set(tags)


@transaction.atomic
def customer_create(*, actor, data: dict, relations: dict | None = None, tags: list[str] | None = None) -> Customer:
    """Register a customer. `data` holds raw field values, `relations` model instances."""
    clean = clean_customer_data({**{"name": ""}, **data})
    _check_duplicates(clean, actor=actor)
    resolved = _defaults_for_actor(actor, _resolve_relations(actor=actor, relations=relations or {}))
    _check_manager_fits((relations or {}).get("account_manager"), clean.get("tier", ""))
    customer = Customer(**clean, **resolved, created_by=actor)
    customer.has_valid_phone = phone_is_valid_for_quality(customer.mobile, customer.phone)
    customer.save()
    if tags:
        _set_tags(customer, tags)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=customer,
        customer_id=customer.pk,
        changes={k: [None, v] for k, v in snapshot(customer, AUDITED_FIELDS).items() if v not in ("", None)},
    )
    if customer.account_manager_id:
        hooks.managers_changed([(customer.pk, None, customer.account_manager_id)])
    return customer


@transaction.atomic
def customer_update(
    *,
    actor,
    customer: Customer,
    expected_version: int,
    data: dict,
    relations: dict | None = None,
    tags: list[str] | None = None,
) -> Customer:
    """Change a customer, refusing if someone else saved it since `expected_version` was read."""
    # 1. Lock the row so that the version check and the write cannot interleave.
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if current.version != expected_version:
        raise ConflictError()
    # 2. Clean and check the new values (a tier retired since may stay on the customer).
    clean = clean_customer_data(data, current_tier=current.tier)
    _check_duplicates(clean, actor=actor, exclude_id=current.pk)
    resolved = _resolve_relations(actor=actor, relations=relations or {}, instance=current)
    manager = resolved.get("account_manager")
    if manager is not None and manager.pk != current.account_manager_id:
        _check_manager_fits(manager, clean.get("tier", current.tier))
    # 3. Apply, bump the version, and audit only what changed.
    before = snapshot(current, AUDITED_FIELDS)
    before_tags = sorted(current.tags.values_list("name", flat=True))
    manager_before = current.account_manager_id
    for field, value in {**clean, **resolved}.items():
        setattr(current, field, value)
    current.has_valid_phone = phone_is_valid_for_quality(current.mobile, current.phone)
    current.version += 1
    current.save()
    changes = diff(before, snapshot(current, AUDITED_FIELDS))
    if tags is not None:
        _set_tags(current, tags)
        after_tags = sorted(current.tags.values_list("name", flat=True))
        if after_tags != before_tags:
            changes["tags"] = [before_tags, after_tags]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATED, target=current, customer_id=current.pk, changes=changes)
    if "tier" in changes:
        hooks.tiers_changed([current.pk])  # the green channel of the customer's requests follows
    if current.account_manager_id != manager_before:
        hooks.managers_changed([(current.pk, manager_before, current.account_manager_id)])
    return current


class CustomerHasRequestsError(ServiceError):
    """A customer with service requests is anonymised, never deleted (409)."""

    status_code = 409


@transaction.atomic
def customer_delete(*, actor, customer: Customer) -> None:
    """Delete a customer that nothing else records. One with service requests is refused: the
    requests are the service record (complaint statistics, time limits, audits), so the customer
    is anonymised instead (customer_anonymise)."""
    if customer.members.exists():
        raise ValidationError(_("This organisation still has member customers; move or delete them first."))
    requests = customer.tickets.count()
    if requests:
        raise CustomerHasRequestsError(
            _(
                "This customer has %(count)d service requests, which are kept as the service record, so the "
                "customer cannot be deleted. Anonymise the customer instead: the personal data is erased and "
                "the requests stay."
            )
            % {"count": requests}
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETED,
        target=customer,
        customer_id=customer.pk,
        changes={k: [v, None] for k, v in snapshot(customer, AUDITED_FIELDS).items() if v not in ("", None)},
    )
    customer.delete()


# What anonymising erases (PIPL Art. 47: deletion; Art. 4: anonymised data is no longer personal).
# Kind, region, grid, industry, tier, channel, credit rating, manager, unit and tags stay: they
# identify no one and keep the statistics whole.
ERASED_FIELDS = [
    "code", "mobile", "phone", "email", "id_number", "org_code", "address", "birthday", "notes",
    "competitor_info", "contract_no",
]  # fmt: skip
ERASED = "***"


def _erase_text(value, secrets: list[str]):
    """`value` (audit changes: nested lists and dicts) with every erased value replaced."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, ERASED)
        return value
    if isinstance(value, list):
        return [_erase_text(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _erase_text(item, secrets) for key, item in value.items()}
    return value


@transaction.atomic
def customer_anonymise(*, actor, customer: Customer) -> Customer:
    """Erase a customer's personal data and keep the records that refer to it (a deletion request
    for a customer with service requests, PIPL Arts. 45-47).

    1. Lock the row; note every value being erased (the customer's, its key persons', its notes',
       the callers' of its requests).
    2. Replace the name, blank the personal fields, close the account; delete key persons and notes;
       blank the caller's name and number on its requests (the requests themselves stay).
    3. Remove the erased values from the customer's earlier audit entries (who did what and when
       stays), then audit the anonymisation itself without them.
    """
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    persons = list(current.key_persons.all())
    values = [current.name, *(str(getattr(current, field) or "") for field in ERASED_FIELDS)]
    values += [str(getattr(person, field) or "") for person in persons for field in KEY_PERSON_FIELDS[:-1]]
    values += list(current.timeline_notes.values_list("text", flat=True))
    for name, phone in current.tickets.values_list("caller_name", "caller_phone"):
        values += [name, phone]
    # Longest first, so that a phone inside a longer text goes with it; one-character values
    # (a "男" in preferences) would blank unrelated text.
    secrets = sorted({value for value in values if len(value) > 1}, key=len, reverse=True)

    erased = [field for field in ERASED_FIELDS if getattr(current, field) not in ("", None)]
    current.name = _("Anonymised customer %(id)s") % {"id": current.pk}
    for field in ERASED_FIELDS:
        setattr(current, field, None if field == "birthday" else "")
    current.status = CustomerStatus.CLOSED
    current.has_valid_phone = False
    current.version += 1
    current.save()
    current.key_persons.all().delete()
    current.timeline_notes.all().delete()
    requests = current.tickets.update(caller_name="", caller_phone="")

    texts = ["changes", "summary", "target_repr"]
    rewritten = []
    for entry in AuditEvent.objects.filter(customer_id=current.pk).only(*texts).iterator(chunk_size=2000):
        erased_entry = [_erase_text(getattr(entry, name), secrets) for name in texts]
        if erased_entry != [getattr(entry, name) for name in texts]:  # most request steps hold none
            entry.changes, entry.summary, entry.target_repr = erased_entry
            rewritten.append(entry)
    AuditEvent.objects.bulk_update(rewritten, texts, batch_size=500)  # not one UPDATE per entry
    audit_record(
        actor=actor,
        action=AuditAction.ANONYMISED,
        target=current,
        customer_id=current.pk,
        changes={"name": [ERASED, current.name], **{field: [ERASED, ""] for field in erased}},
        summary=_("Personal data erased; %(persons)d key persons deleted; %(requests)d requests kept.")
        % {"persons": len(persons), "requests": requests},
    )
    return current


@transaction.atomic
def customer_note_add(*, actor, customer: Customer, text: str) -> CustomerNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    note = CustomerNote.objects.create(customer=customer, author=actor, text=text)
    audit_record(actor=actor, action=AuditAction.NOTE_ADDED, target=customer, customer_id=customer.pk, summary=text)
    return note


REVEALABLE_FIELDS = {"mobile", "phone", "id_number"}


@transaction.atomic
def customer_reveal(*, actor, customer: Customer, field: str) -> str:
    """Return the full value of a masked field and log who looked (PIPL access log)."""
    if field not in REVEALABLE_FIELDS:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    audit_record(
        actor=actor,
        action=AuditAction.REVEALED,
        target=customer,
        customer_id=customer.pk,
        summary=str(Customer._meta.get_field(field).verbose_name),
    )
    return getattr(customer, field)


@transaction.atomic
def key_person_create(*, actor, customer: Customer, data: dict) -> KeyPerson:
    clean = clean_key_person_data({**{"name": ""}, **data})
    person = KeyPerson.objects.create(customer=customer, **clean)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=person,
        customer_id=customer.pk,
        changes={k: [None, v] for k, v in snapshot(person, KEY_PERSON_FIELDS).items() if v not in ("", None, False)},
    )
    return person


@transaction.atomic
def key_person_update(*, actor, person: KeyPerson, expected_version: int, data: dict) -> KeyPerson:
    current = KeyPerson.objects.select_for_update().get(pk=person.pk)
    if current.version != expected_version:
        raise ConflictError()
    clean = clean_key_person_data(data)
    before = snapshot(current, KEY_PERSON_FIELDS)
    for field, value in clean.items():
        setattr(current, field, value)
    current.version += 1
    current.save()
    changes = diff(before, snapshot(current, KEY_PERSON_FIELDS))
    if changes:
        audit_record(
            actor=actor, action=AuditAction.UPDATED, target=current, customer_id=current.customer_id, changes=changes
        )
    return current


@transaction.atomic
def key_person_delete(*, actor, person: KeyPerson) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.DELETED,
        target=person,
        customer_id=person.customer_id,
        changes={k: [v, None] for k, v in snapshot(person, KEY_PERSON_FIELDS).items() if v not in ("", None, False)},
    )
    person.delete()


# Ids per statement in the set-based writes below: a grading approval or an assignment plan may
# pass hundreds of thousands, more than a statement may carry as parameters (PostgreSQL: 65,535).
IDS_PER_STATEMENT = 5_000


def customers_set_tier(*, actor, tiers: dict[int, str], summary: str = "") -> list[tuple[int, str, str]]:
    """Give customers new tiers (`{customer_id: tier code}`), set-based: one UPDATE per tier and
    one audit entry per customer whose tier changed. Grading's approvals and overrides write
    through it (the caller checks scope and capability). Returns (id, before, after) of each
    change; a code that is not an active tier is refused, naming the field `tier`."""
    from .tiers import active_tiers

    if not tiers:
        return []
    codes = {tier.code for tier in active_tiers()}
    unknown = sorted(set(tiers.values()) - codes)
    if unknown:
        raise ValidationError({"tier": _("Not an active customer tier: %(codes)s") % {"codes": ", ".join(unknown)}})
    with transaction.atomic():
        current = {
            pk: (tier, name)
            for pk, tier, name in Customer.objects.select_for_update()
            .filter(pk__in=list(tiers))
            .values_list("pk", "tier", "name")
        }
        changed = [(pk, current[pk][0], tiers[pk]) for pk in sorted(current) if current[pk][0] != tiers[pk]]
        by_tier: dict[str, list[int]] = {}
        for pk, _before, after in changed:
            by_tier.setdefault(after, []).append(pk)
        for code, ids in by_tier.items():
            for start in range(0, len(ids), IDS_PER_STATEMENT):
                Customer.objects.filter(pk__in=ids[start : start + IDS_PER_STATEMENT]).update(
                    tier=code, version=F("version") + 1, updated_at=timezone.now()
                )
        audit_records(
            audit_entry(
                actor=actor,
                action=AuditAction.UPDATED,
                target_type=Customer._meta.label_lower,
                target_id=pk,
                target_repr=current[pk][1],
                customer_id=pk,
                changes={"tier": [before, after]},
                summary=summary,
            )
            for pk, before, after in changed
        )
        if changed:
            hooks.tiers_changed([pk for pk, _before, _after in changed])
    return changed


def customers_set_managers(*, actor, moves, summary: str = "") -> list[tuple[int, int | None, int]]:
    """Give customers their new account manager, set-based: a few UPDATEs per new manager and one
    audit entry per customer moved. The account-manager assignment (plans, departures, manual
    assignment) writes through it; the caller checks scope, roles and capability.

    `moves` yields (customer id, expected manager id or None, new manager id, new service unit id
    or None). A customer moves only if its manager is still the expected one: someone else's change
    since the plan was worked out is kept, never overwritten (rows are locked, then checked). Its
    service unit becomes the new manager's unit when there is one, and its version goes up, so an
    edit form opened before answers "reload". Returns (customer id, before, after) of each move.
    """
    wanted = {pk: (before, after, unit) for pk, before, after, unit in moves}
    moved, entries = [], []
    targets: dict[tuple[int, int | None], list[int]] = {}
    with transaction.atomic():
        ids = sorted(wanted)
        for start in range(0, len(ids), IDS_PER_STATEMENT):
            rows = (
                Customer.objects.select_for_update()
                .filter(pk__in=ids[start : start + IDS_PER_STATEMENT])
                .values_list("pk", "account_manager_id", "org_unit_id", "name")
            )
            for pk, current, old_unit, name in rows:
                before, after, unit = wanted[pk]
                if current != before or current == after:
                    continue
                targets.setdefault((after, unit), []).append(pk)
                changes = {"account_manager_id": [before, after]}
                if unit is not None and unit != old_unit:
                    changes["org_unit_id"] = [old_unit, unit]
                entries.append(
                    audit_entry(
                        actor=actor,
                        action=AuditAction.UPDATED,
                        target_type="customers.customer",
                        target_id=pk,
                        target_repr=name,
                        customer_id=pk,
                        changes=changes,
                        summary=summary,
                    )
                )
                moved.append((pk, before, after))
        at = timezone.now()
        for (after, unit), pks in targets.items():
            fields = {"account_manager_id": after, "version": F("version") + 1, "updated_at": at}
            if unit is not None:
                fields["org_unit_id"] = unit
            for start in range(0, len(pks), IDS_PER_STATEMENT):
                Customer.objects.filter(pk__in=pks[start : start + IDS_PER_STATEMENT]).update(**fields)
        audit_records(entries)
        hooks.managers_changed(moved)
    return moved
