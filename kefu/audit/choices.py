from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    DELETED = "deleted", _("Deleted")
    IMPORTED = "imported", _("Imported")
    REVEALED = "revealed", _("Personal data revealed")
    EXPORTED = "exported", _("Exported")
    NOTE_ADDED = "note_added", _("Note added")
    ANONYMISED = "anonymised", _("Personal data erased")
