"""Forms render fields and parse input; the rules are in services (which report errors by field)."""

from django import forms
from django.db.models import TextField
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import Customer
from kefu.org.models import OrgUnit, User

from .models import Category, RootCause, Ticket
from .selectors import assignable_staff


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget and capitalised labels (as model forms have them)."""
    for field in form.fields.values():
        if field.label:
            field.label = capfirst(field.label)
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def tree_label(node) -> str:
    """A tree node's name indented by its depth, for selects in tree order."""
    return f"{'— ' * (node.depth - 1)}{node.name}"


class UnitChoiceField(forms.ModelChoiceField):
    """Organisation units in tree order, indented by depth."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", OrgUnit.objects.order_by("path"))
        super().__init__(**kwargs)

    def label_from_instance(self, unit):
        return tree_label(unit)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return tree_label(category)


class CustomerChoiceField(forms.IntegerField):
    """A customer id from the lookup box, accepted only within the user's customer scope."""

    widget = forms.HiddenInput

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        super().__init__(**kwargs)

    def clean(self, value):
        customer_id = super().clean(value)
        if customer_id is None:
            return None
        customer = Customer.objects.visible_to(self.user).filter(pk=customer_id).first()
        if customer is None:
            raise forms.ValidationError(_("This customer was not found."))
        return customer


class TicketCreateForm(forms.ModelForm):
    """Registering a request. `token` makes a double-clicked submit create one request, not two."""

    customer = CustomerChoiceField(required=False)
    caller_phone = forms.CharField(label=_("caller phone"), required=False, max_length=40)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    class Meta:
        model = Ticket
        fields = [
            "ticket_type", "channel", "priority", "title", "description", "remedy_requested", "category",
            "caller_name", "caller_phone",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "remedy_requested": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"category": CategoryChoiceField}
        help_texts = {"remedy_requested": _("For complaints: what the complainant asks for (ISO 10002).")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].user = user
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("path")
        self.fields["category"].required = False
        style(self)

    def _post_clean(self):
        # Model validation is the service's job (it reports every field at once); see customers.forms.
        pass

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data.get(name) or "" for name in self.Meta.fields if name != "category"}
        token = self.cleaned_data.get("token")
        return {
            "data": data,
            "customer": self.cleaned_data.get("customer"),
            "category": self.cleaned_data.get("category"),
            "idempotency_key": f"web-{self.user.pk}-{token}" if token else None,
        }


class ActionForm(forms.Form):
    """A small form of the request page's action panel, posted by htmx to `url_name`.

    The class says where it posts and what its button says, so that one partial template
    renders every action and re-renders it with errors.
    """

    url_name = ""
    form_id = ""
    title = ""
    submit_label = _("Save")
    # Several submit buttons instead of one: (value of the `decision` field, label, css class).
    buttons: tuple = ()
    multipart = False
    # A template shown inside the form before its fields (e.g. the customer lookup box), and
    # hidden fields that template renders itself.
    extra_template = ""
    rendered_elsewhere: tuple = ()
    # Shown on its own (the workflow step opened by a button): with a heading and a cancel button.
    standalone = False
    # A warning shown above an unsubmitted form, e.g. that the step is not possible now.
    notice = ""

    def __init__(self, *args, ticket, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.user = user
        style(self)

    @property
    def action_url(self) -> str:
        return reverse(self.url_name, args=[self.ticket.pk])

    def shown_fields(self):
        """Visible fields, except the decision that the buttons carry."""
        return [field for field in self.visible_fields() if field.name != "decision"]

    def hidden_shown(self):
        return [field for field in self.hidden_fields() if field.name not in self.rendered_elsewhere]


class StepForm(ActionForm):
    """A workflow step: exactly the fields the transition requires, and a note."""

    url_name = "tickets:transition"
    form_id = "step-form"
    standalone = True
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, transition, code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.code = code
        self.title = transition.name if transition else code
        self.submit_label = self.title
        self.step_names = [name for name in (transition.required_fields if transition else []) if name]
        step_fields = {name: self._field_for(name) for name in self.step_names}
        self.fields = {**step_fields, **self.fields}
        self.fields["version"].initial = self.ticket.version
        style(self)

    def _field_for(self, name: str) -> forms.Field:
        model_field = Ticket._meta.get_field(name)
        label = model_field.verbose_name
        current = getattr(self.ticket, name, None)
        if name == "department":
            return UnitChoiceField(label=label, initial=self.ticket.department_id)
        if name == "cause_class":  # picked from the admin's list, so the report counts one row per class
            return forms.ModelChoiceField(
                label=label, queryset=RootCause.objects.filter(is_active=True), initial=self.ticket.cause_class_id
            )
        if isinstance(model_field, TextField):
            return forms.CharField(label=label, initial=current, widget=forms.Textarea(attrs={"rows": 3}))
        return forms.CharField(label=label, initial=current, max_length=model_field.max_length)

    @property
    def action_url(self) -> str:
        return reverse(self.url_name, args=[self.ticket.pk, self.code])

    def step_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.step_names}


