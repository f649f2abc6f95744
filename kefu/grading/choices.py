from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    """How a scheme turns criteria into a tier."""

    # Σ weight × points / 100 over the criteria, then the score's band (seed 004 篇9, RFM).
    WEIGHTED = "weighted", _("Weighted criteria")
    # Customers sorted by value; the cumulative share of the total decides the class (80/20, seed 003 篇6).
    VALUE_SHARE = "value_share", _("Value share (ABC)")


class Source(models.TextChoices):
    """What a criterion reads from the customer's data (over the scheme's period where it says so)."""

    VOLUME_TOTAL = "volume_total", _("Business volume in the period")
    REVENUE_TOTAL = "revenue_total", _("Revenue in the period")
    MONTHLY_VOLUME = "monthly_volume", _("Average monthly volume")
    MONTHLY_REVENUE = "monthly_revenue", _("Average monthly revenue")
    CREDIT_RATING = "credit_rating", _("Credit rating")
    POTENTIAL = "potential", _("Dependency or potential")
    COMPLAINTS = "complaints", _("Complaints in the last 12 months")
    YEARS = "years", _("Years as a customer")
    RECENCY_MONTHS = "recency_months", _("Months since the last month with business (0: the last month of the period)")
    ACTIVE_MONTHS = "active_months", _("Months with business in the period")


# Sources whose value is a code (credit 甲/乙/丙, potential 高/中/低): bands name values, not ranges.
CATEGORICAL_SOURCES = frozenset({Source.CREDIT_RATING, Source.POTENTIAL})


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("On demand")
    SCHEDULE = "schedule", _("Schedule")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Grading in progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # A later run computed another tier (or the current one) for the customer, or a manual
    # override set the grade: the proposal no longer says what the rules say.
    SUPERSEDED = "superseded", _("Superseded")


class ChangeSource(models.TextChoices):
    PROPOSAL = "proposal", _("Approved proposal")
    OVERRIDE = "override", _("Manual override")
