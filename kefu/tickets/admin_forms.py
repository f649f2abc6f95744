"""The workflow editor's step form: what a step needs and who may take it are picked, not typed.

`required_fields` is stored as a JSON list of request field names; an administrator ticks the
fields instead of typing `["resolution_plan"]`, and the capability is chosen from the request
capabilities the roles grant, so a misspelt name cannot make a step impossible to take.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.org.permissions import STEP_CAPABILITIES

from .models import Ticket, WorkflowTransition
from .services.lifecycle import STEP_FIELDS

# The step fields in the order a step form asks for them.
_FIELD_ORDER = ["invalid_reason", "department", "resolution_plan", "resolution", "root_cause", "cause_class"]

CAPABILITY_LABELS = {
    "tickets.handle": _("Handle requests"),
    "tickets.view": _("View requests"),
    "tickets.create": _("Register requests"),
    "tickets.comment": _("Comment on requests"),
    "tickets.approve": _("Approve plans and extensions"),
    "tickets.reopen": _("Reopen requests"),
    "tickets.assign": _("Assign requests"),
    "tickets.supervise": _("Supervise requests"),
    "tickets.merge": _("Merge requests"),
    "tickets.configure": _("Configure workflows"),
}


def step_field_choices() -> list[tuple[str, str]]:
    """Each field a step may require, named by the request's own label (e.g. 处理方案)."""
    names = [name for name in _FIELD_ORDER if name in STEP_FIELDS]
    names += sorted(STEP_FIELDS - set(names))
    return [(name, Ticket._meta.get_field(name).verbose_name) for name in names]


def capability_choices() -> list[tuple[str, str]]:
    """The capabilities a step may require (those WorkflowTransition.clean accepts), labelled."""
    known = [(code, label) for code, label in CAPABILITY_LABELS.items() if code in STEP_CAPABILITIES]
    return known + [(code, code) for code in sorted(STEP_CAPABILITIES - set(CAPABILITY_LABELS))]


class WorkflowTransitionForm(forms.ModelForm):
    required_fields = forms.MultipleChoiceField(
        label=_("fields required"),
        choices=step_field_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The fields the person taking this step must fill in."),
    )
    capability = forms.ChoiceField(label=_("capability needed"), choices=capability_choices)

    class Meta:
        model = WorkflowTransition
        fields = ["workflow", "position", "code", "name", "source", "target", "capability", "required_fields", "effect"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.capability if self.instance.pk else None
        choices = capability_choices()
        if current and current not in dict(choices):  # kept as it is until someone picks another
            self.fields["capability"].choices = [*choices, (current, current)]

    def clean_required_fields(self) -> list[str]:
        chosen = set(self.cleaned_data["required_fields"])
        return [name for name, _label in step_field_choices() if name in chosen]
