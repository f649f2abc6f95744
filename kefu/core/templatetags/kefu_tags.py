from django import template

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
