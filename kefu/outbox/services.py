"""Writes of the outbox: queueing messages (set-based), opt-outs, templates, an admin's retry
and cancel. Sending is `sending.py` (the `outbox_send` job).

Queueing is the one entry point for every app that sends anything outside the application:
`messages_enqueue` for a list of recipients, `messages_enqueue_customers` for a queryset of
customers (a million at a time), `send_to_staff` for staff e-mail. Each renders the body once
per recipient, leaves out nobody silently (opted-out customers get an `opted_out` row, missing
addresses a `failed` one, so the sender's delivery report counts them) and writes the rows with
`bulk_create` in batches. Given a `key`, queueing is idempotent: the same key, channel and
recipient make one row however often it is called (two workers, a rerun).
"""

import hashlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.bulk import insert_rows
from kefu.core.errors import ServiceError
from kefu.core.text import check_text
from kefu.customers.models import Customer, KeyPerson
from kefu.org.models import User

from . import quiet, rendering, selectors
from .choices import CANCELLABLE_STATES, RETRYABLE_STATES, Channel, MessageState, RecipientKind
from .models import Message, MessageTemplate, OptOut

BATCH = 2000


@dataclass(frozen=True)
class Recipient:
    """Whom one message goes to. Give one of customer_id, key_person_id, user_id (the address
    is then read from the archive: mobile for SMS, e-mail for e-mail) or a raw `address` (an
    e-mail address, a mobile number, a robot's name in `OUTBOX_WECOM_ROBOTS`). `variables` are
    this recipient's own template variables (they override the call's)."""

    customer_id: int | None = None
    key_person_id: int | None = None
    user_id: int | None = None
    address: str = ""
    name: str = ""
    variables: dict = field(default_factory=dict)


@dataclass
class EnqueueResult:
    queued: int = 0
    opted_out: int = 0
    no_address: int = 0
    duplicates: int = 0

    def add(self, other: "EnqueueResult") -> None:
        self.queued += other.queued
        self.opted_out += other.opted_out
        self.no_address += other.no_address
        self.duplicates += other.duplicates


def _address_field(channel: str) -> str:
    return "email" if channel == Channel.EMAIL else "mobile"


def _row_key(key: str | None, channel: str, identity: str) -> str:
    if not key:
        return uuid.uuid4().hex
    full = f"{key}|{channel}|{identity}"
    if len(full) <= 200:
        return full
    return f"{full[:150]}#{hashlib.sha256(full.encode()).hexdigest()}"


@dataclass
class _Content:
    """What the rows of one call share: the compiled subject and body."""

    purpose: str
    channel: str
    subject: object
    body: object
    variables: dict


def _content(*, purpose, channel, template, subject, body, variables) -> _Content:
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel “%(value)s”.") % {"value": channel}})
    if not purpose or len(purpose) > 50:
        raise ValidationError({"purpose": _("Give a purpose of at most 50 characters.")})
    if body is None:
        if template is None:
            template = selectors.active_template(purpose, channel)
        if template is None:
            raise ValidationError(
                {"template": _("There is no active template for “%(purpose)s” on %(channel)s.")
                 % {"purpose": purpose, "channel": Channel(channel).label}}
            )  # fmt: skip
        subject, body = template.subject, template.body
    return _Content(
        purpose=purpose,
        channel=channel,
        subject=rendering.compile_template(subject, field="subject") if subject else None,
        body=rendering.compile_template(body, field="body"),
        variables={"today": timezone.localdate(), **rendering.check_variables(variables or {})},
    )


def _identity(recipient: Recipient) -> tuple[str, str]:
    # A key person first: resolving one also sets its customer's id.
    if recipient.key_person_id:
        return RecipientKind.KEY_PERSON, f"k{recipient.key_person_id}"
    if recipient.customer_id:
        return RecipientKind.CUSTOMER, f"c{recipient.customer_id}"
    if recipient.user_id:
        return RecipientKind.USER, f"u{recipient.user_id}"
    return RecipientKind.ADDRESS, f"a{recipient.address}"


