from django import template

from kefu.customers.tiers import tier_label as _tier_label

register = template.Library()


@register.filter
def tier_label(code: str) -> str:
    """A tier code as its label (三星); a dash for none."""
    return _tier_label(code) if code else "—"
