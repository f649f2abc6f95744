"""Starting, pausing, resuming and stopping the time-limit clocks of requests.

The tickets lifecycle hooks call these inside the request's own transaction (TicketsConfig.ready
subscribes them), so a clock never disagrees with the state that moved it. The workflow states
passed in are read through `is_initial`, `is_final`, `is_waiting` and `stops_arrival_clock`;
rows on the request's timeline are written through `kefu.sla.hooks` (sla never imports tickets).
"""

from datetime import datetime, timedelta

from kefu.core import config_cache

from . import calendar as business_calendar
from .choices import Metric, TimeUnit
from .hooks import request_writers
from .models import BusinessCalendar, SlaClock, SlaPolicy
from .selectors import calendar_for_unit_id, clock_milestones, time_limit_state

_CLOCK_FIELDS = [
    "due_at", "warn_at", "paused_at", "paused_seconds", "stopped_at", "started_at", "warned_at", "breached_at",
    "escalation_level", "escalated_at", "reminded_at", "provisional", "calendar",
]  # fmt: skip
_TARGETS = {
    Metric.FIRST_RESPONSE: ("first_response", "first_response_unit"),
    Metric.ARRIVAL: ("arrival", "arrival_unit"),
    Metric.RESOLUTION: ("resolution", "resolution_unit"),
}


def _policies() -> dict[int, SlaPolicy]:
    """Every policy with its calendar, by id, from the configuration cache."""
    return config_cache.cached(
        "sla.policies", lambda: {policy.pk: policy for policy in SlaPolicy.objects.select_related("calendar")}
    )


def active_policies() -> list[SlaPolicy]:
    return [policy for policy in _policies().values() if policy.is_active]


def policy_by_id(policy_id: int) -> SlaPolicy:
    """A clock's policy (active or not); loaded again if another process just added it."""
    policies = _policies()
    if policy_id not in policies:
        config_cache.forget_here()
        policies = _policies()
    return policies[policy_id]


def _matches(policy: SlaPolicy, criteria: dict) -> bool:
    return all(getattr(policy, name) in ("", value) for name, value in criteria.items())


def policy_for(ticket) -> SlaPolicy | None:
    """The most specific active policy matching the request (an empty criterion matches all)."""
    criteria = {
        "ticket_type": ticket.ticket_type,
        "customer_tier": ticket.customer.tier if ticket.customer_id else "",
        "priority": ticket.priority,
        "channel": ticket.channel,
    }
    candidates = [policy for policy in active_policies() if _matches(policy, criteria)]
    return max(candidates, key=lambda p: (p.specificity, -p.pk), default=None)


def deadline(calendar, start: datetime, amount: int, unit: str) -> tuple[datetime, bool]:
    """When a limit of `amount` `unit`s started at `start` runs out, and whether provisional.

    Day limits end at the close of business of the last day (SPEC §14: the start day is not
    counted; a calendar-day deadline on a holiday moves to the next working day).
    """
    if unit == TimeUnit.CALENDAR_MINUTES:
        return start + timedelta(minutes=amount), False
    if unit == TimeUnit.CALENDAR_HOURS:
        return start + timedelta(hours=amount), False
    if unit == TimeUnit.WORKING_HOURS:
        due = business_calendar.add_working_hours(calendar, start, amount)
        return due, business_calendar.is_provisional(calendar, due.date())
    day = business_calendar.local_date(calendar, start)  # the start day where the calendar is, not the server
    if unit == TimeUnit.WORKING_DAYS:
        last = business_calendar.add_working_days(calendar, day, amount)
    else:
        last = business_calendar.add_calendar_days(calendar, day, amount)
    return business_calendar.close_of_business(calendar, last), business_calendar.is_provisional(calendar, last)


def _warn_at(start: datetime, due: datetime, percent: int) -> datetime:
    return start + (due - start) * percent / 100


