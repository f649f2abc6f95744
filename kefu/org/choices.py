from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Service agent")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    HANDLER = "handler", _("Handling department")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Which roles do what, defined here once: selectors and services ask these sets and never list
# roles of their own (what each role may do is kefu.org.permissions; these say who is who).
# Read every customer and every request of the organisation (agents see numbers masked).
WHOLE_ORGANISATION_ROLES = frozenset({Role.AGENT, Role.AUDITOR, Role.ADMIN})
# Can be handed a request, by name or by a department's assignment rule.
HANDLING_ROLES = frozenset({Role.HANDLER, Role.AGENT, Role.ACCOUNT_MANAGER, Role.SUPERVISOR})
# Supervise a unit and the units below it: escalations of overdue requests go to them.
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR})
# Answer for a department's incoming work: told of a request transferred to it.
DEPARTMENT_DESK_ROLES = frozenset({Role.SUPERVISOR, Role.HANDLER})


class UnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    BRANCH = "branch", _("Branch")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")


class ManagerLevel(models.TextChoices):
    """Account-manager levels (客户代表分级, SPEC §4): chief for the top tier, then secondary, regular."""

    CHIEF = "chief", _("Chief account manager")
    SECONDARY = "secondary", _("Secondary account manager")
    REGULAR = "regular", _("Regular account manager")


# How senior a level is: a manager may serve a customer whose tier requires their level or lower.
MANAGER_LEVEL_RANK = {ManagerLevel.CHIEF: 3, ManagerLevel.SECONDARY: 2, ManagerLevel.REGULAR: 1}
