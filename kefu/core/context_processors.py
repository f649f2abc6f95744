from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"nav_items": navigation_for(request)}
