from django import forms
from django.utils.translation import gettext_lazy as _


class BookForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    appointment_at = forms.DateTimeField(
        label=_("appointment"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    purpose = forms.CharField(label=_("purpose"), max_length=200, required=False)


class RecordForm(forms.Form):
    """The visit record; issues one per line; corrections only as the customer wishes."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    purpose = forms.CharField(label=_("purpose"), max_length=200, required=False)
    people_met = forms.CharField(label=_("people met"), max_length=200, required=False)
    outcome = forms.CharField(label=_("visit outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    needs_found = forms.CharField(label=_("needs found"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    issues = forms.CharField(
        label=_("issues raised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line; each can become a service request."),
    )
    mobile = forms.CharField(label=_("corrected mobile"), max_length=20, required=False)
    phone = forms.CharField(label=_("corrected landline"), max_length=30, required=False)
    email = forms.CharField(label=_("corrected email"), max_length=254, required=False)
    address = forms.CharField(label=_("corrected address"), max_length=200, required=False)

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {
            **{key: data[key] for key in ("purpose", "people_met", "outcome", "needs_found")},
            "issues": [line for line in data["issues"].splitlines() if line.strip()],
            "corrections": {key: data[key] for key in ("mobile", "phone", "email", "address") if data[key]},
        }
