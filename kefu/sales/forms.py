"""Page forms: parse and render only; the services check and refuse naming the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CampaignKind, CampaignResult, ProspectSource, ProspectStage, TargetMetric


class CompetitorRecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    competitor = forms.CharField(label=_("competitor"), max_length=100)
    offer = forms.CharField(label=_("offer"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    price = forms.CharField(label=_("price"), max_length=30, required=False)
    price_unit = forms.CharField(label=_("price unit"), max_length=30, required=False)
    products = forms.CharField(label=_("products or routes"), max_length=300, required=False)
    visited_on = forms.CharField(
        label=_("their visit on"), max_length=30, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    visit_notes = forms.CharField(label=_("visit notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    noted_on = forms.CharField(
        label=_("noted on"), max_length=30, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ProspectForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    industry = forms.CharField(label=_("industry"), max_length=50, required=False)
    region = forms.CharField(label=_("region"), max_length=50, required=False)
    source = forms.ChoiceField(label=_("source"), choices=ProspectSource.choices)
    expected_revenue = forms.CharField(label=_("expected yearly revenue (yuan)"), max_length=30, required=False)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ProspectMoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    stage = forms.ChoiceField(label=_("stage"), choices=[c for c in ProspectStage.choices if c[0] != "won"])
    lost_reason = forms.CharField(label=_("reason lost"), max_length=200, required=False)


class ProspectConvertForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    mobile = forms.CharField(label=_("mobile"), max_length=20, required=False)
    phone = forms.CharField(label=_("landline"), max_length=30, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    org_code = forms.CharField(label=_("organisation code"), max_length=30, required=False)


class PriceRequestForm(forms.Form):
    subject = forms.CharField(label=_("subject"), max_length=200)
    details = forms.CharField(label=_("details"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    received_at = forms.DateTimeField(
        label=_("received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )


class PriceRequestAnswerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("written answer"), widget=forms.Textarea(attrs={"rows": 4}))


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=CampaignKind.choices)
    starts_on = forms.CharField(label=_("starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.CharField(label=_("ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    customers = forms.CharField(
        label=_("customers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Customer ids, separated by commas, spaces or new lines."),
    )
    prospects = forms.CharField(
        label=_("prospects"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Prospect ids, separated by commas, spaces or new lines."),
    )

    def _ids(self, field: str) -> list[int]:
        raw = self.cleaned_data.get(field) or ""
        parts = raw.replace(",", " ").replace("，", " ").split()
        if any(not part.isdecimal() or len(part) > 18 for part in parts):
            raise forms.ValidationError(_("Enter ids (numbers) only."))
        return [int(part) for part in parts]

    def clean_customers(self):
        return self._ids("customers")

    def clean_prospects(self):
        return self._ids("prospects")


class CampaignEntryForm(forms.Form):
    result = forms.ChoiceField(label=_("result"), choices=[c for c in CampaignResult.choices if c[0] != "pending"])
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("metric"), choices=TargetMetric.choices)
    period_start = forms.CharField(label=_("period from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.CharField(label=_("period to"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.CharField(label=_("target"), max_length=30)
    org_unit = forms.ModelChoiceField(label=_("organisation unit"), queryset=None, required=False)
    manager = forms.ModelChoiceField(label=_("account manager"), queryset=None, required=False)

    def __init__(self, *args, units=None, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        self.fields["manager"].queryset = managers


class NamedAddForm(forms.Form):
    customers = forms.CharField(
        label=_("customers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Customer ids, separated by commas, spaces or new lines."),
    )

    clean_customers = CampaignForm.clean_customers
    _ids = CampaignForm._ids


class NamedLostForm(forms.Form):
    lost_on = forms.CharField(
        label=_("lost on"), required=False, widget=forms.DateInput(attrs={"type": "date"}), max_length=30
    )
    lost_reason = forms.CharField(label=_("reason lost"), max_length=200, required=False)
