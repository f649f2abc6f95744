from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.masking import mask_id_number, mask_phone
from kefu.core.models import TimeStampedModel, VersionedModel
from kefu.org.choices import ManagerLevel

from .choices import (
    CreditEventKind,
    CreditRating,
    CustomerKind,
    CustomerStatus,
    ImportKind,
    ImportStatus,
    Potential,
    SourceChannel,
)


class Tag(models.Model):
    """A free label on customers (e.g. 重要客户, 敏感用户)."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tier(models.Model):
    """A customer tier (客户等级: 三星/二星/一星, or A/B/C/D). `Customer.tier` holds its code.

    The tier drives the rest (SPEC §3): the manager level a customer needs, the green channel
    (绿色通道: shorter limits, first in every queue, a badge), and later visit frequency, callback
    coverage and care. `rank` 1 is the top tier.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=30)
    rank = models.PositiveSmallIntegerField(_("rank (1 = top)"), default=1)
    green_channel = models.BooleanField(_("green channel"), default=False)
    required_manager_level = models.CharField(
        _("required account-manager level"),
        max_length=20,
        choices=ManagerLevel.choices,
        default=ManagerLevel.REGULAR,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer tier")
        verbose_name_plural = _("customer tiers")
        ordering = ["rank", "code"]

    def __str__(self):
        return self.label


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CustomerQuerySet":
        """These customers narrowed to those `user` may see (selectors.customers_visible_to).

        The one data-scope path for related objects: choice fields, serializers and services
        take their customers from it, so a choice list never offers or accepts one out of scope.
        """
        from .selectors import customers_visible_to

        return self & customers_visible_to(user)


class Customer(TimeStampedModel, VersionedModel):
    """A customer in the archive: a person or an organisation, served by one account manager.

    Phone numbers are stored normalised (digits only) so that lookup by caller number is one
    index probe. `has_valid_phone` is kept by the services on every write because the data
    quality report aggregates it over millions of rows.
    """

    kind = models.CharField(
        _("customer type"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.INDIVIDUAL
    )
    code = models.CharField(_("customer number"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, db_index=True)
    phone = models.CharField(_("landline"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    org_code = models.CharField(_("organisation code"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True)
    grid = models.CharField(_("grid"), max_length=50, blank=True)
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    source_channel = models.CharField(_("source channel"), max_length=20, choices=SourceChannel.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    credit_rating = models.CharField(_("credit rating"), max_length=2, choices=CreditRating.choices, blank=True)
    potential = models.CharField(_("dependency or potential"), max_length=10, choices=Potential.choices, blank=True)
    customer_since = models.DateField(_("customer since"), null=True, blank=True)
    contract_no = models.CharField(_("contract number"), max_length=50, blank=True)
    competitor_info = models.TextField(_("competitor information"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("service unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    has_valid_phone = models.BooleanField(_("valid phone"), default=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="customer_code_unique"),
        ]
        indexes = [
            models.Index(fields=["org_code"], name="customer_org_code_idx"),
            models.Index(fields=["account_manager", "-id"], name="customer_manager_idx"),
            models.Index(fields=["org_unit", "-id"], name="customer_unit_idx"),
            models.Index(fields=["phone"], name="customer_phone_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class KeyPerson(TimeStampedModel, VersionedModel):
    """A person who matters at an organisation customer (关键人): whom to call, what to avoid."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="key_persons"
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("role or title"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, db_index=True)
    phone = models.CharField(_("landline"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    preferences = models.TextField(_("preferences"), blank=True)
    taboos = models.TextField(_("taboos"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key persons")
        ordering = ["-is_primary", "name"]

    def __str__(self):
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class CustomerProduct(models.Model):
    """A product or service the customer uses (用电类别, 套餐, 合同…)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("product or service"), max_length=100)
    started_on = models.DateField(_("since"), null=True, blank=True)
    contract_no = models.CharField(_("contract number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("product used")
        verbose_name_plural = _("products used")

    def __str__(self):
        return self.name


class CustomerVolume(models.Model):
    """Business volume and revenue of one customer in one period (a month)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="volumes")
    period = models.DateField(_("period (first day of month)"))
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2, default=0)
    revenue = models.DecimalField(_("revenue (yuan)"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("periodic volume")
        verbose_name_plural = _("periodic volumes")
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["customer", "period"], name="volume_per_period_unique")]

    def __str__(self):
        return f"{self.period:%Y-%m}: {self.volume}"


class CreditRecord(models.Model):
    """One entry of the credit history: payments on time or late, plans met or missed."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="credit_records")
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=CreditEventKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-occurred_on"]

    def __str__(self):
        return f"{self.occurred_on}: {self.get_kind_display()}"


class CustomerNote(models.Model):
    """A free note on the customer's timeline."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="timeline_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:50]


class ImportJob(TimeStampedModel):
    """An upload of customers or key persons, taken through mapping → dry run → commit.

    Progress counters are updated by the background job and polled by the progress bar.
    """

    kind = models.CharField(_("import of"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.READING)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("file format"), max_length=30, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    preview = models.JSONField(_("first rows of the file"), default=list)
    headers = models.JSONField(_("columns in the file"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    errors = models.JSONField(_("row errors"), default=list)
    imported_count = models.PositiveIntegerField(_("rows imported"), default=0)
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    failed_status = models.CharField(_("failed while"), max_length=20, choices=ImportStatus.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def progress_percent(self) -> int:
        return min(100, self.percent)


class ImportMapping(TimeStampedModel):
    """A column mapping a clerk saved, applied to the next file whose header row reads the same.

    Kept by header text ({header: field}), not by column position, so a file whose columns
    moved still maps; private to whoever saved it, like their import jobs.
    """

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("import of"), max_length=20, choices=ImportKind.choices)
    headers = models.JSONField(_("columns in the file"), default=list)
    fields = models.JSONField(_("column mapping"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_mappings")

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "kind", "name"], name="import_mapping_name_unique"),
        ]

    def __str__(self):
        return self.name


class ImportRow(models.Model):
    """A row the dry run cleaned, kept for the commit so that it does not clean every row again.

    The keys that duplicates are found by sit in their own columns, so the checks within the
    file and against the archive are SQL over this table; `data` holds the record's columns.
    Rows go when the job is done, discarded or cleaned up.

    A scratch table written a million rows at a time: no foreign-key constraint in the database
    (the job deletes its rows through the ORM's cascade and the clean-up; a constraint checked
    each staged row against the job, which doubled the server's work for the dry run's COPY),
    and one index on (job, id) that serves both a job's rows and the commit's reading by id range.
    """

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="staged_rows", db_constraint=False, db_index=False
    )
    number = models.PositiveIntegerField(_("row"))
    mobile = models.CharField(max_length=20, blank=True)
    org_code = models.CharField(max_length=30, blank=True)
    code = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("checked import row")
        verbose_name_plural = _("checked import rows")
        indexes = [models.Index(fields=["job", "id"], name="importrow_job_id_idx")]

    def __str__(self):
        return f"{self.job_id}:{self.number}"
