"""Rendering a message from its template and plain variables, in a sandbox.

The template sees only the variables handed to it (text, numbers, dates), never a model
instance, so it cannot walk relations or call methods. Unknown variables render empty (Django's
default); syntax errors are reported on the template's field when it is saved.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class _SandboxEngine(Engine):
    default_builtins = ["kefu.outbox.sandbox"]


_engine = _SandboxEngine(loaders=[], autoescape=False, libraries={})

# What a template may name (documented on the template page); senders may add their own keys.
VARIABLES = {
    "customer_name": gettext_lazy("the customer's name"),
    "customer_code": gettext_lazy("the customer's code"),
    "key_person": gettext_lazy("the key person's name"),
    "recipient_name": gettext_lazy("whom the message is addressed to"),
    "date": gettext_lazy("the date the sender gives (an occasion, an outage)"),
    "today": gettext_lazy("today's date"),
}
_PLAIN = (str, int, float, Decimal, date, datetime, bool, type(None))


def compile_template(text: str, *, field: str = "body"):
    try:
        return _engine.from_string(text or "")
    except TemplateSyntaxError as exc:
        raise ValidationError({field: _("The template cannot be read: %(error)s") % {"error": exc}}) from None


def check_variables(variables: dict) -> dict:
    """Only plain values reach a template (a list of plain values for a loop)."""
    clean = {}
    for key, value in (variables or {}).items():
        if isinstance(value, (list, tuple)):
            if not all(isinstance(item, _PLAIN) for item in value):
                raise ValueError(f"template variable {key!r} holds something other than plain values")
        elif not isinstance(value, _PLAIN):
            raise ValueError(f"template variable {key!r} is not a plain value: {type(value).__name__}")
        clean[str(key)] = value
    return clean


def render(compiled, variables: dict, *, field: str = "body") -> str:
    """The text for one recipient. A template that compiles but fails on the values (a loop over
    a date, say) is refused on its field like a syntax error, never a server error."""
    context = Context(check_variables(variables), autoescape=False)
    try:
        return compiled.render(context).strip()
    except Exception as exc:
        raise ValidationError({field: _("The template cannot be rendered: %(error)s") % {"error": exc}}) from None
