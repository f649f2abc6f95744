from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BOOKED = "booked", _("Appointment made")
    DONE = "done", _("Visited")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (VisitStatus.PLANNED, VisitStatus.BOOKED)
