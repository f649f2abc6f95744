from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import READY_STATES, Channel, MessageState, RecipientKind


class Message(models.Model):
    """One outgoing message (a care greeting, a notice, a reminder, a staff e-mail): the one way
    anything leaves the application for a customer or a member of staff.

    Written set-based by `services.messages_enqueue` with its body already rendered, then sent by
    the `outbox_send` job, which claims rows with a conditional UPDATE (`claim_token`), marks them
    `sending` before calling the transport and `sent` after, so a row is never handed to two
    workers. `idempotency_key` is unique: enqueueing the same message twice makes one row, and
    the transport receives it (as the SMS gateway's idempotency key, the e-mail's Message-ID) so
    that a resend after a crash is recognised by the receiver. The source of a message (a care
    batch, a notice) is named by `source` and `source_id`, without a content type, so that the
    apps above can count their deliveries (`selectors.delivery_counts`)."""

    recipient_kind = models.CharField(_("recipient kind"), max_length=20, choices=RecipientKind.choices)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    key_person = models.ForeignKey(
        "customers.KeyPerson", verbose_name=_("key person"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    address = models.CharField(_("address"), max_length=254, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(pgettext_lazy("message", "purpose"), max_length=50)
    subject = models.CharField(pgettext_lazy("message", "subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=12, choices=MessageState.choices, default=MessageState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    scheduled_at = models.DateTimeField(_("scheduled for"), default=timezone.now)
    # When the job may next take it: scheduled_at at first, later the back-off after a failure.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    transport_message_id = models.CharField(_("transport's message id"), max_length=200, blank=True)
    transport_answer = models.TextField(_("transport's answer"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    source = models.CharField(_("source"), max_length=50, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("queued by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            # The sending job's claim: due rows of one channel, oldest first.
            models.Index(
                fields=["channel", "next_attempt_at"], name="outbox_ready_idx", condition=Q(state__in=READY_STATES)
            ),
            # The reaper: rows left `sending` past their lease.
            models.Index(fields=["claimed_until"], name="outbox_sending_idx", condition=Q(state=MessageState.SENDING)),
            models.Index(fields=["source", "source_id"], name="outbox_source_idx"),
            models.Index(fields=["customer", "created_at"], name="outbox_customer_idx"),
            models.Index(fields=["state", "created_at"], name="outbox_state_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address or '—'} ({self.purpose})"


class MessageTemplate(models.Model):
    """The wording of one purpose on one channel (Django template language, rendered in a
    sandbox that knows only the variables the sender gives: `rendering.VARIABLES`)."""

    purpose = models.CharField(pgettext_lazy("message", "purpose"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(pgettext_lazy("message", "subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["purpose", "channel"]
        constraints = [models.UniqueConstraint(fields=["purpose", "channel"], name="outbox_template_unique")]

    def __str__(self):
        return f"{self.name} ({self.purpose}, {self.get_channel_display()})"


class OptOut(models.Model):
    """A customer who asked not to receive messages on a channel (empty channel: on any).
    Honoured when a message is queued (the row is written `opted_out`, never sent) and again
    when it is sent (an opt-out recorded in between stops it)."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, blank=True, help_text=_("Empty: every channel.")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [models.UniqueConstraint(fields=["customer", "channel"], name="outbox_optout_unique")]

    def __str__(self):
        return f"{self.customer_id}: {self.get_channel_display() or '*'}"


class RateWindow(models.Model):
    """How many messages a transport has sent in its current rate window, shared by every worker
    (the row is locked while a worker takes its share)."""

    transport = models.CharField(max_length=20, primary_key=True)
    window = models.BigIntegerField(default=0)  # epoch seconds // window length
    used = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate window")
        verbose_name_plural = _("rate windows")

    def __str__(self):
        return f"{self.transport}: {self.used} in window {self.window}"
