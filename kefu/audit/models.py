from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction


class AuditEvent(models.Model):
    """One change (or sensitive read) of a record, written in the same transaction as it.

    The target is named by type and id rather than a foreign key so that the trail outlives
    the record it describes; `customer_id` ties every event to a customer's timeline.
    """

    occurred_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the (actor, -occurred_at) index below serves lookups by actor
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(_("object type"), max_length=50)
    target_id = models.BigIntegerField(_("object id"))
    target_repr = models.CharField(_("object"), max_length=200)
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["customer_id", "-occurred_at"]),
            models.Index(fields=["actor", "-occurred_at"]),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_repr}"
