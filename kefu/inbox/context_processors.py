from django.utils.functional import SimpleLazyObject

from .selectors import unread_badge


def bell(request):
    """The bell's unread count, counted only when a whole page (with its top bar) is drawn."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"unread_badge": SimpleLazyObject(lambda: unread_badge(user))}
