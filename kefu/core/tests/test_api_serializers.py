"""ModelFieldsOnceSerializer and FieldsOnceSerializer: fields built once per class, never shared between uses."""

from unittest import mock

from rest_framework import serializers

from kefu.core.api import FieldsOnceSerializer, ModelFieldsOnceSerializer
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


class Unit(OrgUnit):
    class Meta:
        proxy = True
        app_label = "org"

    def get_ancestor_codes(self) -> list[str]:
        return [self.code]


class UnitWithChildrenSerializer(ModelFieldsOnceSerializer):
    itself = UnitSerializer(source="*", read_only=True)
    codes = serializers.ListField(child=serializers.CharField(), source="get_ancestor_codes", read_only=True)
    label = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "name", "itself", "codes", "label"]

    def get_label(self, unit) -> str:
        return f"{self.context['prefix']}{unit.name}"


def test_nested_serializers_are_built_again_for_each_use():
    first, second = UnitWithChildrenSerializer(), UnitWithChildrenSerializer()
    assert first.fields["itself"] is not second.fields["itself"]
    assert first.fields["itself"].fields["name"].parent is first.fields["itself"]
    assert first.fields["codes"].child is not second.fields["codes"].child
    assert first.fields["codes"].child.parent is first.fields["codes"]


def test_method_fields_call_their_own_serializer(db):
    unit = Unit.objects.add_root({"name": "总公司", "kind": "company", "code": "HQ"})
    one = UnitWithChildrenSerializer(unit, context={"prefix": "一:"}).data
    two = UnitWithChildrenSerializer(unit, context={"prefix": "二:"}).data
    assert (one["label"], two["label"]) == ("一:总公司", "二:总公司")
    assert one["itself"] == {"id": unit.pk, "name": "总公司", "kind": "company"} and one["codes"] == ["HQ"]


class NewTicketBody(FieldsOnceSerializer):
    title = serializers.CharField(max_length=5)
    customer = serializers.IntegerField(required=False, min_value=1)


def test_declared_fields_are_copied_once_per_class_not_deeply_per_use():
    NewTicketBody().fields  # noqa: B018 (builds the class's fields)
    with mock.patch("copy.deepcopy") as deepcopy:
        first, second = NewTicketBody(), NewTicketBody()
        assert first.fields["title"] is not second.fields["title"]
        assert first.fields["title"].parent is first and second.fields["title"].parent is second
    deepcopy.assert_not_called()


def test_two_bodies_validated_side_by_side_keep_their_own_values_and_errors():
    good, bad = (
        NewTicketBody(data={"title": "停电", "customer": 3}),
        NewTicketBody(data={"title": "太长的标题啊", "customer": 0}),
    )
    assert good.is_valid() and not bad.is_valid()
    assert good.validated_data == {"title": "停电", "customer": 3}
    assert set(bad.errors) == {"title", "customer"} and not good.errors