class CommentForm(ActionForm):
    url_name = "tickets:comment"
    form_id = "comment-form"
    buttons = (
        ("reply", _("Reply to the customer"), "btn-primary"),
        ("internal_note", _("Add internal note"), "btn-outline-warning"),
    )
    body = forms.CharField(label=_("message"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(choices=[("reply", "reply"), ("internal_note", "internal_note")], initial="reply")


class AttachmentForm(ActionForm):
    url_name = "tickets:attach"
    form_id = "attach-form"
    submit_label = _("Upload")
    multipart = True
    file = forms.FileField(label=_("file"))
    internal = forms.BooleanField(label=_("internal (not for the customer)"), required=False)


class AssignForm(ActionForm):
    """To a named handler, or to a department where the workflow's rule picks one."""

    url_name = "tickets:assign"
    form_id = "assign-form"
    title = _("Assign")
    submit_label = _("Assign")
    assignee = forms.ModelChoiceField(label=_("handler"), queryset=User.objects.none(), required=False)
    department = UnitChoiceField(
        label=_("handling department"),
        required=False,
        help_text=_("Leave the handler empty to let the department's assignment rule choose one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = assignable_staff().select_related("org_unit")
        self.fields["assignee"].queryset = staff.order_by("org_unit__path", "full_name")
        self.fields["assignee"].label_from_instance = lambda user: (
            f"{user} · {user.org_unit.name}" if user.org_unit_id else str(user)
        )
        self.fields["department"].initial = self.ticket.department_id

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("assignee") and not cleaned.get("department"):
            raise forms.ValidationError(_("Choose a handler, or a department to assign by rule."))
        return cleaned


class TransferForm(ActionForm):
    url_name = "tickets:transfer"
    form_id = "transfer-form"
    title = _("Transfer to another department")
    submit_label = _("Request transfer")
    to_department = UnitChoiceField(label=_("to department"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TransferDecisionForm(ActionForm):
    url_name = "tickets:transfer_decide"
    form_id = "transfer-decision-form"
    buttons = (("accept", _("Accept the transfer"), "btn-success"), ("return", _("Return it"), "btn-outline-danger"))
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("return", "return")])
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Required to return.")
    )


class SuperviseForm(ActionForm):
    url_name = "tickets:supervise"
    form_id = "supervise-form"
    title = _("Supervise (督办)")
    submit_label = _("Put under supervision")
    note = forms.CharField(label=_("instruction"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LiftSupervisionForm(ActionForm):
    url_name = "tickets:supervision_lift"
    form_id = "supervision-lift-form"
    title = _("Lift supervision")
    submit_label = _("Lift supervision")
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RemindForm(ActionForm):
    url_name = "tickets:remind"
    form_id = "remind-form"
    title = _("Remind (催办)")
    submit_label = _("Send reminder")
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(ActionForm):
    url_name = "tickets:merge"
    form_id = "merge-form"
    title = _("Merge into another request")
    submit_label = _("Merge and close this one")
    number = forms.CharField(label=_("number of the request that goes on"), max_length=30)

    def clean_number(self):
        from .selectors import ticket_id_from_number

        text = self.cleaned_data["number"].strip()
        ticket_id = ticket_id_from_number(text) or (
            int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
        )
        target = Ticket.objects.visible_to(self.user).filter(pk=ticket_id).first() if ticket_id else None
        if target is None:
            raise forms.ValidationError(_("No request with this number was found."))
        return target


class ExtensionForm(ActionForm):
    url_name = "tickets:extension_request"
    form_id = "extension-form"
    title = _("Request more time")
    submit_label = _("Request extension")
    new_due_at = forms.DateTimeField(
        label=_("new deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(ActionForm):
    url_name = "tickets:extension_decide"
    form_id = "extension-decision-form"
    buttons = (("approve", _("Approve"), "btn-success"), ("reject", _("Reject"), "btn-outline-danger"))
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])


class LinkCustomerForm(ActionForm):
    url_name = "tickets:link_customer"
    form_id = "link-customer-form"
    submit_label = _("Link to this customer")
    extra_template = "tickets/partials/customer_lookup.html"
    rendered_elsewhere = ("customer",)
    customer = CustomerChoiceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].user = self.user
        self.fields["customer"].error_messages["required"] = _("Look the customer up and choose one first.")

    @property
    def chosen_customer(self):
        return getattr(self, "cleaned_data", {}).get("customer") if self.is_bound else None
