"""API plumbing shared by every app: errors from services become clean JSON answers."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
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


class _FieldsOnce:
    """Build a serializer class's fields once, then give each serializer copies to bind.

    DRF builds every field again each time a serializer is made (from the model's metadata for
    a ModelSerializer, by deep-copying the declared fields otherwise); on a hot endpoint
    (creating a request, a list page) that was the largest share of the time. DRF deep-copies by
    building every field again from its arguments; a shallow copy does for a field that holds
    no other field, since binding only sets the copy's own name and parent.
    """

    def get_fields(self):
        built = type(self).__dict__.get("_fields_built")
        if built is None:
            built = [(name, field, _holds_fields(field)) for name, field in super().get_fields().items()]
            type(self)._fields_built = built
        return {name: copy.deepcopy(field) if nested else _shallow_copy(field) for name, field, nested in built}


class ModelFieldsOnceSerializer(_FieldsOnce, serializers.ModelSerializer):
    """A ModelSerializer that reads its model's fields once per class, not once per use."""


class FieldsOnceSerializer(_FieldsOnce, serializers.Serializer):
    """A Serializer that copies its declared fields once per class, not deeply once per use."""


def _holds_fields(field: serializers.Field) -> bool:
    """Nested serializers and list fields are bound to their parent: they are built again."""
    return isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "child_relation")


def _shallow_copy(field: serializers.Field) -> serializers.Field:
    """What copy.copy does for a field (a new object sharing the attributes), without its
    generic protocol: four times faster, and a response of 35 fields copies 35 of them."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone
