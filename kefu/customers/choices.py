from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    CLOSED = "closed", _("Closed account")


class SourceChannel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    COUNTER = "counter", _("Counter")
    VISIT = "visit", _("Visit")
    PORTAL = "portal", _("Web portal")
    REFERRAL = "referral", _("Referral")
    MARKETING = "marketing", _("Marketing campaign")
    IMPORT = "import", _("Imported list")
    OTHER = "other", _("Other")


class CreditRating(models.TextChoices):
    A = "A", _("Grade A (good)")
    B = "B", _("Grade B (fair)")
    C = "C", _("Grade C (poor)")


class Potential(models.TextChoices):
    """Dependency on us or growth potential (依存度/潜力, seed 004 篇9), a grading criterion."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class CreditEventKind(models.TextChoices):
    PAID_ON_TIME = "paid_on_time", _("Paid on time")
    LATE_PAYMENT = "late_payment", _("Late payment")
    PLAN_FULFILLED = "plan_fulfilled", _("Plan fulfilled")
    PLAN_MISSED = "plan_missed", _("Plan missed")
    OTHER = "other", _("Other")


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    KEY_PERSONS = "key_persons", _("Key persons")


class ImportStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    UPLOADED = "uploaded", _("Uploaded, waiting for column mapping")
    VALIDATING = "validating", _("Checking rows")
    VALIDATED = "validated", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
