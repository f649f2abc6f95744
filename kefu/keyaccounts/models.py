from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel, VersionedModel
from kefu.org.choices import ManagerLevel

from .choices import ItemKind, PlanStatus, TeamRole


class KeyAccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> "KeyAccountQuerySet":
        from .selectors import key_accounts_visible_to

        return self & key_accounts_visible_to(user)


class KeyAccount(TimeStampedModel, VersionedModel):
    """A key account (大客户 / 集团客户): a customer served by a team, with its members (every
    customer whose `parent` chain leads to it) reaching that team through one point of contact
    (一点受理, seed 002 篇十), and a business file kept to the team and their superiors.

    Its manager is the customer's own account manager (`Customer.account_manager`), who must hold
    at least `required_level` (seed 003 篇6: intermediate or senior); the level is checked when
    the account is made and whenever the customer is given another manager.
    """

    customer = models.OneToOneField(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    required_level = models.CharField(
        _("required account-manager level"),
        max_length=20,
        choices=ManagerLevel.choices,
        default=ManagerLevel.SECONDARY,
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = KeyAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("key account")
        verbose_name_plural = _("key accounts")
        ordering = ["-id"]

    def __str__(self):
        return str(self.customer)


class TeamMember(models.Model):
    """One person on a key account's team in one role. One dedicated phone agent per account, so
    that a member's request has one place to go."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "user", "role"], name="keyaccount_member_unique"),
            models.UniqueConstraint(
                fields=["account"], condition=Q(role=TeamRole.PHONE_AGENT), name="keyaccount_one_phone_agent"
            ),
        ]
        indexes = [models.Index(fields=["user", "account"], name="keyaccount_member_user_idx")]

    def __str__(self):
        return f"{self.account_id}:{self.user_id}:{self.role}"


class ServicePlan(TimeStampedModel, VersionedModel):
    """A key account's service plan for a period (大客户服务方案): its goals, and the contacts,
    visits and reports for the account's head office that carry them out, as progress items."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=100)
    goals = models.TextField(_("goals"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class PlanItem(models.Model):
    """One thing a service plan promises (a goal, a contact, a visit, a report to the head office)
    by a date, and when and by whom it was done: the plan's progress is done ÷ all."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title


class Agreement(TimeStampedModel):
    """A group agreement (集团客户服务协议, seed 002 篇一) kept with the key account: part of its
    business file. The signed copy is stored through Django's storage and served only by a view
    that checks the business-file rule (never a public URL)."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="agreements"
    )
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("agreement number"), max_length=60, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="keyaccounts/agreements/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("group agreement")
        verbose_name_plural = _("group agreements")
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return self.title
