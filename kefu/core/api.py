"""API plumbing shared by every app: errors from services become clean JSON answers."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import PermissionDeniedError, ServiceError


def exception_handler(exc, context):
    """Turn Django ValidationError (from services) and ServiceError into 400/403/409 bodies.

    Field errors keep DRF's shape `{"field": ["message"]}` so that clients handle one format.
    """
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDeniedError):
        return Response({"detail": str(exc.message)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ServiceError):
        body = {exc.field: [str(exc.message)]} if exc.field else {"detail": str(exc.message)}
        return Response(body, status=exc.status_code)
    # Django refuses an oversized body (DATA_UPLOAD_MAX_MEMORY_SIZE) with its HTML 400 page
    # unless the API answers it here.
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": _("The body is larger than the server accepts.")}, status=413)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": _("The body has more fields or files than the server accepts.")}, status=400)
    return drf_exception_handler(exc, context)


@csrf_exempt  # a POST to a path that names nothing is a 404, not a CSRF refusal (HTML 403)
def not_found(request, *args, **kwargs):
    """Any path under the API that names no endpoint (`/api/v1/customers/abc/`): a 404 in the
    API's JSON shape, not the pages' HTML."""
    return JsonResponse({"detail": _("No such endpoint.")}, status=404)
