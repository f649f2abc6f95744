"""Forms of the churn pages: parse and render only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TaskStatus
from .models import ChurnSettings
from .services import SETTING_FIELDS


class SettingsForm(forms.ModelForm):
    """Draws the settings' fields with their labels; the values go to churn_settings_update as text."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ChurnSettings
        fields = list(SETTING_FIELDS)

    def data_for_service(self) -> dict:
        return {name: self.data.get(name, "") for name in SETTING_FIELDS if name in self.data}


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[(TaskStatus.RETAINED, TaskStatus.RETAINED.label), (TaskStatus.LOST, TaskStatus.LOST.label)],
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
