"""Parse and render only: the services check every rule."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import DayField

from .choices import ImportKind, StepKind


def this_month() -> tuple[date, date]:
    today = timezone.localdate()
    first = today.replace(day=1)
    return first, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


class RatesForm(forms.Form):
    """The period of the collection-rate report (this month by default) and its grouping."""

    start = DayField(label=_("from"), required=False)
    end = DayField(label=_("to"), required=False)
    by = forms.ChoiceField(
        label=_("per"), choices=[("manager", _("account manager")), ("branch", _("branch"))], required=False
    )

    def clean(self):
        data = super().clean()
        first, last = this_month()
        data["start"] = data.get("start") or first
        data["end"] = data.get("end") or last
        data["by"] = data.get("by") or "manager"
        if data["end"] < data["start"]:
            self.add_error("end", _("The period must end on or after its first day."))
        return data


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("the file contains"), choices=ImportKind.choices)
    file = forms.FileField(label=_("file (.xlsx or .csv)"))


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[(StepKind.CALL, StepKind.CALL.label), (StepKind.VISIT, StepKind.VISIT.label)]
    )
    outcome = forms.CharField(
        label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PromiseForm(forms.Form):
    promised_on = forms.CharField(label=_("pay by"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(
        label=_("amount promised (yuan)"), required=False, help_text=_("Empty: the whole balance.")
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class PaymentForm(forms.Form):
    amount = forms.CharField(label=_("amount paid (yuan)"))
    paid_on = forms.CharField(label=_("paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("payment reference"), max_length=64)


class TargetForm(forms.Form):
    period_start = forms.CharField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.CharField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    target_percent = forms.CharField(label=_("target rate (%)"), max_length=10)
    manager = forms.TypedChoiceField(label=_("account manager"), coerce=int, required=False, empty_value=None)
    org_unit = forms.TypedChoiceField(label=_("unit"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, managers=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "—"), *((user.pk, str(user)) for user in managers)]
        self.fields["org_unit"].choices = [("", "—"), *((unit.pk, unit.name) for unit in units)]