def _resolve(batch: list[Recipient], channel: str) -> list[Recipient]:
    """Fill in the address and name of archive recipients (one query per kind for the batch)."""
    column = _address_field(channel)
    customer_ids = {r.customer_id for r in batch if r.customer_id and not r.key_person_id}
    person_ids = {r.key_person_id for r in batch if r.key_person_id}
    user_ids = {r.user_id for r in batch if r.user_id}
    customers = {
        pk: (name, code, address)
        for pk, name, code, address in Customer.objects.filter(pk__in=customer_ids).values_list(
            "pk", "name", "code", column
        )
    }
    people = {
        pk: (name, customer_id, cname, address)
        for pk, name, customer_id, cname, address in KeyPerson.objects.filter(pk__in=person_ids).values_list(
            "pk", "name", "customer_id", "customer__name", column
        )
    }
    users = {
        pk: (name or username, email if channel == Channel.EMAIL else mobile)
        for pk, name, username, email, mobile in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "full_name", "username", "email", "mobile"
        )
    }
    resolved = []
    for r in batch:
        values = {}
        variables = dict(r.variables)
        if r.key_person_id and r.key_person_id in people:
            name, customer_id, cname, address = people[r.key_person_id]
            values = {"customer_id": customer_id, "name": name, "address": r.address or address}
            variables.setdefault("key_person", name)
            variables.setdefault("customer_name", cname)
        elif r.customer_id and r.customer_id in customers:
            name, code, address = customers[r.customer_id]
            values = {"name": name, "address": r.address or address}
            variables.setdefault("customer_name", name)
            variables.setdefault("customer_code", code)
        elif r.user_id and r.user_id in users:
            name, email = users[r.user_id]
            values = {"name": name, "address": r.address or email}
        else:  # gone since the sender read it (or never there): no row may point at it
            values = {"customer_id": None, "key_person_id": None, "user_id": None}
        if channel == Channel.WECOM and not values.get("address", r.address):
            values["address"] = "default"
        variables.setdefault("recipient_name", values.get("name", r.name))
        resolved.append(Recipient(**{**r.__dict__, **values, "variables": variables}))
    return resolved


def _existing_keys(keys: list[str]) -> set[str]:
    return set(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))


def _write_batch(
    batch: list[Recipient], content: _Content, *, actor, key, source, source_id, scheduled_at, now
) -> EnqueueResult:
    result = EnqueueResult()
    identities = [_identity(r) for r in batch]  # as the sender named them
    batch = _resolve(batch, content.channel)
    opted = selectors.opted_out_customers({r.customer_id for r in batch if r.customer_id}, content.channel)
    rows = []
    shared = {
        "channel": content.channel, "purpose": content.purpose, "scheduled_at": scheduled_at,
        "next_attempt_at": scheduled_at, "source": source, "source_id": source_id,
        "created_by_id": getattr(actor, "pk", None), "created_at": now, "updated_at": now,
    }  # fmt: skip
    for r, (kind, identity) in zip(batch, identities, strict=True):
        variables = {**content.variables, **rendering.check_variables(r.variables)}
        state, answer = MessageState.QUEUED, ""
        if r.customer_id in opted:
            state, answer = MessageState.OPTED_OUT, _("The customer opted out of this channel.")
        elif not r.address:
            state, answer = MessageState.FAILED, _("No address for this channel.")
        rows.append({
            **shared,
            "recipient_kind": kind,
            "customer_id": r.customer_id,
            "key_person_id": r.key_person_id,
            "user_id": r.user_id,
            "address": r.address[:254],
            "subject": rendering.render(content.subject, variables, field="subject")[:200] if content.subject else "",
            "body": rendering.render(content.body, variables),
            "state": state,
            "transport_answer": answer,
            "idempotency_key": _row_key(key, content.channel, identity),
        })  # fmt: skip
    if key:
        existing = _existing_keys([row["idempotency_key"] for row in rows])
        fresh = []
        for row in rows:
            if row["idempotency_key"] in existing:
                result.duplicates += 1
            else:
                existing.add(row["idempotency_key"])
                fresh.append(row)
        rows = fresh
    written = _insert(rows, keyed=bool(key))
    result.duplicates += len(rows) - len(written)
    for row in written:
        if row["state"] == MessageState.QUEUED:
            result.queued += 1
        elif row["state"] == MessageState.OPTED_OUT:
            result.opted_out += 1
        else:
            result.no_address += 1
    return result


