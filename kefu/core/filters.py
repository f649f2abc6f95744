"""Pieces shared by every app's FilterSets (kefu/<app>/filters.py)."""

from datetime import date

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

# The largest key a bigint column holds: a larger number matches nothing, and SQLite raises
# OverflowError on it instead of answering "no rows".
MAX_ID = 2**63 - 1


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet (its DRF flavour, for DjangoFilterBackend), with the form class
    built once per FilterSet: django-filter builds a new form class, and every filter's form
    field, each time a list is drawn, and our filters are the same for every request (the
    documented hook for this is get_form_class)."""

    def get_form_class(self):
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class


def codes(choices) -> list[tuple[str, str]]:
    """A TextChoices' values as a filter's choices. A filter checks and documents the values; its
    form is never drawn (the pages draw their own controls), and copying the lazily translated
    labels was most of the cost of building a filter form per request."""
    return [(value, value) for value in choices.values]


class IdField(forms.IntegerField):
    """A row's id: a positive whole number a key column can hold ("abc", "1e30" and 10**20 are
    refused with a message, not passed to the database)."""

    default_error_messages = {"invalid": _("Give a record's number (a whole number).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """Filters by a related row's id; documented as an integer in the OpenAPI schema."""

    field_class = IdField


def filter_errors(filterset) -> list[str]:
    """The filterset's (or a filter form's, such as a report period) errors as "label: message"
    lines, for a page that ignores the bad filters and says so (the API answers 400 instead)."""
    form = getattr(filterset, "form", filterset)
    lines = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else name
        lines.extend(_("%(field)s: %(message)s") % {"field": label, "message": message} for message in messages)
    return lines


def filters_shown(filterset) -> dict[str, str]:
    """What a page's filter controls show again: the values asked for, less those refused."""
    errors = filterset.errors
    return {name: (filterset.data.get(name) or "").strip() for name in filterset.filters if name not in errors}


# Dates a filter or a report period may name: beyond them a date cannot be turned into a
# local day's start and end (year 1 minus the time zone's offset overflows) and means nothing here.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


class DayField(forms.DateField):
    """A calendar day (YYYY-MM-DD) between FIRST_DAY and LAST_DAY; "9999-99-99" or "abc" are
    refused with a message."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]


class DayFilter(django_filters.DateFilter):
    field_class = DayField
