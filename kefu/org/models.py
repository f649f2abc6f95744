from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .choices import Role, UnitKind


class OrgUnit(MP_Node):
    """A node of the organisation tree: company → branch → department → team.

    Materialised paths make "everything under this unit" one indexed prefix match, which is
    how a supervisor's data scope is computed.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(_("code"), max_length=30, unique=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A personal staff login (no shared accounts), with one role and a place in the tree."""

    full_name = models.CharField(_("full name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self):
        return self.full_name or self.username
