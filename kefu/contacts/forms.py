from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import IdField

from .choices import ContactChannel


class ContactForm(forms.Form):
    """Log a contact: parsed here, checked by services.contact_log_record (the one rulebook)."""

    customer = IdField(widget=forms.HiddenInput)
    # Text checked by the service with the other fields, so that one answer names every bad one.
    channel = forms.CharField(
        label=_("channel"),
        required=False,
        initial=ContactChannel.PHONE,
        widget=forms.Select(choices=ContactChannel.choices),
    )
    contacted_at = forms.DateTimeField(
        label=_("contacted at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_step = forms.CharField(label=_("next step"), max_length=200, required=False)
    next_step_on = forms.DateField(
        label=_("next step by"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("channel", "contacted_at", "summary", "next_step", "next_step_on")}


class PlanForm(forms.Form):
    tier = forms.CharField(label=_("tier"), max_length=20, required=False, help_text=_("Empty: every other customer."))
    every_days = forms.IntegerField(label=_("every (days)"), min_value=1, max_value=366)
    channel = forms.ChoiceField(label=_("channel"), choices=ContactChannel.choices)
    quarterly_review = forms.BooleanField(label=_("quarterly file review"), required=False)


class ReviewForm(forms.Form):
    notes = forms.CharField(label=_("review notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