def _insert(rows: list[dict], keyed: bool) -> list[dict]:
    """COPY (PostgreSQL) or executemany (SQLite): a million rows without a model instance each.
    Should a concurrent call with the same key have written one of the rows since the check, the
    batch is written without the rows whose key now exists (ON CONFLICT DO NOTHING for a race
    still closer). Returns the rows written."""
    try:
        with transaction.atomic():
            insert_rows(Message, rows, with_ids=False)
    except (IntegrityError, connection.Database.IntegrityError):  # the driver's own, from COPY/executemany
        if not keyed:
            raise
        keys = [row["idempotency_key"] for row in rows]
        taken = set(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
        rows = [row for row in rows if row["idempotency_key"] not in taken]
        Message.objects.bulk_create([Message(**row) for row in rows], batch_size=BATCH, ignore_conflicts=True)
    return rows


def _batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _when(channel: str, scheduled_at: datetime | None, now: datetime) -> datetime:
    # A message queued in quiet hours waits for their end (SMS by default).
    return quiet.next_allowed(scheduled_at or now, channel)


def messages_enqueue(
    *,
    actor,
    purpose: str,
    channel: str,
    recipients: Iterable[Recipient],
    template: MessageTemplate | None = None,
    subject: str | None = None,
    body: str | None = None,
    variables: dict | None = None,
    source: str = "",
    source_id: int | None = None,
    scheduled_at: datetime | None = None,
    key: str | None = None,
) -> EnqueueResult:
    """Queue one message per recipient on `channel`.

    The wording: `body` (and `subject`) given as template text, else `template`, else the active
    template of `purpose` and `channel` (`ValidationError` on "template" if none). `variables`
    are shared by every recipient (a date, an outage's reason…: plain values only). `key` makes
    the call idempotent (e.g. "care:<batch id>", "notice:<id>:7d"): a recipient already queued
    under it is counted in `duplicates`, not queued again. `source`/`source_id` name what sent it
    (`selectors.delivery_counts` counts by them). Opted-out customers and recipients without an
    address get a row that is never sent (`opted_out`, `failed`). Runs in one transaction with
    one audit entry for the call (actor may be None for a job)."""
    now = timezone.now()
    content = _content(purpose=purpose, channel=channel, template=template, subject=subject, body=body,
                       variables=variables)  # fmt: skip
    when = _when(channel, scheduled_at, now)
    result = EnqueueResult()
    with transaction.atomic():
        for batch in _batches(recipients):
            result.add(
                _write_batch(batch, content, actor=actor, key=key, source=source, source_id=source_id,
                             scheduled_at=when, now=now)
            )  # fmt: skip
        _audit_enqueue(actor, content, result, source, source_id)
    return result


def messages_enqueue_customers(*, actor, customers, purpose: str, channel: str, **options) -> EnqueueResult:
    """`messages_enqueue` for every customer of a queryset (streamed in batches: a million
    customers never sit in memory at once)."""
    ids = customers.order_by().values_list("pk", flat=True).iterator(chunk_size=BATCH)
    return messages_enqueue(
        actor=actor, purpose=purpose, channel=channel, recipients=(Recipient(customer_id=pk) for pk in ids), **options
    )


def send_to_staff(users, purpose: str, subject: str, body: str, *, actor=None, source: str = "",
                  source_id: int | None = None, key: str | None = None) -> EnqueueResult:  # fmt: skip
    """E-mail staff members (users or their ids) through the outbox. `subject` and `body` are
    template text too (variables: `recipient_name`)."""
    recipients = [Recipient(user_id=getattr(user, "pk", user)) for user in users]
    return messages_enqueue(actor=actor, purpose=purpose, channel=Channel.EMAIL, recipients=recipients,
                            subject=subject, body=body, source=source, source_id=source_id, key=key)  # fmt: skip


def _audit_enqueue(actor, content: _Content, result: EnqueueResult, source: str, source_id) -> None:
    total = result.queued + result.opted_out + result.no_address
    if not total:
        return
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        # The rows of a call have no single id: the entry names the call's source (0 without one).
        target_type="outbox.message",
        target_id=source_id or 0,
        target_repr=f"{content.purpose} · {Channel(content.channel).label} · {source or '-'}",
        changes={"queued": [None, result.queued], "opted_out": [None, result.opted_out],
                 "no_address": [None, result.no_address], "source": [None, f"{source}:{source_id or ''}"]},
    )  # fmt: skip


