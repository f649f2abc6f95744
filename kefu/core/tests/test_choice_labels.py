"""ChoiceLabels: the same labels as Django's get_<field>_display(), from a table built once per field."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from kefu.core.models import ChoiceLabels, _labels
from kefu.tickets.choices import EventKind
from kefu.tickets.models import TicketEvent

LABELLED = [
    (model, field)
    for model in apps.get_models()
    if issubclass(model, ChoiceLabels)
    for field in model._meta.concrete_fields
    if field.choices
]


def test_the_models_shown_on_timelines_and_lists_use_it():
    names = {model.__name__ for model, _ in LABELLED}
    assert {"Ticket", "TicketEvent", "SlaClock", "AuditEvent", "Customer", "User"} <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_choice_reads_as_djangos_own_display_in_each_language(language):
    with translation.override(language):
        for model, field in LABELLED:
            for value, _label in field.flatchoices:
                row = model(**{field.attname: value})
                ours = getattr(row, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(row, field), (model.__name__, field.name, value)


def test_a_label_follows_the_language_active_when_it_is_read():
    event = TicketEvent(kind=EventKind.CREATED)
    with translation.override("zh-hans"):
        chinese = event.get_kind_display()
    with translation.override("en"):
        english = event.get_kind_display()
    assert (chinese, english) == ("已受理", "Registered")


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert TicketEvent(kind="retired_kind").get_kind_display() == "retired_kind"


def test_the_choices_are_tabled_once_per_field_not_on_every_call():
    _labels.cache_clear()
    for kind in (EventKind.CREATED, EventKind.REPLY, EventKind.CREATED):
        TicketEvent(kind=kind).get_kind_display()
    assert _labels.cache_info().misses == 1
