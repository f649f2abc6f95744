from django.db import models
from django.utils.translation import gettext_lazy as _


class ArrearStatus(models.TextChoices):
    OPEN = "open", _("Owed")
    PAID = "paid", _("Paid")


class StepKind(models.TextChoices):
    """How the customer was approached, in the order seeds 000 篇3 and 002 ask for: a soft
    written reminder (柔性催费) first, then a call, then a visit."""

    NOTICE = "notice", _("Payment notice")
    REMINDER = "reminder", _("Soft reminder")
    CALL = "call", _("Collection call")
    VISIT = "visit", _("Collection visit")


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Awaiting payment")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    REPLACED = "replaced", _("Replaced by a new promise")


class ImportKind(models.TextChoices):
    ARREARS = "arrears", _("Arrears (bills owed)")
    PAYMENTS = "payments", _("Payments received")
