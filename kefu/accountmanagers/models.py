from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel, VersionedModel
from kefu.org.choices import ManagerLevel


class ManagerProfile(TimeStampedModel, VersionedModel):
    """What assignment needs to know of an account manager (客户经理): level, capacity, where and
    what they serve. A user with the account-manager role and no profile takes no new customers.

    `grids` and `industries` are lists of codes (网格 as on `Customer.grid`, industries as on
    `Customer.industry`); an empty list means "any". `capacity` is the most customers the
    manager should hold (0: no limit beyond balance); `accepting` is false for someone leaving or
    on long leave, so that assignment gives them nothing new.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.CASCADE,
        related_name="manager_profile",
    )
    level = models.CharField(_("level"), max_length=20, choices=ManagerLevel.choices, default=ManagerLevel.REGULAR)
    capacity = models.PositiveIntegerField(_("capacity (customers)"), default=0)
    grids = models.JSONField(_("grids"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    industries = models.JSONField(_("skills or industries"), default=list, blank=True)
    accepting = models.BooleanField(_("accepting new customers"), default=True)

    class Meta:
        verbose_name = _("account-manager profile")
        verbose_name_plural = _("account-manager profiles")

    def __str__(self):
        return str(self.user)
