"""Reads of the sales app. Data scope: what the reader may see of the customers' archive and,
for the business file (competitor records), group confidentiality on top of it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kefu.customers.models import Customer, CustomerVolume
from kefu.customers.selectors import business_file_customers as customers_business_file_customers
from kefu.customers.selectors import customers_visible_to
from kefu.org.choices import Role
from kefu.org.models import OrgUnit
from kefu.org.permissions import has_capability
from kefu.org.selectors import unit_subtree

from .choices import OPEN_STAGES, CampaignResult, ProspectStage, TargetMetric
from .models import (
    CampaignEntry,
    CompetitorRecord,
    NamedGroupCustomer,
    PriceRequest,
    Prospect,
    SalesCampaign,
    SalesTarget,
)

# The share of the year's named group customers to keep (seed 002), unless a retention target says otherwise.
NAMED_RETENTION_TARGET = Decimal("92")


def business_file_customers(user) -> QuerySet[Customer]:
    """Customers whose business file (competitor notes among it) the user may read: those they
    see in the archive, narrowed by the group-confidentiality rule (customers' one check, which
    the key accounts register: a group's file only for its team and their superiors)."""
    return customers_business_file_customers(user)


def competitor_records_visible_to(user) -> QuerySet[CompetitorRecord]:
    """Records of customers whose business file the user may read (none without competitors.view)."""
    if not has_capability(user, "competitors.view"):
        return CompetitorRecord.objects.none()
    return CompetitorRecord.objects.filter(customer__in=business_file_customers(user).values("pk"))


def get_competitor_record_for_user(user, pk: int) -> CompetitorRecord:
    return get_object_or_404(competitor_records_visible_to(user).select_related("customer", "recorded_by"), pk=pk)


def customer_competitor_records(user, customer_id: int) -> QuerySet[CompetitorRecord]:
    return competitor_records_visible_to(user).filter(customer_id=customer_id).select_related("recorded_by")


def competitor_activity(since: date) -> QuerySet:
    """Per customer, the competitor records learned or competitor visits made on or after `since`:
    `customer_id`, `records` (how many) and `last_seen` (the latest noted date). No reader scope:
    for set-based jobs such as the churn warning, which may compile it with
    `.query.sql_with_params()` into its own INSERT … SELECT."""
    return (
        CompetitorRecord.objects.filter(Q(noted_on__gte=since) | Q(visited_on__gte=since))
        .order_by()
        .values("customer_id")
        .annotate(records=Count("id"), last_seen=Max("noted_on"))
    )


# ---- whose work a user sees: managers their own, supervisors their subtree's, auditors and admins all


def _staff_scope(queryset: QuerySet, user, field: str) -> QuerySet:
    """Rows whose `field` (a user) is the user (an account manager), someone in the supervisor's
    subtree, or anyone (auditors, admins); nobody else's. The same rule as visits and books."""
    if user.role in (Role.AUDITOR, Role.ADMIN):
        return queryset
    if user.role == Role.ACCOUNT_MANAGER:
        return queryset.filter(**{field: user})
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return queryset.filter(**{f"{field}__org_unit__path__startswith": user.org_unit.path})
    return queryset.none()


def prospects_visible_to(user) -> QuerySet[Prospect]:
    if not has_capability(user, "sales.view"):
        return Prospect.objects.none()
    return _staff_scope(Prospect.objects.all(), user, "owner")


def get_prospect_for_user(user, pk: int) -> Prospect:
    return get_object_or_404(prospects_visible_to(user).select_related("owner", "customer"), pk=pk)


def filter_prospects(prospects: QuerySet[Prospect], filters: dict) -> QuerySet[Prospect]:
    """The pipeline's filters (kefu/sales/filters.ProspectFilter, page and API): `stage` open
    (default) or one stage, `source`, `owner` (an id), `q` a fragment of the name; newest change first."""
    stage = filters.get("stage") or "open"
    if stage == "open":
        prospects = prospects.filter(stage__in=OPEN_STAGES)
    elif stage in ProspectStage.values:
        prospects = prospects.filter(stage=stage)
    if filters.get("source"):
        prospects = prospects.filter(source=filters["source"])
    if filters.get("owner"):
        prospects = prospects.filter(owner_id=filters["owner"])
    if filters.get("q"):
        prospects = prospects.filter(name__contains=filters["q"].strip())
    return prospects.select_related("owner", "customer").order_by("-updated_at", "-pk")


def prospect_list(user, *, stage: str = "open") -> QuerySet[Prospect]:
    """The pipeline: open prospects (default), or those of one stage."""
    return filter_prospects(prospects_visible_to(user), {"stage": stage})


def pipeline_counts(user) -> dict[str, int]:
    counts = dict(prospects_visible_to(user).order_by().values_list("stage").annotate(n=Count("id")))
    return {stage: counts.get(stage, 0) for stage in ProspectStage.values}


def price_requests_visible_to(user) -> QuerySet[PriceRequest]:
    if not has_capability(user, "sales.view"):
        return PriceRequest.objects.none()
    return _staff_scope(PriceRequest.objects.all(), user, "owner")


def get_price_request_for_user(user, pk: int) -> PriceRequest:
    return get_object_or_404(
        price_requests_visible_to(user).select_related("owner", "customer", "prospect", "answered_by"), pk=pk
    )


PRICE_REQUEST_STATES = ("open", "overdue", "answered", "late")


def price_request_list(user, *, state: str = "open", now: datetime | None = None) -> QuerySet[PriceRequest]:
    """open (unanswered, soonest due first), overdue (unanswered past due), answered, late
    (answered after the due time)."""
    now = now or timezone.now()
    requests = price_requests_visible_to(user).select_related("owner", "customer", "prospect")
    if state == "overdue":
        return requests.filter(answered_at__isnull=True, due_at__lt=now).order_by("due_at", "pk")
    if state == "answered":
        return requests.filter(answered_at__isnull=False).order_by("-answered_at", "-pk")
    if state == "late":
        return requests.filter(answered_at__gt=F("due_at")).order_by("-answered_at", "-pk")
    return requests.filter(answered_at__isnull=True).order_by("due_at", "pk")


def campaigns_visible_to(user) -> QuerySet[SalesCampaign]:
    """Supervisors: campaigns of units in their subtree; managers: campaigns with entries for
    them; auditors and admins: all."""
    if not has_capability(user, "sales.view"):
        return SalesCampaign.objects.none()
    if user.role in (Role.AUDITOR, Role.ADMIN):
        return SalesCampaign.objects.all()
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return SalesCampaign.objects.filter(org_unit__path__startswith=user.org_unit.path)
    if user.role == Role.ACCOUNT_MANAGER:
        mine = CampaignEntry.objects.filter(assignee=user).values("campaign_id")
        return SalesCampaign.objects.filter(pk__in=mine)
    return SalesCampaign.objects.none()


def get_campaign_for_user(user, pk: int) -> SalesCampaign:
    return get_object_or_404(campaigns_visible_to(user).select_related("org_unit", "created_by"), pk=pk)


def campaign_entries(user, campaign: SalesCampaign) -> QuerySet[CampaignEntry]:
    """A campaign's list as the user may work it: a manager only their own entries."""
    entries = CampaignEntry.objects.filter(campaign=campaign).select_related("customer", "prospect", "assignee")
    if user.role == Role.ACCOUNT_MANAGER:
        entries = entries.filter(assignee=user)
    return entries.order_by("result", "pk")


def campaign_results(campaign: SalesCampaign) -> dict[str, int]:
    """How many entries have each result, and the total."""
    counts = dict(
        CampaignEntry.objects.filter(campaign=campaign).order_by().values_list("result").annotate(n=Count("id"))
    )
    results = {result: counts.get(result, 0) for result in CampaignResult.values}
    results["total"] = sum(counts.values())
    return results


# ---- targets and their progress


def targets_visible_to(user) -> QuerySet[SalesTarget]:
    """Auditors and admins: all; supervisors: targets of units in their subtree and of their
    managers; managers: their own and those of the units they belong to (their team, branch…)."""
    if not has_capability(user, "sales.view"):
        return SalesTarget.objects.none()
    targets = SalesTarget.objects.all()
    if user.role in (Role.AUDITOR, Role.ADMIN):
        return targets
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        path = user.org_unit.path
        return targets.filter(Q(org_unit__path__startswith=path) | Q(manager__org_unit__path__startswith=path))
    if user.role == Role.ACCOUNT_MANAGER:
        # Their own unit and every unit above it: the materialised path's prefixes.
        path, step = (user.org_unit.path if user.org_unit_id else ""), OrgUnit.steplen
        paths = [path[:end] for end in range(step, len(path) + 1, step)]
        return targets.filter(Q(manager=user) | Q(org_unit__path__in=paths))
    return targets.none()


def units_in_reach(user) -> QuerySet[OrgUnit]:
    """Units a user may set a target or run a campaign for: admins any, anyone else their own
    unit's subtree; none without a unit."""
    if user.role == Role.ADMIN:
        return OrgUnit.objects.all()
    return unit_subtree(user.org_unit) if user.org_unit_id else OrgUnit.objects.none()


@dataclass(frozen=True)
class Retention:
    listed: int
    lost: int
    target: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Retained ÷ listed, in per cent to two places; None for an empty list."""
        if not self.listed:
            return None
        return (Decimal(self.listed - self.lost) * 100 / self.listed).quantize(Decimal("0.01"))

    @property
    def met(self) -> bool | None:
        return None if self.rate is None else self.rate >= self.target


def named_retention(named: QuerySet[NamedGroupCustomer], *, as_of: date, target: Decimal | None = None) -> Retention:
    """The retention of a named list: how many were listed, how many lost on or before `as_of`."""
    counts = named.aggregate(listed=Count("id"), lost=Count("id", filter=Q(lost_on__lte=as_of)))
    return Retention(listed=counts["listed"], lost=counts["lost"], target=target or NAMED_RETENTION_TARGET)


def named_customers_visible_to(user) -> QuerySet[NamedGroupCustomer]:
    if not has_capability(user, "sales.view"):
        return NamedGroupCustomer.objects.none()
    return NamedGroupCustomer.objects.filter(customer__in=customers_visible_to(user).values("pk"))


def retention_target_for_year(year: int) -> Decimal:
    """The company's retention target of the year (a retention target on the root unit covering
    the year), else the standing 92 %."""
    target = (
        SalesTarget.objects.filter(
            metric=TargetMetric.RETENTION, org_unit__depth=1, period_start__year=year, period_end__year=year
        )
        .order_by("-period_end")
        .first()
    )
    return target.value if target else NAMED_RETENTION_TARGET


def named_retention_for_user(user, year: int, *, today: date | None = None) -> Retention:
    as_of = min(today or timezone.localdate(), date(year, 12, 31))
    return named_retention(
        named_customers_visible_to(user).filter(year=year), as_of=as_of, target=retention_target_for_year(year)
    )


def _customers_of(target: SalesTarget) -> Q:
    if target.manager_id:
        return Q(account_manager_id=target.manager_id)
    return Q(org_unit__path__startswith=target.org_unit.path)


def _owners_of(target: SalesTarget, field: str) -> Q:
    if target.manager_id:
        return Q(**{field: target.manager_id})
    return Q(**{f"{field}__org_unit__path__startswith": target.org_unit.path})


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time(0), tzinfo=zone), datetime.combine(
        end + timedelta(days=1), time(0), tzinfo=zone
    )


def target_actual(target: SalesTarget, *, today: date | None = None) -> Decimal | None:
    """What has been achieved against `target`, from the data:
    - new customers: prospects of the manager (or of the unit's staff) won in the period;
    - revenue: the monthly revenue (customers.CustomerVolume) of the manager's (or the unit's)
      customers for the months of the period;
    - retention: the rate of the named group customers of the period's year that the manager
      holds (or the unit serves), as of today or the period's end."""
    if target.metric == TargetMetric.NEW_CUSTOMERS:
        low, high = _day_bounds(target.period_start, target.period_end)
        won = Prospect.objects.filter(
            _owners_of(target, "owner"), stage=ProspectStage.WON, won_at__gte=low, won_at__lt=high
        )
        return Decimal(won.count())
    if target.metric == TargetMetric.REVENUE:
        customers = Customer.objects.filter(_customers_of(target)).values("pk")
        total = CustomerVolume.objects.filter(
            customer_id__in=customers, period__gte=target.period_start.replace(day=1), period__lte=target.period_end
        ).aggregate(total=Sum("revenue"))["total"]
        return total or Decimal("0")
    customers = Customer.objects.filter(_customers_of(target)).values("pk")
    named = NamedGroupCustomer.objects.filter(year=target.period_start.year, customer_id__in=customers)
    as_of = min(today or timezone.localdate(), target.period_end)
    return named_retention(named, as_of=as_of).rate


def target_progress(target: SalesTarget, *, today: date | None = None) -> dict:
    """The target, what was achieved, and the share (per cent; for retention, whether it is met)."""
    actual = target_actual(target, today=today)
    share = None if actual is None or not target.value else (actual * 100 / target.value).quantize(Decimal("0.1"))
    return {"target": target, "actual": actual, "share": share, "met": actual is not None and actual >= target.value}
