"""The callback rules Kefu ships (SPEC §6, seeds 002 and 003 篇5), installed once and then edited.

- complaints: every complaint reaching its callback state (the state whose step is marked
  CALLBACK_DONE), due within 3 days;
- other requests: called back within 3 days of closing; every customer of the top tier, a
  third of the others (an admin sets the share; 100 % for member/VIP tiers as seed 002 asks);
- installations (a service workflow's state an admin names): within 3 hours of handover, then
  every 3 months, 3 times (seed 003 篇5) – installed only when such a state is named.
"""

from django.db import transaction

from kefu.tickets.choices import TicketType, TransitionEffect
from kefu.tickets.models import WorkflowTransition

from .choices import DueUnit, RuleEvent
from .models import CallbackRule


def _callback_states() -> list[int]:
    return list(
        WorkflowTransition.objects.filter(effect=TransitionEffect.CALLBACK_DONE).values_list("source_id", flat=True)
    )


@transaction.atomic
def callback_rules_install_defaults() -> int:
    """Create the default rules that do not exist yet (by name); returns how many were made."""
    made = 0
    for state_id in _callback_states():
        _rule, created = CallbackRule.objects.get_or_create(
            name="投诉回访",
            state_id=state_id,
            defaults={
                "event": RuleEvent.STATE_REACHED,
                "due_amount": 3,
                "due_unit": DueUnit.DAYS,
                "sample_percent": 100,
            },
        )
        made += created
    others = [value for value in TicketType.values if value not in (TicketType.COMPLAINT, TicketType.PRAISE)]
    _rule, created = CallbackRule.objects.get_or_create(
        name="服务回访",
        defaults={
            "event": RuleEvent.CLOSED,
            "ticket_types": others,
            "due_amount": 3,
            "due_unit": DueUnit.DAYS,
            "full_coverage_rank": 1,
            "sample_percent": 30,
        },
    )
    return made + created


def installation_rule(state, *, name: str = "安装回访") -> CallbackRule:
    """Seed 003 篇5 for a workflow with a handover state: 3 hours after it, then every 3 months, 3 times."""
    rule, _created = CallbackRule.objects.get_or_create(
        name=name,
        state=state,
        defaults={
            "event": RuleEvent.STATE_REACHED,
            "due_amount": 3,
            "due_unit": DueUnit.HOURS,
            "repeat_every_months": 3,
            "repeat_times": 3,
            "sample_percent": 100,
        },
    )
    return rule
