from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel, VersionedModel

from .choices import ArrearStatus, PromiseStatus, StepKind


class ArrearQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ArrearQuerySet":
        from .selectors import arrears_visible_to

        return self & arrears_visible_to(user)


class Arrear(TimeStampedModel, VersionedModel):
    """What a customer owes for one bill period (欠费), as the billing system states it: the
    amount billed and the date it was due. One row per customer and period, so importing the
    same bill again (a re-sent file, an API retry) changes nothing. `paid` is the sum of the
    payments recorded against it, kept by the payment service; the arrear is settled (`paid`
    status) when `paid` reaches `amount`. `promise_broken` flags a promise to pay that passed
    its date unpaid, until the arrear is paid or a new promise is made."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField(_("bill period"), help_text=_("First day of the billed month."))
    amount = models.DecimalField(
        _("amount owed (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid = models.DecimalField(_("paid (yuan)"), max_digits=14, decimal_places=2, default=0)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=ArrearStatus.choices, default=ArrearStatus.OPEN)
    promise_broken = models.BooleanField(_("promise broken"), default=False)
    reminded_at = models.DateTimeField(_("last soft reminder"), null=True, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    objects = ArrearQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrear")
        verbose_name_plural = _("arrears")
        constraints = [models.UniqueConstraint(fields=["customer", "period"], name="arrear_once_per_period")]
        indexes = [
            models.Index(fields=["due_date"], name="arrear_open_due_idx", condition=Q(status="open")),
            models.Index(fields=["customer", "-period"], name="arrear_customer_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.period:%Y-%m}"

    @property
    def balance(self):
        return self.amount - self.paid


class Payment(models.Model):
    """Money received against an arrear, from the billing system (file or API) or typed in. The
    billing system's reference (流水号) is unique, so a payment sent twice is counted once."""

    arrear = models.ForeignKey(Arrear, verbose_name=_("arrear"), on_delete=models.CASCADE, related_name="payments")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    amount = models.DecimalField(
        _("amount paid (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.UniqueConstraint(fields=["reference"], name="payment_reference_unique")]
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["customer", "-paid_on"], name="payment_customer_idx")]

    def __str__(self):
        return self.reference


class CollectionStep(models.Model):
    """One approach to the customer about an arrear: a payment notice or soft reminder (sent
    through the outbox, `message_key` its idempotency key), a call or a visit with what was said.
    The history the manager and the supervisor read; calls and visits also go to the contact log."""

    arrear = models.ForeignKey(Arrear, verbose_name=_("arrear"), on_delete=models.CASCADE, related_name="steps")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StepKind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)
    message_key = models.CharField(_("message key"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("collection step")
        verbose_name_plural = _("collection steps")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["arrear", "-at"], name="collection_step_arrear_idx")]

    def __str__(self):
        return f"{self.arrear_id} {self.kind}"


class Promise(models.Model):
    """The customer's promise to pay (承诺缴费) by a date. A periodic job marks it broken the day
    after its date if the arrear's balance is not paid, and flags the arrear."""

    arrear = models.ForeignKey(Arrear, verbose_name=_("arrear"), on_delete=models.CASCADE, related_name="promises")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    promised_on = models.DateField(_("pay by"))
    amount = models.DecimalField(_("amount promised (yuan)"), max_digits=14, decimal_places=2)
    # What had been paid when the promise was made: the promise is kept once `amount` more came in.
    paid_before = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_on = models.DateField(_("kept or broken on"), null=True, blank=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["promised_on"], name="promise_open_idx", condition=Q(status="open"))]

    def __str__(self):
        return f"{self.arrear_id} {self.promised_on}"


class CollectionTarget(models.Model):
    """The collection rate a manager or a unit (branch, team) is asked to reach over a period
    (e.g. 100 % recovery by the year's end, SPEC §4). Exactly one of manager and unit is set."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_percent = models.DecimalField(_("target rate (%)"), max_digits=5, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("collection target")
        verbose_name_plural = _("collection targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(manager__isnull=False, org_unit__isnull=True)
                | Q(manager__isnull=True, org_unit__isnull=False),
                name="collection_target_one_owner",
            ),
            models.UniqueConstraint(
                fields=["period_start", "period_end", "manager"],
                condition=Q(manager__isnull=False),
                name="collection_target_manager_once",
            ),
            models.UniqueConstraint(
                fields=["period_start", "period_end", "org_unit"],
                condition=Q(org_unit__isnull=False),
                name="collection_target_unit_once",
            ),
        ]

    def __str__(self):
        return f"{self.period_start}–{self.period_end} {self.target_percent}%"
