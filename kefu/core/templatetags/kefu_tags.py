from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.inclusion_tag("components/sort_link.html", takes_context=True)
def sort_link(context, label, field):
    current = context["request"].GET.get("ordering", "")
    next_value = f"-{field}" if current == field else field
    return {
        "request": context["request"],
        "label": label,
        "field": field,
        "desc": f"-{field}",
        "current": current,
        "next": next_value,
    }


@register.simple_tag
def select_options(choices, selected):
    """`<option>`s for (value, label) pairs with `selected` marked: one call instead of a
    template loop, whose cost grows with every option of a select of a few hundred departments."""
    selected = str(selected or "")
    return format_html_join(
        "", "{}", ((_option(str(value), label, str(value) == selected),) for value, label in choices)
    )


def _option(value: str, label, is_selected: bool) -> str:
    if is_selected:
        return format_html('<option value="{}" selected>{}</option>', value, label)
    return format_html('<option value="{}">{}</option>', value, label)


# Bootstrap's class for each kind of input, for a widget whose form did not give one (Django's
# login and password forms): every field drawn by components/field.html looks the same.
_WIDGET_CLASSES = {"checkbox": "form-check-input", "select": "form-select", "radio": "form-check-input"}


@register.filter
def styled(field):
    """The field's input with Bootstrap's class for its kind (unless the form gave one) and, when
    refused, `is-invalid`: the red border goes with the error text below it."""
    widget = field.field.widget
    css = widget.attrs.get("class")
    if not css:
        kind = getattr(widget, "input_type", None) or ("select" if widget.__class__.__name__.endswith("Select") else "")
        css = _WIDGET_CLASSES.get(kind, "form-control")
    elif not field.errors:
        return field
    return field.as_widget(attrs={"class": f"{css} is-invalid" if field.errors else css})
