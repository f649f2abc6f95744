from django.db import models
from django.utils.translation import gettext_lazy as _


class Factor(models.TextChoices):
    """What makes a customer likely to leave (SPEC §9, seed 002 篇二 §6); each adds weighted points."""

    VOLUME = "volume", _("Falling volume or revenue")
    COMPLAINTS = "complaints", _("Repeated or unresolved complaints")
    CALLBACKS = "callbacks", _("Unsatisfied callbacks")
    CONTACT = "contact", _("No contact for long")
    COMPETITOR = "competitor", _("Competitor activity")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RETAINED = "retained", _("Retained")
    LOST = "lost", _("Lost")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Nightly schedule")
    MANUAL = "manual", _("Started by hand")
