"""Forms of the churn pages: parse and render only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TaskStatus
from .models import ChurnSettings
from .services import SETTING_FIELDS


class SettingsForm(forms.Form):
    """The settings' fields with their labels, as text: churn_settings_update checks every value
    and names each refused field, so the page and the API answer alike."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, settings: ChurnSettings, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SETTING_FIELDS:
            value = getattr(settings, name)
            self.fields[name] = forms.CharField(
                label=ChurnSettings._meta.get_field(name).verbose_name,
                required=False,
                max_length=20,
                initial=f"{value.normalize():f}" if hasattr(value, "normalize") else value,
            )
        self.fields["version"].initial = settings.version

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in SETTING_FIELDS}


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("retention outcome"),
        choices=[(TaskStatus.RETAINED, TaskStatus.RETAINED.label), (TaskStatus.LOST, TaskStatus.LOST.label)],
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
