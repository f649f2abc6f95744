"""Related objects in API input, accepted only within the caller's data scope.

The forms do the same by giving their ModelChoiceFields `Model.objects.visible_to(user)` as
queryset; the services check again with the same queryset, so a page, the API and a direct
call refuse the same ids.
"""

from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id looked up among the rows the requesting user may see, chosen per request.

    `scope(queryset, user)` narrows the declared queryset; by default it is the model's
    `visible_to(user)` (e.g. Customer.objects.visible_to). The declared queryset also gives the
    OpenAPI schema its type. An id outside the scope is answered like one that does not exist,
    so ids cannot be probed. The serializer needs the request in its context.
    """

    def __init__(self, *, scope=None, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.context["request"].user
        return self.scope(queryset, user) if self.scope else queryset.visible_to(user)
