from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.org.choices import ManagerLevel, Role


class TeamRole(models.TextChoices):
    """A place on a key account's service team besides its manager (Customer.account_manager):
    deputies or executive representatives (执行代表, seed 004 篇9), the dedicated engineer and the
    dedicated phone agent (seed 003 篇2)."""

    DEPUTY = "deputy", _("Deputy / executive representative")
    ENGINEER = "engineer", _("Dedicated engineer")
    PHONE_AGENT = "phone_agent", _("Dedicated phone agent")


# Who may take each place: the staff role it needs and, for the places that stand in for the
# manager, the lowest account-manager level (seed 003 篇6: intermediate or senior only).
ROLE_NEEDS: dict[str, frozenset[str]] = {
    TeamRole.DEPUTY: frozenset({Role.ACCOUNT_MANAGER}),
    TeamRole.ENGINEER: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    TeamRole.PHONE_AGENT: frozenset({Role.AGENT}),
}
LEVEL_NEEDED: dict[str, str] = {TeamRole.DEPUTY: ManagerLevel.SECONDARY}


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    CLOSED = "closed", _("Closed")


class ItemKind(models.TextChoices):
    """What a service plan's progress item is (seed 004 篇9: goals, contacts, visits, and the
    reports the account's head office receives)."""

    GOAL = "goal", _("Goal")
    CONTACT = "contact", _("Contact")
    VISIT = "visit", _("Visit")
    REPORT = "report", _("Report to the head office")
