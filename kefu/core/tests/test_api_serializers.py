"""ModelFieldsOnceSerializer: fields read from the model once per class, never shared between uses."""

from unittest import mock

from rest_framework import serializers

from kefu.core.api import ModelFieldsOnceSerializer
from kefu.org.models import OrgUnit


class UnitSerializer(ModelFieldsOnceSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind"]


def test_model_fields_are_built_once_per_class():
    if "_fields_built" in UnitSerializer.__dict__:
        del UnitSerializer._fields_built  # another test may have built them already
    with mock.patch.object(
        serializers.ModelSerializer, "get_fields", autospec=True, side_effect=serializers.ModelSerializer.get_fields
    ) as build:
        first, second = UnitSerializer(), UnitSerializer()
        assert list(first.fields) == list(second.fields) == ["id", "name", "kind"]
    assert build.call_count == 1


def test_each_serializer_gets_its_own_field_objects():
    first, second = UnitSerializer(), UnitSerializer()
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second


def test_output_matches_a_plain_model_serializer():
    class PlainUnitSerializer(serializers.ModelSerializer):
        class Meta(UnitSerializer.Meta):
            pass

    unit = OrgUnit(pk=7, name="营业厅", kind="team")
    assert UnitSerializer(unit).data == PlainUnitSerializer(unit).data
