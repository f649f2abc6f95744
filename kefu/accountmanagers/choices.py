from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic assignment")
    DEPARTURE = "departure", _("Manager leaving")


class PlanStatus(models.TextChoices):
    COMPUTING = "computing", _("Being worked out")
    DRAFT = "draft", _("Preview (nothing saved yet)")
    APPLYING = "applying", _("Being applied")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")


WORKING_STATUSES = frozenset({PlanStatus.COMPUTING, PlanStatus.APPLYING})


class MoveReason(models.TextChoices):
    """Why a customer moves: the first five are forced, the last two come from balance."""

    NO_MANAGER = "no_manager", _("Has no account manager")
    MANAGER_UNAVAILABLE = "unavailable", _("Manager inactive, leaving or not an account manager")
    GRID = "grid", _("Manager does not serve the customer's grid or region")
    LEVEL = "level", _("Tier needs a more senior manager")
    LEAVING = "leaving", _("Manager leaving")
    CAPACITY = "capacity", _("Manager over capacity")
    BALANCE = "balance", _("Balance between managers")


FORCED_REASONS = frozenset(
    {MoveReason.NO_MANAGER, MoveReason.MANAGER_UNAVAILABLE, MoveReason.GRID, MoveReason.LEVEL, MoveReason.LEAVING}
)
