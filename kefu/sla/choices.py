from django.db import models
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    OFFICIAL = "official", _("Official schedule (State Council notice)")
    LOCAL = "local", _("Local working day or closure")


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    ARRIVAL = "arrival", _("Arrival on site")
    RESOLUTION = "resolution", _("Resolution")


class TimeUnit(models.TextChoices):
    CALENDAR_MINUTES = "calendar_minutes", _("minutes")
    CALENDAR_HOURS = "calendar_hours", _("hours (around the clock)")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class SlaState(models.TextChoices):
    OK = "ok", _("On time")
    WARNING = "warning", _("Due soon")
    BREACHED = "breached", _("Overdue")