# Admin actions on one message -------------------------------------------------------------------


def _message_move(*, actor, message_id: int, states, refusal: str, now, **values) -> Message:
    """One conditional UPDATE from `states` (the sending job may hold the row), audited with the
    state it had; `refusal` on "state" when the row is no longer in one of them."""
    with transaction.atomic():
        before = Message.objects.filter(pk=message_id).values_list("state", flat=True).first()
        moved = Message.objects.filter(pk=message_id, state__in=states).update(updated_at=now, **values)
        message = Message.objects.get(pk=message_id)
        if not moved:
            raise ServiceError(refusal, field="state")
        audit_record(actor=actor, action=AuditAction.UPDATED, target=message,
                     customer_id=message.customer_id, changes={"state": [before, message.state]})  # fmt: skip
    return message


def message_retry(*, actor, message_id: int) -> Message:
    """Send a failed or given-up message again (a new attempt now; opt-outs still apply)."""
    now = timezone.now()
    return _message_move(actor=actor, message_id=message_id, states=RETRYABLE_STATES, now=now,
                         refusal=_("Only a failed or given-up message can be sent again."),
                         state=MessageState.RETRYING, next_attempt_at=now)  # fmt: skip


def message_cancel(*, actor, message_id: int) -> Message:
    """Withdraw a message not sent yet (queued, waiting for a retry, failed)."""
    return _message_move(actor=actor, message_id=message_id, states=CANCELLABLE_STATES, now=timezone.now(),
                         refusal=_("This message is being sent or was already sent."),
                         state=MessageState.CANCELLED)  # fmt: skip


# Opt-outs ------------------------------------------------------------------------------------------


def optout_record(*, actor, customer: Customer, channel: str = "", reason: str = "") -> OptOut:
    """Record that a customer wants no messages on `channel` ("" = any). Messages already queued
    for them on it are withdrawn as `opted_out` in the same transaction (and the sending job
    checks again before each send)."""
    if channel and channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel “%(value)s”.") % {"value": channel}})
    reason = (reason or "").strip()
    errors = {}
    check_text(reason, "reason", errors)
    if len(reason) > 200:
        errors["reason"] = _("At most %(limit)s characters.") % {"limit": 200}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        optout, created = OptOut.objects.get_or_create(
            customer=customer, channel=channel, defaults={"reason": reason, "created_by": actor, "created_at": now}
        )
        if not created:
            raise ValidationError({"channel": _("This customer has already opted out of this channel.")})
        pending = Message.objects.filter(customer=customer, state__in=(MessageState.QUEUED, MessageState.RETRYING))
        if channel:
            pending = pending.filter(channel=channel)
        withdrawn = pending.update(
            state=MessageState.OPTED_OUT, transport_answer=_("The customer opted out of this channel."), updated_at=now
        )
        audit_record(actor=actor, action=AuditAction.CREATED, target=optout, customer_id=customer.pk,
                     changes={"channel": [None, channel or "*"], "reason": [None, reason],
                              "withdrawn": [None, withdrawn]})  # fmt: skip
    return optout


