from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ContactChannel, ContactSource, DueReason, ReviewStatus


class ContactPlan(models.Model):
    """How often an account manager must contact customers of a tier, and how (seed 004 篇9: key
    accounts daily by phone; others monthly or quarterly). A row with an empty tier applies to
    every tier without its own row and to customers without a tier. `quarterly_review`: the
    customers of the tier are key accounts whose file is reviewed each quarter (seed 004 篇9)."""

    tier = models.CharField(
        _("tier"), max_length=20, blank=True, unique=True, help_text=_("Empty: every other customer.")
    )
    every_days = models.PositiveSmallIntegerField(
        _("every (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    quarterly_review = models.BooleanField(_("quarterly file review"), default=False)

    class Meta:
        verbose_name = _("contact plan")
        verbose_name_plural = _("contact plans")
        ordering = ["tier"]

    def __str__(self):
        return f"{self.tier or '*'}: {self.every_days} {self.channel}"


class ContactLogQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContactLogQuerySet":
        from .selectors import contact_logs_visible_to

        return self & contact_logs_visible_to(user)


class ContactLog(models.Model):
    """One contact with a customer (客户联系记录): who, when, how, what was said, the next step.
    Logged by hand or fed by the features that reach customers (visit records, callbacks, fee
    collection calls): those pass `source` and their own row's id, so a record arriving twice is
    logged once. Rows are never edited: a correction is a new contact."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    # Who made the contact (the account manager, or the agent who made the callback).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contacted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    contacted_at = models.DateTimeField(_("contacted at"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    summary = models.TextField(_("summary"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_on = models.DateField(_("next step by"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ContactSource.choices, default=ContactSource.MANUAL)
    source_id = models.BigIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=Q(source_id__isnull=False), name="contact_once_per_source"
            )
        ]
        indexes = [
            # The last contact of a customer (and of a customer on a channel): one index probe.
            models.Index(fields=["customer", "-contacted_at"], name="contact_customer_at_idx"),
            models.Index(fields=["user", "-contacted_at"], name="contact_user_at_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.contacted_at:%Y-%m-%d} {self.channel}"


class Assignment(models.Model):
    """When a customer got its present account manager: a newly assigned customer must be
    contacted within a week (seed 002 篇七). Kept from customers.hooks.on_managers_changed, so it
    knows every assignment made through the archive (hand, plan, departure, import, create)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=True
    )
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.customer_id} {self.manager_id} {self.assigned_at:%Y-%m-%d}"


class ContactDue(models.Model):
    """When each managed customer must next be contacted, worked out from its plan, its last
    contact, the first-contact week after an assignment and the next step agreed on the last
    contact. Refreshed set-based nightly and for the customers concerned on every log,
    assignment and tier change; a manager's list of contacts due is one walk of
    (manager, due_on)."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="+")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("contact by"))
    reason = models.CharField(_("why"), max_length=20, choices=DueReason.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact due")
        verbose_name_plural = _("contacts due")
        indexes = [models.Index(fields=["manager", "due_on"], name="contactdue_manager_due_idx")]

    def __str__(self):
        return f"{self.customer_id} {self.due_on}"


class KeyAccountReview(models.Model):
    """The quarterly review of a key account's file (seed 004 篇9): one per customer and quarter,
    due on the quarter's last day, closed by the manager with what was checked."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    quarter_start = models.DateField(_("quarter"))
    due_on = models.DateField(_("review by"))
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    notes = models.TextField(_("review notes"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key-account file review")
        verbose_name_plural = _("key-account file reviews")
        constraints = [models.UniqueConstraint(fields=["customer", "quarter_start"], name="review_once_per_quarter")]
        indexes = [models.Index(fields=["manager", "status", "due_on"], name="review_manager_idx")]

    def __str__(self):
        return f"{self.customer_id} {self.quarter_start}"
