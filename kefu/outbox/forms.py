from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.filters import IdField

from .choices import Channel


class TemplateForm(forms.Form):
    """A message template; the service checks it (syntax, uniqueness) and the page shows its errors."""

    purpose = forms.CharField(
        label=pgettext_lazy("message", "purpose"), max_length=50, help_text=_("e.g. care, notice, fee_reminder")
    )
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    name = forms.CharField(label=_("name"), max_length=100)
    subject = forms.CharField(label=pgettext_lazy("message", "subject"), max_length=200, required=False)
    body = forms.CharField(label=_("body"), widget=forms.Textarea(attrs={"rows": 6}))
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    preview_customer = IdField(
        label=_("preview for customer number (id)"), required=False,
        help_text=_("The preview uses this customer's real name and key person."),
    )  # fmt: skip


class OptOutForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("channel"), choices=[("", _("Every channel")), *Channel.choices], required=False
    )
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
