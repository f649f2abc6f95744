"""The one helper that decides when to answer an htmx request with a partial template."""

from django.shortcuts import render


def render_page_or_partial(request, page_template: str, partial_template: str, context: dict):
    """Render just the partial for htmx requests that target it, the whole page otherwise.

    History restores (back button) ask for the full page even though they come from htmx.
    """
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request and not htmx.boosted:
        return render(request, partial_template, context)
    return render(request, page_template, context)
