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
