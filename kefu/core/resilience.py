"""While the database is down: an honest 503 with Retry-After, never a 500.

A lost or refused database connection (OperationalError, InterfaceError) ends the request with
503 Service Unavailable and `Retry-After`: the API answers JSON, pages show the styled error page
(drawn without a context: nothing is read from the database to draw it). The middleware catches
what a view raises; `server_error` (config/urls.py handler500) catches what a middleware raised
(the session or the user loaded in one). With CONN_HEALTH_CHECKS the broken connection is closed
at the end of the request and the next request opens a new one once the database is back.
"""

import logging
import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("kefu.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    logger.error("database unavailable: %s %s answered 503", request.method, request.path, exc_info=True)
    # Who is signed in cannot be read now: the middlewares after this one (no-store for signed-in
    # users, axes) must not ask the database again and turn the 503 into a 500.
    request.user = AnonymousUser()
    retry_after = str(settings.KEFU_RETRY_AFTER_SECONDS)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _("The database cannot be reached at the moment; try again in a few seconds."),
                "code": "database_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render({"retry_after": retry_after}), status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request)
        return None


def server_error(request, *args, **kwargs):
    """handler500: a database outage met outside a view (in a middleware) is a 503 too."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request)
    return django_server_error(request, *args, **kwargs)
