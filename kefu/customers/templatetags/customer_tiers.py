"""The green-channel badge (绿色通道) and tier labels, one tag for every screen that shows a
customer or a request: `{% load customer_tiers %}{% green_channel_badge customer_or_request %}`.

A request carries its own flag (`Ticket.green_channel`, kept in step with the customer's tier);
a customer's comes from its tier (kefu.customers.tiers, from the configuration cache), so the tag
adds no query to a list.
"""

from django import template

from kefu.customers.tiers import is_green_channel, tier_label

register = template.Library()


def has_green_channel(obj) -> bool:
    """A request's own flag, or a customer's tier (anything else: no)."""
    if obj is None:
        return False
    flag = getattr(obj, "green_channel", None)
    if isinstance(flag, bool):
        return flag
    return is_green_channel(getattr(obj, "tier", "") or "")


@register.inclusion_tag("components/green_channel_badge.html")
def green_channel_badge(obj, compact=False):
    """The badge if `obj` (a customer or a request) has the green channel; nothing otherwise.
    `compact` draws only the icon, with the words for screen readers and as its tooltip."""
    return {"show": has_green_channel(obj), "compact": compact}


@register.filter
def tier_name(code: str) -> str:
    """A tier code as people read it (its label)."""
    return tier_label(code) if code else ""