def calendar_for(ticket) -> BusinessCalendar | None:
    """The calendar a clock of this request starts on, if a unit has one: the handling
    department's, else the owner's unit's (a unit without one uses its nearest ancestor's).
    None: the policy's calendar. The unit's wins because the policy says how long, the unit
    when its people work (a branch in another time zone, a hotline open until 21:00)."""
    calendar = calendar_for_unit_id(ticket.department_id)
    if calendar is None and ticket.owner_id is not None:
        calendar = calendar_for_unit_id(ticket.owner.org_unit_id)
    return calendar


def _calendars() -> dict[int, BusinessCalendar]:
    return config_cache.cached("sla.calendars", lambda: {c.pk: c for c in BusinessCalendar.objects.all()})


def clock_calendar(clock: SlaClock) -> BusinessCalendar:
    """The calendar the clock's deadline was counted on (the policy's for clocks older than that)."""
    if clock.calendar_id is None:
        return clock.policy.calendar
    calendars = _calendars()
    if clock.calendar_id not in calendars:
        config_cache.forget_here()
        calendars = _calendars()
    return calendars[clock.calendar_id]


def _planned(ticket, at: datetime) -> list[SlaClock]:
    policy = policy_for(ticket)
    if policy is None:
        return []
    calendar = calendar_for(ticket) or policy.calendar
    clocks = []
    for metric, (amount_field, unit_field) in _TARGETS.items():
        amount = getattr(policy, amount_field)
        if not amount:
            continue
        due, provisional = deadline(calendar, at, amount, getattr(policy, unit_field))
        clocks.append(
            SlaClock(
                ticket=ticket,
                metric=metric,
                policy=policy,
                calendar=calendar,
                owner_id=ticket.owner_id,
                assignee_id=ticket.assignee_id,
                started_at=at,
                due_at=due,
                warn_at=_warn_at(at, due, policy.warn_at_percent),
                provisional=provisional,
            )
        )
    return clocks


def clocks_plan(ticket, at: datetime) -> None:
    """Before the request is written: work out its clocks and put the resolution due time on
    it, so that the INSERT carries it (an UPDATE right after would write every index twice)."""
    ticket._planned_clocks = _planned(ticket, at)
    resolution = next((c for c in ticket._planned_clocks if c.metric == Metric.RESOLUTION), None)
    if resolution is not None:
        ticket.due_at = resolution.due_at


def clocks_start(ticket, at: datetime) -> list[SlaClock]:
    """Start the clocks `clocks_plan` worked out before the request was written (the creation
    runs both hooks; the request's INSERT already carried the resolution due time)."""
    planned = ticket.__dict__.pop("_planned_clocks")
    SlaClock.objects.bulk_create(planned)
    # How the new request stands, as lists annotate it, and its clocks: its answer needs no query then.
    ticket.sla_state = time_limit_state(planned)
    ticket.started_clocks = planned
    return planned


def _mirror(ticket, clocks) -> None:
    """Copy the resolution clock's due time onto the request (whose row the caller has just
    saved) when it moved: most steps leave it, and need no second UPDATE of the request."""
    resolution = next((c for c in clocks if c.metric == Metric.RESOLUTION), None)
    if resolution is not None and resolution.due_at != ticket.due_at:
        type(ticket).objects.filter(pk=ticket.pk).update(due_at=resolution.due_at)
        ticket.due_at = resolution.due_at


def _shift(clock: SlaClock, paused_from: datetime, until: datetime) -> None:
    """Move a clock's deadline by the time it spent paused (working time for working units)."""
    unit = getattr(clock.policy, _TARGETS[clock.metric][1])
    if unit in (TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS):
        calendar = clock_calendar(clock)
        seconds = business_calendar.working_seconds_between(calendar, paused_from, until)
        clock.due_at = business_calendar.add_working_seconds(calendar, clock.due_at, seconds)
    else:
        seconds = (until - paused_from).total_seconds()
        clock.due_at += timedelta(seconds=seconds)
    clock.paused_seconds += int(seconds)
    clock.warn_at = _warn_at(clock.started_at, clock.due_at, clock.policy.warn_at_percent)


