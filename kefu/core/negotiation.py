"""The API's choice of renderer. Its own module: DRF imports it while loading its views."""

from rest_framework.negotiation import DefaultContentNegotiation


class PlainJsonNegotiation(DefaultContentNegotiation):
    """DRF's choice of renderer, made at once for what nearly every client sends (no Accept
    header, `*/*` or `application/json`, no `?format=`): DRF parses every renderer's media type
    and the Accept header on every call to reach the same answer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        plain = accept in ("*/*", "application/json") and not format_suffix
        if plain and self.settings.URL_FORMAT_OVERRIDE not in request.query_params:
            for renderer in renderers:
                if "*" not in renderer.media_type and accept in ("*/*", renderer.media_type):
                    return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
