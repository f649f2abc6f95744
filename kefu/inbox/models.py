from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to a staff member inside Kefu (supervision, escalation, reminders).

    `dedupe_key` is unique: a job that runs twice, or two workers at once, cannot notify twice.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30)
    text = models.CharField(_("text"), max_length=300)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Where the notification leads when it names no single request (a queue of several); a
    # request's own page otherwise. Given by the sender, so this app imports no other.
    url = models.CharField(_("link"), max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.text

    @property
    def target_url(self) -> str:
        if self.url:
            return self.url
        return reverse("tickets:detail", args=[self.ticket_id]) if self.ticket_id else ""
