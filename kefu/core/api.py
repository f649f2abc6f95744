"""API plumbing shared by every app: errors from services become clean JSON answers."""

from django.core.exceptions import ValidationError as DjangoValidationError
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
    return drf_exception_handler(exc, context)
