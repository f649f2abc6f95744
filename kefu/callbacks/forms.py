"""The call screen's forms and the report period: parse and render only (services decide)."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import DayField

from .choices import AttemptOutcome, Satisfaction
from .selectors import GROUPINGS


class ResultForm(forms.Form):
    """The customer reached: the answer to the script's question, the follow-up branch's answer
    in their words, the result and a comment."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    question = forms.CharField(
        label=_("Customer's answer (verbatim)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    follow_up = forms.CharField(
        label=_("Answer to the follow-up question (verbatim)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    result = forms.ChoiceField(label=_("Result"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in ("question", "follow_up")}


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What happened"), choices=AttemptOutcome.choices)
    call_at = forms.DateTimeField(
        label=_("Call again at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Only when the customer asked to be called later (再约一个方便的时间)."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PeriodForm(forms.Form):
    since = DayField(label=_("from"), required=False)
    until = DayField(label=_("until"), required=False)
    by = forms.ChoiceField(label=_("grouped by"), choices=[(k, v[1]) for k, v in GROUPINGS.items()], required=False)

    def period(self) -> tuple[date, date, str]:
        """The period asked for (the last 30 days by default) and the grouping (staff member)."""
        self.is_valid()
        today = timezone.localdate()
        since = self.cleaned_data.get("since") or today - timedelta(days=30)
        until = self.cleaned_data.get("until") or today
        return min(since, until), max(since, until), self.cleaned_data.get("by") or "staff"