def on_state_changed(ticket, old_state, new_state, at: datetime) -> None:
    """Pause while waiting for the customer, resume after, stop when closed or done."""
    # The policies come from the cache, not a join: on PostgreSQL the join would lock the policy
    # and calendar rows too, and every request under the same policy would wait for the others.
    clocks = list(SlaClock.objects.select_for_update().filter(ticket=ticket))
    policies = _policies()  # one look at the cache for all the request's clocks
    for clock in clocks:
        clock.policy = policies.get(clock.policy_id) or policy_by_id(clock.policy_id)
        if clock.stopped_at is None:
            _advance(clock, ticket, old_state, new_state, at)
        elif reopened(old_state, new_state) and clock.metric == Metric.RESOLUTION:
            # The restart clears the stamps the timeline shows: keep them as event rows first.
            request_writers().record_milestones(clock_milestones([clock]))
            _restart(clock, ticket, at)
    SlaClock.objects.bulk_update(clocks, _CLOCK_FIELDS)
    _mirror(ticket, clocks)


def reopened(old_state, new_state) -> bool:
    return old_state.is_final and not new_state.is_final


def _advance(clock, ticket, old_state, new_state, at) -> None:
    """Stop first response on leaving registration, arrival on reaching the site, all at closure;
    pause in a waiting state and shift the deadline by the pause on leaving it."""
    if clock.metric == Metric.FIRST_RESPONSE and old_state.is_initial:
        clock.stopped_at = at  # any move out of registration is the first response
    elif clock.metric == Metric.ARRIVAL and new_state.stops_arrival_clock:
        clock.stopped_at = at
    if new_state.is_final:
        clock.stopped_at = clock.stopped_at or at
    elif new_state.is_waiting and clock.paused_at is None:
        clock.paused_at = at
    elif not new_state.is_waiting and clock.paused_at is not None:
        _shift(clock, clock.paused_at, at)
        clock.paused_at = None
    if clock.stopped_at and clock.paused_at:
        clock.paused_at = None


def _restart(clock, ticket, at) -> None:
    """A reopened request gets its resolution limit afresh from the reopening (on the calendar
    of the unit that handles it now)."""
    amount_field, unit_field = _TARGETS[clock.metric]
    policy = clock.policy
    clock.calendar = calendar_for(ticket) or policy.calendar
    due, provisional = deadline(clock.calendar, at, getattr(policy, amount_field), getattr(policy, unit_field))
    clock.started_at, clock.due_at, clock.provisional = at, due, provisional
    clock.warn_at = _warn_at(at, due, policy.warn_at_percent)
    clock.stopped_at = clock.warned_at = clock.breached_at = clock.escalated_at = clock.reminded_at = None
    clock.escalation_level = 0


def on_replied(ticket, at: datetime) -> None:
    """A reply to the customer is a first response: the first-response clock stops if it runs."""
    SlaClock.objects.filter(ticket=ticket, metric=Metric.FIRST_RESPONSE, stopped_at__isnull=True).update(
        stopped_at=at, paused_at=None
    )


def on_responsibility_changed(ticket) -> None:
    """The request has a new owner or handler: the sweep tells them from now on."""
    SlaClock.objects.filter(ticket=ticket).update(owner_id=ticket.owner_id, assignee_id=ticket.assignee_id)


def on_deadline_extended(ticket, new_due_at) -> None:
    """The resolution limit moves: its warning and breach stamps are cleared for the new deadline
    (kept as event rows first, so the timeline still shows them)."""
    extended = SlaClock.objects.filter(ticket=ticket, metric=Metric.RESOLUTION, stopped_at__isnull=True)
    request_writers().record_milestones(clock_milestones(extended))
    extended.update(
        due_at=new_due_at,
        breached_at=None,
        warned_at=None,
        reminded_at=None,
        warn_at=new_due_at - timedelta(hours=1),
    )
