from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel, VersionedModel
from kefu.org.choices import ManagerLevel

from .choices import MoveReason, PlanKind, PlanStatus


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


class AssignmentPlan(models.Model):
    """A worked-out assignment of customers to managers, shown before anything is saved.

    Running the automatic assignment (or a departure) writes a plan and its moves, never a
    customer; applying it moves the customers through `customers.services` and, for a departure,
    hands the leaving manager's open work over. A plan is applied once: its status is claimed with
    a conditional update, so a double click or two supervisors at once apply it once.

    Both steps are background jobs (a million customers take longer than a web request may):
    the plan is created `computing` and becomes `draft` once worked out; applying marks it
    `applying`, and the job makes it `applied`. A job that fails leaves it `failed` with the reason
    in `failure` and nothing half-written.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices, default=PlanKind.AUTOMATIC)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    leaving = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leaving account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receives other open work"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customers_considered = models.PositiveIntegerField(_("customers considered"), default=0)
    moves_count = models.PositiveIntegerField(_("customers to move"), default=0)
    unplaced = models.PositiveIntegerField(_("customers no manager fits"), default=0)
    applied_count = models.PositiveIntegerField(_("customers moved"), default=0)
    stale_count = models.PositiveIntegerField(_("moves skipped (changed since)"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The successors named for a departure, kept for the background job that works the plan out.
    successor_ids = models.JSONField(_("successors named"), default=list, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    # When the present background step (computing or applying) started: a step older than the
    # job lease was left by a dead worker, and `plans_reap` fails it with a reason.
    working_since = models.DateTimeField(_("step started at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment plan")
        verbose_name_plural = _("assignment plans")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class AssignmentMove(models.Model):
    """One customer's move in a plan: from whom, to whom and why (the preview lists these)."""

    # Read by plan only, through move_plan_idx (plan, id): no second index on plan alone, since
    # each index is written 250,000 times by a first plan over a million customers.
    plan = models.ForeignKey(AssignmentPlan, on_delete=models.CASCADE, related_name="moves", db_index=False)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE)
    from_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved from"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    to_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    reason = models.CharField(_("reason"), max_length=20, choices=MoveReason.choices)

    class Meta:
        verbose_name = _("assignment move")
        verbose_name_plural = _("assignment moves")
        indexes = [models.Index(fields=["plan", "id"], name="move_plan_idx")]

    def __str__(self):
        return f"{self.customer_id}: {self.from_manager_id} → {self.to_manager_id}"


class Handover(models.Model):
    """What a receiving manager took over from a leaving one (交接记录): customers, open requests,
    and whatever later apps hand over (callbacks, visits, tasks through `handover.register_handover_provider`).

    `items` lists each kind with its count and the first rows ({kind, label, count, refs: [[id, text, url]]});
    the receiving manager acknowledges it (audited).
    """

    plan = models.ForeignKey(
        AssignmentPlan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken over by"),
        on_delete=models.PROTECT,
        related_name="handovers_received",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    items = models.JSONField(_("items"), default=list, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-id"]
        indexes = [models.Index(fields=["to_user", "-id"], name="handover_to_idx")]

    def __str__(self):
        return f"{self.from_user} → {self.to_user}"
