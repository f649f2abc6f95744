from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel
from kefu.outbox.choices import Channel

from .choices import BatchStatus, NoticeKind, NoticeStatus, Occasion, StageAudience


class CustomOccasion(models.Model):
    """A date of the organisation's own to greet customers on (company anniversary, a local
    festival): seed 002 "custom dates". `yearly` repeats it on the same month and day each year."""

    name = models.CharField(_("name"), max_length=50)
    day = models.DateField(_("date"))
    yearly = models.BooleanField(_("every year"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("custom care date")
        verbose_name_plural = _("custom care dates")
        ordering = ["day", "name"]

    def __str__(self):
        return self.name


class CareRule(VersionedModel):
    """Which customers get which greeting on which channel, for which occasion. The greeting is the
    outbox template of `purpose` for `channel` (outbox templates are per purpose and channel).
    Each filter list left empty means "any"; filters of different kinds must all match."""

    name = models.CharField(_("name"), max_length=100)
    occasion = models.CharField(_("occasion"), max_length=30, choices=Occasion.choices)
    custom_occasion = models.ForeignKey(
        CustomOccasion,
        verbose_name=_("custom date"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
    )
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    grids = models.JSONField(_("grids"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    tags = models.ManyToManyField("customers.Tag", verbose_name=_("tags"), blank=True, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    purpose = models.CharField(_("greeting template"), max_length=50)
    # A batch is drawn up this many days before its date, so that a supervisor has time to approve it.
    days_ahead = models.PositiveSmallIntegerField(
        _("prepare days ahead"), default=3, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("care rule")
        verbose_name_plural = _("care rules")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class CareBatch(models.Model):
    """The greetings of one rule for one occasion date: drawn up (by the job or a user), reviewed
    and approved by a supervisor who did not draw it up (seed 002), and only then queued in the
    outbox. One per rule and date, so generating twice makes one."""

    rule = models.ForeignKey(CareRule, verbose_name=_("care rule"), on_delete=models.PROTECT, related_name="batches")
    occasion_date = models.DateField(_("occasion date"))
    occasion_label = models.CharField(_("occasion"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=200, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    opted_out = models.PositiveIntegerField(_("opted out"), default=0)

    class Meta:
        verbose_name = _("care batch")
        verbose_name_plural = _("care batches")
        constraints = [models.UniqueConstraint(fields=["rule", "occasion_date"], name="care_batch_once_per_date")]
        indexes = [models.Index(fields=["status", "occasion_date"], name="care_batch_status_idx")]

    def __str__(self):
        return f"{self.occasion_label} {self.occasion_date}"


class CareRecipient(models.Model):
    """One greeting of a batch: the customer (and the key person, for a key person's birthday).
    `opted_out` recipients are listed for the review and counted in the report, never sent."""

    batch = models.ForeignKey(CareBatch, on_delete=models.CASCADE, related_name="recipient_rows")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    key_person = models.ForeignKey("customers.KeyPerson", on_delete=models.CASCADE, null=True, related_name="+")
    opted_out = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("care recipient")
        verbose_name_plural = _("care recipients")
        indexes = [models.Index(fields=["customer"], name="care_recipient_customer_idx")]

    def __str__(self):
        return f"{self.batch_id}:{self.customer_id}"


class SupplyLine(models.Model):
    """A supply line (线路): the customers on it are the ones an outage of the line affects. Kept
    by the admin, importable from a CSV of line code and customer number."""

    code = models.CharField(_("line code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=50, blank=True)
    active = models.BooleanField(_("active"), default=True)
    customers = models.ManyToManyField(
        "customers.Customer", verbose_name=_("customers"), through="LineCustomer", related_name="+"
    )

    class Meta:
        verbose_name = _("supply line")
        verbose_name_plural = _("supply lines")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class LineCustomer(models.Model):
    line = models.ForeignKey(SupplyLine, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("customer on a line")
        verbose_name_plural = _("customers on lines")
        constraints = [models.UniqueConstraint(fields=["line", "customer"], name="care_line_customer_unique")]
        indexes = [models.Index(fields=["customer"], name="care_line_customer_idx")]

    def __str__(self):
        return f"{self.line_id}:{self.customer_id}"


class Notice(VersionedModel):
    """An outage or maintenance notice to every affected customer (seed 000 篇8, SPEC §8 and §14).
    Affected: customers in any of the regions or grids, on any of the lines or with any of the
    tags. Sent in stages (NoticeStage), each once."""

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=100)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    area = models.CharField(_("affected area"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("expected restoration"), null=True, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    grids = models.JSONField(_("grids"), default=list, blank=True)
    tags = models.ManyToManyField("customers.Tag", verbose_name=_("tags"), blank=True, related_name="+")
    lines = models.ManyToManyField(SupplyLine, verbose_name=_("supply lines"), blank=True, related_name="notices")
    offsets_days = models.JSONField(_("days ahead"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.ACTIVE)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return self.title


class NoticeStage(models.Model):
    """One sending of a notice: `7d`, `1d` ahead, `important` (24 h ahead to important users),
    `now` (an unplanned outage), `restoration`. Claimed once by a conditional update of
    `sent_at`, and each message carries an idempotency key, so a stage goes out once even when
    the job runs twice or on two workers."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="stages")
    key = models.CharField(max_length=20)
    audience = models.CharField(max_length=20, choices=StageAudience.choices, default=StageAudience.ALL)
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    opted_out = models.PositiveIntegerField(_("opted out"), default=0)

    class Meta:
        verbose_name = _("notice stage")
        verbose_name_plural = _("notice stages")
        ordering = ["due_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "key"], name="care_notice_stage_once")]
        indexes = [models.Index(fields=["due_at"], name="care_stage_due_idx", condition=models.Q(sent_at__isnull=True))]

    def __str__(self):
        return f"{self.notice_id}:{self.key}"

    @property
    def label(self) -> str:
        """The stage as people say it: 7 天前, 24 小时前（重要用户）, 立即, 恢复供电."""
        if self.key == "important":
            return _("24 hours ahead (important users)")
        if self.key == "now":
            return _("At once")
        if self.key == "restoration":
            return _("Restoration")
        return _("%(days)s days ahead") % {"days": self.key.rstrip("d")}
