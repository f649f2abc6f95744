"""Forms render fields and parse input; the rules are in validation.py and services.py."""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import apply_errors
from kefu.core.masking import mask_id_number, mask_phone
from kefu.org.selectors import account_managers_visible_to

from .models import Customer, KeyPerson
from .selectors import BUSINESS_FILE_FIELDS, KEY_PERSON_FILE_FIELDS
from .tiers import tier_choices
from .validation import clean_customer_data, clean_key_person_data


def _check_with_rulebook(form: forms.Form, rulebook) -> None:
    """Run the shared validation so that every bad field is reported at once, not one by one."""
    raw = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    try:
        rulebook(raw)
    except ValidationError as error:
        apply_errors(form, error)


# Shown masked in the edit form as on every other screen; the full value only through the
# logged reveal. A masked value sent back unchanged keeps the stored number.
MASKED_FIELDS = {"mobile": mask_phone, "phone": mask_phone, "id_number": mask_id_number}


class CustomerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tag_names = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas, e.g. VIP, sensitive user")
    )
    # Phones and dates are typed as people type them; validation.py understands the variants.
    mobile = forms.CharField(label=_("mobile"), required=False, max_length=40)
    phone = forms.CharField(label=_("landline"), required=False, max_length=40)
    birthday = forms.CharField(label=_("birthday"), required=False, help_text=_("e.g. 1985-03-21"))

    class Meta:
        model = Customer
        fields = [
            "kind", "name", "code", "status", "mobile", "phone", "email", "id_number", "org_code",
            "address", "region", "grid", "industry", "source_channel", "tier", "credit_rating",
            "contract_no", "birthday", "parent", "account_manager", "competitor_info", "notes",
        ]  # fmt: skip
        widgets = {"competitor_info": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, business_file: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not business_file:  # selectors.business_file_visible: neither shown nor changed
            for name in BUSINESS_FILE_FIELDS:
                del self.fields[name]
        self.fields["account_manager"].queryset = account_managers_visible_to(user)
        # Only customers in the user's scope can be chosen as parent (and the one it has already).
        parents = Customer.objects.visible_to(user)
        if self.instance.parent_id:
            parents |= Customer.objects.filter(pk=self.instance.parent_id)
        self.fields["parent"].queryset = parents
        # The parent picker is a number box: a select over millions of customers would not load.
        self.fields["parent"].widget = forms.NumberInput()
        self.fields["parent"].help_text = _("Internal id of the parent organisation, if this is a member or branch.")
        # The tiers as a list, top first, by label; a tier retired since stays on offer for the
        # customer that has it, so that saving the form keeps it.
        current_tier = self.instance.tier if self.instance.pk else ""
        self.fields["tier"] = forms.ChoiceField(
            label=_("tier"), required=False, choices=[("", "—"), *tier_choices(keep=current_tier)]
        )
        self.current_tier = current_tier
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())
            for name, mask in MASKED_FIELDS.items():
                self.initial[name] = mask(getattr(self.instance, name))
                if self.initial[name]:
                    self.fields[name].help_text = _("Shown masked: leave it to keep the number, or type a new one.")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def _stored_if_masked(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        stored = getattr(self.instance, name) if self.instance.pk else ""
        return stored if stored and value.strip() == MASKED_FIELDS[name](stored) else value

    def clean_mobile(self):
        return self._stored_if_masked("mobile")

    def clean_phone(self):
        return self._stored_if_masked("phone")

    def clean_id_number(self):
        return self._stored_if_masked("id_number")

    def clean(self):
        cleaned = super().clean()
        _check_with_rulebook(self, functools.partial(clean_customer_data, current_tier=self.current_tier))
        return cleaned

    def _post_clean(self):
        # Model-level validation (uniqueness, field formats) is done by the services, which
        # report errors naming the field; skipping it here keeps one rulebook.
        pass

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        relations = {"account_manager": data.pop("account_manager"), "parent": data.pop("parent")}
        tags = [t for t in data.pop("tag_names", "").replace("，", ",").split(",") if t.strip()]
        data.pop("version", None)
        return {"data": data, "relations": relations, "tags": tags}


class KeyPersonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mobile = forms.CharField(label=_("mobile"), required=False, max_length=40)
    phone = forms.CharField(label=_("landline"), required=False, max_length=40)
    birthday = forms.CharField(label=_("birthday"), required=False, help_text=_("e.g. 1985-03-21"))

    class Meta:
        model = KeyPerson
        fields = ["name", "title", "mobile", "phone", "email", "birthday", "preferences", "taboos", "is_primary"]
        widgets = {"preferences": forms.Textarea(attrs={"rows": 2}), "taboos": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, business_file: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not business_file:  # the preferences and taboos belong to the business file
            for name in KEY_PERSON_FILE_FIELDS:
                del self.fields[name]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            if name != "is_primary":
                field.widget.attrs.setdefault("class", "form-control")
            else:
                field.widget.attrs.setdefault("class", "form-check-input")

    def clean(self):
        cleaned = super().clean()
        _check_with_rulebook(self, clean_key_person_data)
        return cleaned

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class NoteForm(forms.Form):
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
