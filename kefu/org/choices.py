from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Service agent")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    HANDLER = "handler", _("Handling department")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class UnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    BRANCH = "branch", _("Branch")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")
