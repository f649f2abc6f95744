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


class BookLoad(models.Model):
    """How many customers each account manager holds, per service unit, grid and tier: the
    supervisors' books page (load per manager, balance per grid, customers without a manager).

    A snapshot of the customer archive written set-based by `books.books_refresh` (a periodic
    job, after assignment and on demand), because counting a million customers by manager, grid
    and tier on each view of the page costs far more than reading these few thousand rows; the
    page says when it was taken. A manager's own book is always read live from the archive.
    Rows are keyed by the customer's service unit so that a supervisor's figures cover exactly
    the customers of their subtree (customers.selectors.customers_visible_to). No foreign-key
    constraints: the snapshot is replaced as a whole and must never block deleting a unit.
    """

    org_unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    grid = models.CharField(_("grid"), max_length=50, blank=True)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    customers = models.PositiveIntegerField(_("customers"))
    refreshed_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("book load")
        verbose_name_plural = _("book loads")

    def __str__(self):
        return f"{self.manager_id or '-'} {self.grid or '-'} {self.tier or '-'}: {self.customers}"
