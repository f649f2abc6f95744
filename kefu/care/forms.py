"""Forms of the care pages: render fields and parse input; the rules are checked by the services
(validation.py), never here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import Tag
from kefu.customers.tiers import tier_choices

from .choices import NoticeKind, Occasion
from .models import CustomOccasion, SupplyLine
from .sending import channel_choices


def _names_text(values) -> str:
    return ", ".join(values or [])


class RuleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("name"), max_length=100)
    occasion = forms.ChoiceField(label=_("occasion"), choices=Occasion.choices)
    custom_occasion = forms.ModelChoiceField(
        label=_("custom date"), queryset=CustomOccasion.objects.filter(active=True), required=False
    )
    channel = forms.ChoiceField(label=_("channel"))
    purpose = forms.CharField(
        label=_("greeting template"),
        max_length=50,
        help_text=_("The purpose of an outbox template on this channel, e.g. care_spring."),
    )
    tiers = forms.MultipleChoiceField(label=_("tiers"), required=False)
    tags = forms.ModelMultipleChoiceField(label=_("tags"), queryset=Tag.objects.all(), required=False)
    grids = forms.CharField(label=_("grids"), required=False, help_text=_("Separated by commas; empty: any."))
    regions = forms.CharField(label=_("regions"), required=False, help_text=_("Separated by commas; empty: any."))
    days_ahead = forms.IntegerField(label=_("prepare days ahead"), min_value=0, max_value=60, initial=3)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channel_choices()
        self.fields["tiers"].choices = tier_choices()

    @classmethod
    def for_rule(cls, rule):
        return cls(
            initial={
                "version": rule.version,
                "name": rule.name,
                "occasion": rule.occasion,
                "custom_occasion": rule.custom_occasion_id,
                "channel": rule.channel,
                "purpose": rule.purpose,
                "tiers": rule.tiers,
                "tags": list(rule.tags.values_list("pk", flat=True)),
                "grids": _names_text(rule.grids),
                "regions": _names_text(rule.regions),
                "days_ahead": rule.days_ahead,
                "active": rule.active,
            }
        )

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["tags"] = [tag.pk for tag in data["tags"]]
        data["custom_occasion"] = data["custom_occasion"].pk if data["custom_occasion"] else None
        return data


class CustomOccasionForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    yearly = forms.BooleanField(label=_("every year"), required=False, initial=True)


class GenerateForm(forms.Form):
    day = forms.DateField(label=_("occasion date"), widget=forms.DateInput(attrs={"type": "date"}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("title"), max_length=100)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
    area = forms.CharField(label=_("affected area"), max_length=200, required=False)
    channel = forms.ChoiceField(label=_("channel"))
    starts_at = forms.DateTimeField(
        label=_("starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("expected restoration"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    regions = forms.CharField(label=_("regions"), required=False, help_text=_("Separated by commas."))
    grids = forms.CharField(label=_("grids"), required=False, help_text=_("Separated by commas."))
    lines = forms.ModelMultipleChoiceField(
        label=_("supply lines"), queryset=SupplyLine.objects.filter(active=True), required=False
    )
    tags = forms.ModelMultipleChoiceField(label=_("tags"), queryset=Tag.objects.all(), required=False)
    offsets_days = forms.CharField(
        label=_("days ahead"),
        required=False,
        help_text=_("Separated by commas; empty: 7 and 1 for planned outages, 1 for temporary ones."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channel_choices()

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["lines"] = [line.pk for line in data["lines"]]
        data["tags"] = [tag.pk for tag in data["tags"]]
        return data


class LineForm(forms.Form):
    code = forms.CharField(label=_("line code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=100)
    region = forms.CharField(label=_("region"), max_length=50, required=False)


class LineUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("Rows of line code, line name, customer number (UTF-8 or GB18030).")
    )
