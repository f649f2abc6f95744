"""A new installation gets the default callback rules with its industry preset (and the demo
with its requests): 投诉回访 on the complaint workflow's callback state and 服务回访 on closing."""

from io import StringIO

from django.core.management import call_command

from kefu.callbacks.choices import RuleEvent
from kefu.callbacks.models import CallbackRule
from kefu.tickets.choices import TransitionEffect
from kefu.tickets.models import WorkflowTransition


def test_installing_a_preset_installs_the_default_callback_rules_once(db):
    CallbackRule.objects.all().delete()  # this package's conftest installs them for every test
    call_command("install_preset", "utility", stdout=StringIO())
    call_command("install_preset", "utility", stdout=StringIO())  # safe to run again
    rules = {rule.name: rule for rule in CallbackRule.objects.all()}
    assert sorted(rules) == ["投诉回访", "服务回访"]
    callback_state = WorkflowTransition.objects.get(effect=TransitionEffect.CALLBACK_DONE).source_id
    assert rules["投诉回访"].event == RuleEvent.STATE_REACHED and rules["投诉回访"].state_id == callback_state
    assert rules["服务回访"].event == RuleEvent.CLOSED
