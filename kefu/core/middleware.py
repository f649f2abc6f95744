"""Chinese first: the interface language is the one chosen in Kefu, not the browser's; and
nothing a signed-in user sees is stored by the browser."""

from django.middleware.gzip import GZipMiddleware
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


class CompressPagesMiddleware(GZipMiddleware):
    """Pages (HTML) gzip-compressed for browsers that accept it: a queue page is 27 KiB, 6 KiB
    compressed, fetched on every visit over a branch office's slow link (issue 22). Static files
    come compressed from WhiteNoise; API answers and downloads are left as they are, for clients
    that do not decode what they asked for. Django pads each compressed page with random bytes
    against BREACH, and CSRF tokens are masked per response."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
