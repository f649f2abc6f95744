"""Reads of care and notices: who a rule or a notice reaches, the care calendar, the lists.

Rules, batches and notices are configuration of the organisation (capability only, like
calendars and policies); the customers shown in a batch's review are narrowed to the reader's
customer scope (`customers_visible_to`), its totals are the batch's own."""

import calendar as pycalendar
from collections import Counter
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import BigIntegerField, Count, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer, KeyPerson
from kefu.customers.selectors import customers_visible_to
from kefu.customers.tiers import green_channel_codes
from kefu.org.permissions import has_capability

from .choices import OCCASION_NAMES, BatchStatus, NoticeStatus, Occasion
from .models import CareBatch, CareRecipient, CareRule, CustomOccasion, LineCustomer, Notice, NoticeStage, SupplyLine
from .occasions import custom_dates_between, holidays_between, month_days_matching, yearly_date

# Customers tagged so are important users (重要用户, SPEC §14), as are those of a green-channel tier.
IMPORTANT_TAG = "重要用户"


def _open_customers() -> QuerySet[Customer]:
    return Customer.objects.exclude(status=CustomerStatus.CLOSED)


def rule_customers(rule: CareRule) -> QuerySet[Customer]:
    """The customers a care rule covers, whatever the date: every filter kind given must match."""
    customers = _open_customers()
    if rule.tiers:
        customers = customers.filter(tier__in=rule.tiers)
    if rule.grids:
        customers = customers.filter(grid__in=rule.grids)
    if rule.regions:
        customers = customers.filter(region__in=rule.regions)
    tag_ids = list(rule.tags.values_list("pk", flat=True))
    if tag_ids:
        tagged = Customer.tags.through.objects.filter(tag_id__in=tag_ids).values("customer_id")
        customers = customers.filter(pk__in=tagged)
    return customers


def _birthday_on(day: date, prefix: str = "") -> Q:
    query = Q()
    for month, day_of_month in month_days_matching(day):
        query |= Q(**{f"{prefix}birthday__month": month, f"{prefix}birthday__day": day_of_month})
    return query


def rule_recipients(rule: CareRule, day: date) -> QuerySet:
    """What a batch of `rule` for `day` greets, as rows of (customer id, key person id or None):
    customers born that day, key persons born that day, or every covered customer on a holiday."""
    customers = rule_customers(rule)
    if rule.occasion == Occasion.KEY_PERSON_BIRTHDAY:
        return (
            KeyPerson.objects.filter(_birthday_on(day), customer__in=customers.values("pk"))
            .order_by()
            .values_list("customer_id", "pk")
        )
    if rule.occasion == Occasion.CUSTOMER_BIRTHDAY:
        customers = customers.filter(_birthday_on(day))
    # NULL typed as the key person's id, so that PostgreSQL inserts it into the bigint column.
    no_person = Cast(Value(None), output_field=BigIntegerField())
    return customers.order_by().annotate(no_person=no_person).values_list("pk", "no_person")


def rule_dates(rule: CareRule, first: date, last: date) -> list[date]:
    """The occasion dates of `rule` between `first` and `last` (every day for birthdays)."""
    if rule.occasion in (Occasion.CUSTOMER_BIRTHDAY, Occasion.KEY_PERSON_BIRTHDAY):
        return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    if rule.occasion == Occasion.CUSTOM:
        return custom_dates_between(rule.custom_occasion, first, last) if rule.custom_occasion else []
    return [item.day for item in holidays_between(first, last) if item.occasion == rule.occasion]


def occasion_label(rule: CareRule) -> str:
    if rule.occasion == Occasion.CUSTOM and rule.custom_occasion:
        return rule.custom_occasion.name
    return OCCASION_NAMES[rule.occasion]


def care_calendar(user, first: date) -> list[dict]:
    """The month from `first`: each day with its holidays, custom dates, how many of the reader's
    customers and key persons have a birthday, and the batches drawn up for it."""
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    days: dict[date, dict] = {}

    def entry(day: date) -> dict:
        return days.setdefault(
            day, {"date": day, "occasions": [], "birthdays": 0, "key_person_birthdays": 0, "batches": []}
        )

    for item in holidays_between(first, last):
        entry(item.day)["occasions"].append(item.label)
    for custom in CustomOccasion.objects.filter(active=True):
        for day in custom_dates_between(custom, first, last):
            entry(day)["occasions"].append(custom.name)
    born, people = _birthday_counts(user, first)
    for day, count in born.items():
        entry(day)["birthdays"] = count
    for day, count in people.items():
        entry(day)["key_person_birthdays"] = count
    if has_capability(user, "care.view"):
        for batch in CareBatch.objects.filter(occasion_date__range=(first, last)).select_related("rule"):
            entry(batch.occasion_date)["batches"].append(batch)
    return [days[day] for day in sorted(days)]


# A reader's birthday counts of a month are kept this long: at a million customers the count reads
# every customer born in the month (no index serves a month of a date), once per reader and month.
BIRTHDAY_COUNT_SECONDS = 600


def _by_greeting_day(rows, year: int) -> dict[date, int]:
    counts: Counter = Counter()
    for month, day, count in rows:
        counts[yearly_date(date(2000, month, day), year)] += count  # 2000: 29 February exists
    return dict(counts)


