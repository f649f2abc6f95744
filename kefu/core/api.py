"""API plumbing shared by every app: errors from services become clean JSON answers."""

import copy
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import relations, serializers, status
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
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
    """Build a serializer class's fields once, then give each serializer copies to bind, and
    write answers through fields bound once per class.

    DRF builds every field again each time a serializer is made (from the model's metadata for
    a ModelSerializer, by deep-copying the declared fields otherwise); on a hot endpoint
    (creating a request, a list page) that was the largest share of the time. DRF deep-copies by
    building every field again from its arguments; a shallow copy does for a field that holds
    no other field, since binding only sets the copy's own name and parent.

    Writing an answer (`to_representation`) copies no field at all: a field whose reading needs
    nothing of its serializer (plain values, keys of related rows) is read through one copy
    bound per class, a method field calls this serializer's method, and only the others (nested
    serializers, lists, files) get a copy bound to this serializer. Answers follow the class's
    fields: a serializer that changes `self.fields` per use must not take this mixin.
    """

    def get_fields(self):
        return {name: _copy(field, nested) for name, field, nested in _built_fields(self)}

    def to_representation(self, instance):
        plan = type(self).__dict__.get("_reading_plan")
        if plan is None:
            plan = type(self)._reading_plan = _reading_plan(self)
        if isinstance(instance, Mapping) or getattr(self.root, "partial", False):
            return _read_slowly(self, instance)  # rare: lookups by key; defaults skipped
        answer = {}
        for name, field, how in plan:
            if how is _BY_ATTRIBUTE:
                _read_attribute(answer, name, field, instance)
            elif how is _BY_METHOD:
                answer[name] = None if instance is None else getattr(self, field.method_name)(instance)
            else:
                _read_field(answer, name, field if how is _BY_FIELD else _bound_copy(self, name, field), instance)
        return answer


_BY_ATTRIBUTE, _BY_FIELD, _BY_METHOD, _BY_OWN_COPY = "attribute", "field", "method", "own copy"
_ASK_DRF = object()

# Fields whose reading uses nothing of their serializer (no context, no request): one bound copy
# per class serves every use. Exact classes only: a subclass may read its context.
_CONTEXT_FREE = {
    serializers.BigIntegerField, serializers.BooleanField, serializers.CharField, serializers.ChoiceField,
    serializers.DateField, serializers.DateTimeField, serializers.DecimalField, serializers.EmailField,
    serializers.FloatField, serializers.IntegerField, serializers.JSONField, serializers.ReadOnlyField,
    serializers.SlugField, serializers.TimeField, serializers.URLField, serializers.UUIDField,
    relations.StringRelatedField,
}  # fmt: skip


def _built_fields(serializer) -> list:
    built = type(serializer).__dict__.get("_fields_built")
    if built is None:
        fields = super(_FieldsOnce, serializer).get_fields()
        built = type(serializer)._fields_built = [(name, f, _holds_fields(f)) for name, f in fields.items()]
    return built


def _reading_plan(serializer) -> list[tuple[str, serializers.Field, str]]:
    """(name, field, how to read it) for each readable field, in the serializer's order."""
    # Binding keeps a parent: a stand-in, not a live serializer (its request, its instance).
    stand_in = object.__new__(type(serializer))
    stand_in.parent, stand_in.partial = None, False
    plan = []
    for name, field, nested in _built_fields(serializer):
        if field.write_only:
            continue
        bound = _copy(field, nested)
        bound.bind(name, stand_in)
        how = _how(bound, nested)
        plan.append((name, field if how is _BY_OWN_COPY else bound, how))
    return plan


def _how(field, nested: bool) -> str:
    if isinstance(field, serializers.SerializerMethodField) and type(field).to_representation is (
        serializers.SerializerMethodField.to_representation
    ):
        return _BY_METHOD
    if nested or not _reads_alone(field):
        return _BY_OWN_COPY
    if len(field.source_attrs) == 1 and type(field) in _CONTEXT_FREE:
        return _BY_ATTRIBUTE
    return _BY_FIELD


def _reads_alone(field) -> bool:
    needs_context = getattr(field.default, "requires_context", False)
    if type(field) is relations.PrimaryKeyRelatedField:
        return field.pk_field is None and not needs_context
    return type(field) in _CONTEXT_FREE and not needs_context


def _read_attribute(answer: dict, name: str, field, instance) -> None:
    """A plain attribute read directly; DRF's lookup only when it has something to decide (a
    missing attribute: default, skip or error; a method to call)."""
    try:
        value = getattr(instance, field.source_attrs[0])
    except Exception:
        value = _ASK_DRF
    if value is _ASK_DRF or callable(value):
        try:
            value = field.get_attribute(instance)
        except SkipField:
            return
    answer[name] = None if value is None else field.to_representation(value)


def _read_field(answer: dict, name: str, field, instance) -> None:
    """What DRF's Serializer.to_representation does for one field."""
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    answer[name] = None if check_for_none is None else field.to_representation(attribute)


def _read_slowly(serializer, instance) -> dict:
    """DRF's own way, every field bound to this serializer."""
    answer = {}
    for name, field, _nested in _built_fields(serializer):
        if not field.write_only:
            _read_field(answer, name, _bound_copy(serializer, name, field), instance)
    return answer


def _bound_copy(serializer, name: str, field):
    bound = _copy(field, _holds_fields(field))
    bound.bind(name, serializer)
    return bound


def _copy(field, nested: bool):
    return copy.deepcopy(field) if nested else _shallow_copy(field)


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
