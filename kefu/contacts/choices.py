from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")


# A contact counts for a plan when its channel is at least as close as the plan's: a visit also
# answers a phone plan, a call also answers a message plan, a message answers only a message plan.
CHANNEL_STRENGTH = {ContactChannel.MESSAGE: 1, ContactChannel.PHONE: 2, ContactChannel.VISIT: 3}


def channels_answering(channel: str) -> list[str]:
    """The channels whose contacts answer a plan asking for `channel`."""
    floor = CHANNEL_STRENGTH[ContactChannel(channel)]
    return [str(code) for code, strength in CHANNEL_STRENGTH.items() if strength >= floor]


class ContactSource(models.TextChoices):
    MANUAL = "manual", _("Logged by hand")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit record")
    CALLBACK = "callback", _("Callback")
    COLLECTION = "collection", _("Fee collection")
    OTHER = "other", _("Other")


class DueReason(models.TextChoices):
    FIRST_CONTACT = "first", _("First contact after assignment")
    PLAN = "plan", _("Contact plan")
    NEXT_STEP = "next_step", _("Next step agreed")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DONE = "done", _("Reviewed")
