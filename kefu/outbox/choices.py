from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeChat Work robot")
    FILE = "file", _("File")


class RecipientKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    KEY_PERSON = "key_person", _("Key person")
    USER = "user", _("Staff member")
    ADDRESS = "address", _("Address")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")
    GIVEN_UP = "given_up", _("Given up")
    OPTED_OUT = "opted_out", _("Opted out")
    CANCELLED = "cancelled", _("Cancelled")


# Rows the sending job may claim once their next_attempt_at has come.
READY_STATES = (MessageState.QUEUED, MessageState.RETRYING)
# Rows an admin may send again (a new attempt) or cancel.
RETRYABLE_STATES = (MessageState.FAILED, MessageState.GIVEN_UP)
CANCELLABLE_STATES = (MessageState.QUEUED, MessageState.RETRYING, MessageState.FAILED)
