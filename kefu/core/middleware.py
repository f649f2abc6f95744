"""Chinese first: the interface language is the one chosen in Kefu, not the browser's; and
nothing a signed-in user sees is stored by the browser."""

from django.utils.cache import add_never_cache_headers


class ChineseFirstMiddleware:
    """Drop the browser's Accept-Language so LocaleMiddleware falls back to LANGUAGE_CODE
    (zh-hans) unless the user picked a language with the switcher (cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in user is kept by the browser or a proxy: pages, API answers
    and downloads carry customers' names, phones and requests (PIPL). `Cache-Control: no-store`
    (with Django's never-cache headers) on every answer to a signed-in user, pages and API alike
    (DRF sets the token's user on the request too); the login page and static files are untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
