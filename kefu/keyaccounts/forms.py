"""Page forms: render fields and pass raw values on; the services check them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.org.choices import ManagerLevel
from kefu.org.models import User

from .choices import ROLE_NEEDS, ItemKind, TeamRole


class KeyAccountForm(forms.Form):
    customer = forms.IntegerField(label=_("customer id"), min_value=1, max_value=2**63 - 1)
    required_level = forms.ChoiceField(
        label=_("required account-manager level"),
        choices=ManagerLevel.choices,
        initial=ManagerLevel.SECONDARY,
        required=False,  # the service's default: secondary (seed 003 篇6)
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("staff member"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("team role"), choices=TeamRole.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = set().union(*ROLE_NEEDS.values())
        self.fields["user"].queryset = User.objects.filter(is_active=True, role__in=roles).order_by("full_name", "id")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    goals = forms.CharField(label=_("goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.CharField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.CharField(label=_("until"), widget=forms.DateInput(attrs={"type": "date"}))


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ItemKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    due_on = forms.CharField(label=_("due by"), widget=forms.DateInput(attrs={"type": "date"}))


class ItemDoneForm(forms.Form):
    outcome = forms.CharField(label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    number = forms.CharField(label=_("agreement number"), max_length=60, required=False)
    signed_on = forms.CharField(label=_("signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.CharField(
        label=_("valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(label=_("file"), required=False)
