from rest_framework import serializers

from kefu.org.models import User


class MeSerializer(serializers.ModelSerializer):
    org_unit = serializers.StringRelatedField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "org_unit"]
