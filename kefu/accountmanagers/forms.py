"""Forms of the profiles, departure and hand-assignment pages: they render and parse; the rules
are the services' (kefu/accountmanagers/services.py)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.customers.selectors import customers_visible_to
from kefu.org.choices import ManagerLevel

from . import selectors

LIST_HELP = gettext_lazy("One per line, or separated by commas; empty: any.")


class ProfileForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("level"), choices=ManagerLevel.choices)
    capacity = forms.IntegerField(
        label=gettext_lazy("capacity (customers)"),
        min_value=0,
        initial=0,
        help_text=gettext_lazy("The most customers this manager should hold; 0: no limit beyond balance."),
    )
    grids = forms.CharField(label=gettext_lazy("grids"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    regions = forms.CharField(label=gettext_lazy("regions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    industries = forms.CharField(
        label=gettext_lazy("skills or industries"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    accepting = forms.BooleanField(label=gettext_lazy("accepting new customers"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, profile=None, **kwargs):
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "level": profile.level,
                "capacity": profile.capacity,
                "grids": "\n".join(profile.grids),
                "regions": "\n".join(profile.regions),
                "industries": "\n".join(profile.industries),
                "accepting": profile.accepting,
                "version": profile.version,
            }
        super().__init__(*args, **kwargs)
        for name in ("grids", "regions", "industries"):
            self.fields[name].help_text = LIST_HELP
        for name, field in self.fields.items():
            if name != "accepting":
                field.widget.attrs.setdefault("class", "form-select" if name == "level" else "form-control")
        self.fields["accepting"].widget.attrs["class"] = "form-check-input"


class DepartureForm(forms.Form):
    successors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("successors"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Empty: share the customers out by the automatic rules among the other managers."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )
    other_work_to = forms.ModelChoiceField(
        label=gettext_lazy("receives other open work"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Open work of no moved customer; empty: the first successor, else you."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, actor, leaving, **kwargs):
        super().__init__(*args, **kwargs)
        managers = selectors.managers_visible_to(actor).exclude(pk=leaving.pk).order_by("full_name", "id")
        self.fields["successors"].queryset = managers
        self.fields["other_work_to"].queryset = managers


class AssignForm(forms.Form):
    customers = forms.CharField(
        label=gettext_lazy("customers"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=gettext_lazy("Customer numbers (or ids), one per line or separated by commas."),
    )
    manager = forms.ModelChoiceField(
        label=gettext_lazy("account manager"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["manager"].queryset = selectors.managers_visible_to(actor).order_by("full_name", "id")

    def clean_customers(self):
        """Customer numbers, else ids, of customers the user may see (else named as not found)."""
        tokens = [t.strip() for t in self.cleaned_data["customers"].replace("，", ",").replace("\n", ",").split(",")]
        tokens = [t for t in tokens if t]
        if len(tokens) > 1000:
            raise forms.ValidationError(_("At most 1,000 customers at a time."))
        visible = customers_visible_to(self.actor)
        by_code = dict(visible.filter(code__in=tokens).values_list("code", "pk"))
        numbers = [int(t) for t in tokens if t not in by_code and t.isdigit() and len(t) < 18]
        by_id = set(visible.filter(pk__in=numbers).values_list("pk", flat=True))
        ids, missing = [], []
        for token in tokens:
            if token in by_code:
                ids.append(by_code[token])
            elif token.isdigit() and len(token) < 18 and int(token) in by_id:
                ids.append(int(token))
            else:
                missing.append(token)
        if missing:
            raise forms.ValidationError(_("Not customers you may see: %(ids)s") % {"ids": ", ".join(missing[:20])})
        return ids