def optout_remove(*, actor, optout: OptOut) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETED, target=optout, customer_id=optout.customer_id,
                     changes={"channel": [optout.channel or "*", None]})  # fmt: skip
        optout.delete()


# Templates -----------------------------------------------------------------------------------------

TEMPLATE_FIELDS = ("purpose", "channel", "name", "subject", "body", "is_active")


def _clean_template(data: dict, instance: MessageTemplate | None) -> dict:
    errors = {}
    clean = {}
    for name in TEMPLATE_FIELDS:
        if name in data:
            clean[name] = data[name]
        elif instance is not None:
            clean[name] = getattr(instance, name)
    for name in ("purpose", "name", "body"):
        if not str(clean.get(name) or "").strip():
            errors[name] = _("This field is required.")
    if clean.get("channel") not in Channel.values:
        errors["channel"] = _("Unknown channel “%(value)s”.") % {"value": clean.get("channel")}
    for name, limit in (("purpose", 50), ("name", 100), ("subject", 200)):
        if len(str(clean.get(name) or "")) > limit:
            errors[name] = _("At most %(limit)s characters.") % {"limit": limit}
    for name in ("purpose", "name", "subject"):
        check_text(str(clean.get(name) or ""), name, errors)
    check_text(str(clean.get("body") or ""), "body", errors, multiline=True)
    for name in ("subject", "body"):
        if name not in errors:
            try:
                rendering.compile_template(str(clean.get(name) or ""), field=name)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if not errors:
        clash = MessageTemplate.objects.filter(purpose=clean["purpose"], channel=clean["channel"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["channel"] = _("This purpose already has a template on this channel.")
    if errors:
        raise ValidationError(errors)
    clean["is_active"] = bool(clean.get("is_active", True))
    clean["subject"] = str(clean.get("subject") or "")
    return clean


def template_create(*, actor, data: dict) -> MessageTemplate:
    clean = _clean_template(data, None)
    with transaction.atomic():
        template = MessageTemplate.objects.create(**clean)
        audit_record(actor=actor, action=AuditAction.CREATED, target=template,
                     changes={name: [None, clean[name]] for name in TEMPLATE_FIELDS})  # fmt: skip
    return template


def template_update(*, actor, template: MessageTemplate, data: dict) -> MessageTemplate:
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        clean = _clean_template(data, template)
        changes = {
            name: [getattr(template, name), clean[name]]
            for name in TEMPLATE_FIELDS
            if getattr(template, name) != clean[name]
        }
        for name, value in clean.items():
            setattr(template, name, value)
        template.save()
        if changes:
            audit_record(actor=actor, action=AuditAction.UPDATED, target=template, changes=changes)
    return template


def template_delete(*, actor, template: MessageTemplate) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETED, target=template,
                     changes={"purpose": [template.purpose, None], "channel": [template.channel, None]})  # fmt: skip
        template.delete()


def template_preview(*, template_text: str, subject_text: str = "", customer: Customer | None = None,
                     variables: dict | None = None) -> tuple[str, str]:  # fmt: skip
    """Render a template for one real customer (their name, code, first key person) as it would go out."""
    values = {"today": timezone.localdate(), "date": timezone.localdate()}
    if customer is not None:
        person = KeyPerson.objects.filter(customer=customer).order_by("pk").values_list("name", flat=True).first()
        values.update(customer_name=customer.name, customer_code=customer.code, recipient_name=customer.name,
                      key_person=person or "")  # fmt: skip
    values.update(variables or {})
    subject = rendering.render(rendering.compile_template(subject_text or "", field="subject"), values, field="subject")
    body = rendering.render(rendering.compile_template(template_text, field="body"), values)
    return subject, body
