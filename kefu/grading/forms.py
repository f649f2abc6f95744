"""Page forms of grading: they parse what people type into the rules' shape; the services check it.

A scheme is edited without code: a weight and a few lines of bands per criterion (one band per
line, "minimum points label" for numbers, "code points label" for credit and potential), and
one line per tier ("tier limit").
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.tiers import tier_choices

from .choices import CATEGORICAL_SOURCES, Method, Source
from .presets import preset_choices


def _lines(text: str) -> list[list[str]]:
    return [line.split() for line in (text or "").splitlines() if line.strip()]


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=80)
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("method"), choices=Method.choices)
    period_months = forms.IntegerField(label=_("period (months)"), min_value=1, max_value=60, initial=12)
    tier_bands = forms.CharField(
        label=_("tier bands"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One tier per line, best first: the tier's code and the minimum score (weighted) or the "
            "largest cumulative share in percent (value share), e.g. 三星 80."
        ),
    )

    def __init__(self, *args, scheme=None, **kwargs):
        if scheme is not None and not kwargs.get("data"):
            kwargs["initial"] = self.initial_from(scheme)
        super().__init__(*args, **kwargs)
        for source in Source:
            categorical = source in CATEGORICAL_SOURCES
            self.fields[f"weight_{source.value}"] = forms.DecimalField(
                label=_("weight"), required=False, min_value=0, max_value=1000, decimal_places=2
            )
            self.fields[f"bands_{source.value}"] = forms.CharField(
                label=_("bands"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("code points label, one per line")
                if categorical
                else _("minimum points label, one per line"),
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    @staticmethod
    def initial_from(scheme) -> dict:
        initial = {
            "name": scheme.name,
            "description": scheme.description,
            "method": scheme.method,
            "period_months": scheme.period_months,
            "tier_bands": "\n".join(
                f"{band['tier']} {band.get('min_score', band.get('max_share'))}" for band in scheme.tier_bands
            ),
        }
        for criterion in scheme.criteria.all():
            initial[f"weight_{criterion.source}"] = criterion.weight
            initial[f"bands_{criterion.source}"] = "\n".join(
                " ".join(
                    str(x)
                    for x in (band.get("value", band.get("min")), band["points"], band.get("label", ""))
                    if x != ""
                )
                for band in criterion.bands
            )
        return initial

    def header_fields(self):
        return [self[name] for name in ("name", "description", "method", "period_months", "tier_bands")]

    def criterion_rows(self):
        return [(source, self[f"weight_{source.value}"], self[f"bands_{source.value}"]) for source in Source]

    def rules(self) -> dict:
        """The typed rules as the services take them (after is_valid)."""
        data = self.cleaned_data
        method = data["method"]
        key = "max_share" if method == Method.VALUE_SHARE else "min_score"
        criteria = []
        for source in Source:
            weight = data.get(f"weight_{source.value}")
            if weight is None:
                continue
            bands = []
            for parts in _lines(data.get(f"bands_{source.value}")):
                band = {"value" if source in CATEGORICAL_SOURCES else "min": parts[0]}
                band["points"] = parts[1] if len(parts) > 1 else ""
                band["label"] = " ".join(parts[2:])
                bands.append(band)
            criteria.append({"source": source.value, "weight": str(weight), "bands": bands})
        tier_bands = [
            {"tier": parts[0], key: parts[1] if len(parts) > 1 else ""} for parts in _lines(data["tier_bands"])
        ]
        return {
            "name": data["name"],
            "description": data["description"],
            "method": method,
            "period_months": data["period_months"],
            "criteria": criteria,
            "tier_bands": tier_bands,
        }


class PresetForm(forms.Form):
    preset = forms.ChoiceField(label=_("preset"), choices=preset_choices)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    ids = forms.TypedMultipleChoiceField(required=False, coerce=int)
    all = forms.BooleanField(required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ids are checked by the service (pending, in scope); here only that they are numbers.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit() and len(str(value)) < 19


class OverrideForm(forms.Form):
    tier = forms.ChoiceField(label=_("tier"))
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = tier_choices()
