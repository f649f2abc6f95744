"""The OpenAPI schema's shared parts: the error answer and which errors each operation documents."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    """An error answer, in the caller's language. `detail` says what went wrong with the call as a
    whole (401, 403, 404, 409, 413, a body that is not JSON); a refused field, filter or query
    value answers a list of messages under its own name instead (`{"customer": ["…"]}`), and
    a rule on the body as a whole under `non_field_errors`."""

    detail = serializers.CharField(required=False, help_text="What went wrong with the call as a whole.")
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Refusals of the body as a whole."
    )


def text_choice(choices, **kwargs) -> serializers.CharField:
    """Text the service checks against `choices` (so that one answer names every bad field),
    documented as the enum it is: DRF's ChoiceField would refuse the value before the service
    reads the rest. A class per field: DRF copies a declared field by building it again."""
    documented = serializers.ChoiceField(choices=choices, allow_blank=kwargs.get("allow_blank", False))

    @extend_schema_field(documented)
    class TextChoice(serializers.CharField):
        pass

    return TextChoice(**kwargs)


# (status, description, when it applies to an operation)
ERRORS = [
    ("400", "Bad input: a list of messages under each refused field or filter's name.", lambda schema: True),
    ("401", "Not signed in: no valid token or session.", lambda schema: schema.requires_sign_in),
    ("403", "Signed in without the right to do this.", lambda schema: True),
    ("404", "No such record within your data scope (or no such page of a list).", lambda schema: True),
    ("409", "The record changed since you read it, or the step is not possible now.", lambda s: s.changes),
    ("413", "The body is larger than the server accepts.", lambda schema: schema.changes),
]


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the errors every operation can answer documented with
    their body (ErrorSerializer) unless the operation declares that status itself."""

    @property
    def requires_sign_in(self) -> bool:
        return not any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())

    @property
    def changes(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, description, applies in ERRORS:
            declared = responses.get(status)
            if declared is None and not applies(self):
                continue
            error = self._get_response_for_code(ErrorSerializer, status, direction=direction)
            if declared is None:
                responses[status] = {**error, "description": description}
            elif "content" not in declared:  # declared with its own description only
                declared["content"] = error["content"]
        return responses

    def _get_paginator(self):
        # Only a viewset's `list` is paginated; another action answering a list (a request's
        # events, its attachments) answers a plain JSON list, and is documented as one.
        if getattr(self.view, "action", "list") != "list":
            return None
        return super()._get_paginator()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # A read-only field of a text column that may be blank is answered as "": DRF drops
        # allow_blank from read-only fields, so the schema would promise a choice or an e-mail.
        blank = direction == "response" and _blank_text_column(field)
        if blank:
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if blank and schema.get("format") in ("email", "uri"):
            schema.pop("format")
        if direction == "response" and not schema.get("nullable") and _may_be_null(field):
            schema["nullable"] = True
        return schema


def _may_be_null(field) -> bool:
    """An answer's field that can be null: one whose default is None (`default=None`, read when
    the related row is missing), or one read through a nullable column or relation (a comment's
    `from_state.code`, an event's actor, a user's unit)."""
    default = getattr(field, "default", serializers.empty)
    if default is not serializers.empty:  # what DRF answers when the related row is missing
        return default is None
    column = _column(field, (getattr(field, "source", "") or "").split(".")[0])
    return column is not None and column.null and not column.primary_key


def _blank_text_column(field) -> bool:
    source = getattr(field, "source", "") or ""
    column = None if "." in source else _column(field, source)
    return isinstance(column, models.CharField | models.TextField) and column.blank


def _column(field, name: str):
    """The model field `name` of the serializer's model (None: no model, or not one of its fields)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not name or name == "*":
        return None
    try:
        column = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A reverse relation (a bill's payments) is no column: it has no `null` or `primary_key` to read.
    return column if isinstance(column, models.Field) else None
