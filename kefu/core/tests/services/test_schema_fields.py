"""The schema's nullable hints read serializer fields against the model's columns."""

from rest_framework import serializers

from kefu.core.schema import _may_be_null
from kefu.customers.models import Customer


class _CustomerWithProducts(serializers.ModelSerializer):
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "birthday", "products"]


def test_a_field_read_through_a_reverse_relation_is_not_a_nullable_column():
    # A reverse relation has no column (no null or primary_key flags): reading it as one made
    # /api/schema/ answer 500 for any serializer that lists a model's related rows.
    fields = _CustomerWithProducts().fields
    assert _may_be_null(fields["products"]) is False
    assert _may_be_null(fields["birthday"]) is True
