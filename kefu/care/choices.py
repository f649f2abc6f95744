from django.db import models
from django.utils.translation import gettext_lazy as _


class Occasion(models.TextChoices):
    """What a care rule greets: a birthday, one of the four holidays (seed 002), or a custom date."""

    CUSTOMER_BIRTHDAY = "customer_birthday", _("Customer's birthday")
    KEY_PERSON_BIRTHDAY = "key_person_birthday", _("Key person's birthday")
    NEW_YEAR = "new_year", _("New Year's Day (元旦)")
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival (春节)")
    DRAGON_BOAT = "dragon_boat", _("Dragon Boat Festival (端午)")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival (中秋)")
    CUSTOM = "custom", _("Custom date")


# The occasion's name as greetings say it (stored on the batch and passed to the template as
# `occasion`): the customers' own words, whatever the staff's screen language.
OCCASION_NAMES = {
    "customer_birthday": "生日",
    "key_person_birthday": "生日",
    "new_year": "元旦",
    "spring_festival": "春节",
    "dragon_boat": "端午节",
    "mid_autumn": "中秋节",
}

HOLIDAYS = (Occasion.NEW_YEAR, Occasion.SPRING_FESTIVAL, Occasion.DRAGON_BOAT, Occasion.MID_AUTUMN)
BIRTHDAYS = (Occasion.CUSTOMER_BIRTHDAY, Occasion.KEY_PERSON_BIRTHDAY)


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved, being queued")
    ENQUEUED = "enqueued", _("Approved and queued")
    REJECTED = "rejected", _("Rejected")


class NoticeKind(models.TextChoices):
    PLANNED = "planned", _("Planned outage")
    MAINTENANCE = "maintenance", _("Maintenance")
    TEMPORARY = "temporary", _("Temporary outage")
    UNPLANNED = "unplanned", _("Unplanned outage")


# Notices announced ahead of their start (the others go out at once).
AHEAD_KINDS = (NoticeKind.PLANNED, NoticeKind.MAINTENANCE, NoticeKind.TEMPORARY)


class NoticeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")
    RESTORED = "restored", _("Supply restored")


class StageAudience(models.TextChoices):
    ALL = "all", _("Every affected customer")
    IMPORTANT = "important", _("Important users")