def _birthday_counts(user, first: date) -> tuple[dict, dict]:
    """(customers, key persons) born in `first`'s month per greeting day, among the customers the
    reader may see: counted by the database grouped by day, kept a few minutes per reader."""
    key = f"care:birthdays:{user.pk}:{first:%Y-%m}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    visible = customers_visible_to(user).exclude(status=CustomerStatus.CLOSED)
    customers = (
        visible.filter(birthday__month=first.month)
        .values_list("birthday__month", "birthday__day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people = (
        KeyPerson.objects.filter(birthday__month=first.month, customer__in=visible.values("pk"))
        .values_list("birthday__month", "birthday__day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = (_by_greeting_day(customers, first.year), _by_greeting_day(people, first.year))
    cache.set(key, counts, BIRTHDAY_COUNT_SECONDS)
    return counts


def rules_list() -> QuerySet[CareRule]:
    return CareRule.objects.select_related("custom_occasion").prefetch_related("tags")


def batches_list(status: str = "") -> QuerySet[CareBatch]:
    batches = CareBatch.objects.select_related("rule", "created_by", "decided_by").order_by("-occasion_date", "-pk")
    return batches.filter(status=status) if status else batches


def get_batch(user, pk: int) -> CareBatch:
    if not has_capability(user, "care.view"):
        from kefu.core.errors import PermissionDeniedError

        raise PermissionDeniedError()
    return get_object_or_404(batches_list(), pk=pk)


def batch_recipients(user, batch: CareBatch) -> QuerySet[CareRecipient]:
    """The batch's greetings among the customers the reader may see (for the review)."""
    return (
        CareRecipient.objects.filter(batch=batch, customer__in=customers_visible_to(user).values("pk"))
        .select_related("customer", "key_person")
        .order_by("opted_out", "pk")
    )


def batches_awaiting(user) -> QuerySet[CareBatch]:
    """Batches a user could approve now: pending ones they did not draw up."""
    if not has_capability(user, "care.approve"):
        return CareBatch.objects.none()
    return CareBatch.objects.filter(status=BatchStatus.PENDING).exclude(created_by=user)


def notice_customers(notice: Notice) -> QuerySet[Customer]:
    """Every customer a notice affects: in any of its regions or grids, on any of its lines or
    with any of its tags (a notice with none of these reaches nobody)."""
    query = Q(pk__in=[])
    if notice.regions:
        query |= Q(region__in=notice.regions)
    if notice.grids:
        query |= Q(grid__in=notice.grids)
    line_ids = list(notice.lines.values_list("pk", flat=True))
    if line_ids:
        query |= Q(pk__in=LineCustomer.objects.filter(line_id__in=line_ids).values("customer_id"))
    tag_ids = list(notice.tags.values_list("pk", flat=True))
    if tag_ids:
        query |= Q(pk__in=Customer.tags.through.objects.filter(tag_id__in=tag_ids).values("customer_id"))
    return _open_customers().filter(query)


def important_filter() -> Q:
    """Important users (SPEC §14): a green-channel tier or the tag 重要用户."""
    green = list(green_channel_codes())
    tagged = Customer.tags.through.objects.filter(tag__name=IMPORTANT_TAG).values("customer_id")
    return Q(tier__in=green) | Q(pk__in=tagged)


def notices_list(status: str = "") -> QuerySet[Notice]:
    notices = Notice.objects.select_related("created_by").order_by("-starts_at", "-pk")
    return notices.filter(status=status) if status else notices


def get_notice(user, pk: int) -> Notice:
    if not has_capability(user, "care.view"):
        from kefu.core.errors import PermissionDeniedError

        raise PermissionDeniedError()
    return get_object_or_404(notices_list(), pk=pk)


def stages_due(now) -> QuerySet[NoticeStage]:
    return NoticeStage.objects.filter(
        sent_at__isnull=True, due_at__lte=now, notice__status__in=[NoticeStatus.ACTIVE, NoticeStatus.RESTORED]
    )


# What the delivery report shows, in this order (the outbox's states grouped for people).
REPORT_GROUPS = (
    ("sent", ("sent",)),
    ("waiting", ("queued", "sending", "retrying")),
    ("failed", ("failed", "given_up")),
    ("opted_out", ("opted_out",)),
    ("cancelled", ("cancelled",)),
)


def _grouped(states: dict) -> dict:
    report = {name: sum(states.get(state, 0) for state in members) for name, members in REPORT_GROUPS}
    report["total"] = sum(states.values())
    return report


def delivery_report(source: str, source_id: int) -> dict:
    """Sent, waiting, failed, opted out and cancelled messages of one batch or notice, counted
    from the outbox's rows by source (one GROUP BY)."""
    from kefu.outbox.selectors import delivery_counts

    return _grouped(delivery_counts(source, [source_id]).get(source_id, {}))


def delivery_reports(source: str, source_ids) -> dict:
    from kefu.outbox.selectors import delivery_counts

    counts = delivery_counts(source, list(source_ids))
    return {source_id: _grouped(counts.get(source_id, {})) for source_id in source_ids}


def customer_lines(customer_id: int) -> QuerySet:
    """The supply lines a customer is on (an outage of any of them affects the customer)."""
    return SupplyLine.objects.filter(memberships__customer_id=customer_id).order_by("code")


def customer_notices(customer_id: int) -> QuerySet[Notice]:
    """The notices that reached a customer: those the outbox holds a message of for the customer."""
    from kefu.outbox.models import Message

    from .sending import NOTICE_SOURCE

    sent = Message.objects.filter(customer_id=customer_id, source=NOTICE_SOURCE).values("source_id")
    return Notice.objects.filter(pk__in=sent).order_by("-starts_at", "-pk")
