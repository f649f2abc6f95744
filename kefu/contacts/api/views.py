"""Contacts endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.core.pagination import UnorderedCountPagination
from kefu.customers.selectors import customer_in_scope
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..filters import ContactDueFilter, ContactLogFilter
from ..models import ContactPlan
from .serializers import (
    ContactCreateSerializer,
    ContactDueSerializer,
    ContactLogSerializer,
    ContactPlanSerializer,
    KeyAccountReviewSerializer,
    OverdueCountSerializer,
    ReviewCompleteSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="The contact log of the customers in the caller's scope, newest first"),
    retrieve=extend_schema(summary="One contact"),
    create=extend_schema(
        request=ContactCreateSerializer, responses={201: ContactLogSerializer}, summary="Log a contact with a customer"
    ),
)
class ContactViewSet(viewsets.GenericViewSet):
    serializer_class = ContactLogSerializer
    filterset_class = ContactLogFilter
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.contact_logs_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "contacts.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ContactLogSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ContactLogSerializer(selectors.get_contact_log_for_user(request.user, pk)).data)

    def create(self, request):
        require_capability(request.user, "contacts.log")
        incoming = ContactCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        customer = customer_in_scope(request.user, data.pop("customer"), fields=("id", "name"))
        if customer is None:
            raise ValidationError({"customer": _("Choose one of your customers.")})
        log = services.contact_log_record(actor=request.user, customer=customer, data=data)
        return Response(ContactLogSerializer(log).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Contacts due today or overdue (a manager's own, a supervisor's team), most overdue first"
    ),
)
class ContactDueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ContactDueSerializer
    filterset_class = ContactDueFilter
    pagination_class = UnorderedCountPagination

    def get_queryset(self):
        return selectors.contacts_due_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        require_capability(request.user, "contacts.view")
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=OverdueCountSerializer(many=True), summary="Contacts due and overdue per manager")
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None, url_path="per-manager")
    def per_manager(self, request):
        require_capability(request.user, "contacts.view")
        return Response(OverdueCountSerializer(selectors.overdue_counts(request.user), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Contact plans per tier"),
    retrieve=extend_schema(summary="One contact plan"),
    create=extend_schema(summary="Add a contact plan (admins)"),
    partial_update=extend_schema(summary="Change a contact plan (admins)"),
    destroy=extend_schema(summary="Delete a contact plan (admins)"),
)
class ContactPlanViewSet(viewsets.GenericViewSet):
    serializer_class = ContactPlanSerializer
    pagination_class = None
    filterset_class = None
    queryset = ContactPlan.objects.all()
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _plan(self, pk):
        require_capability(self.request.user, "contacts.view")
        return self.get_object()

    def list(self, request):
        require_capability(request.user, "contacts.view")
        return Response(ContactPlanSerializer(selectors.plans(), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ContactPlanSerializer(self._plan(pk)).data)

    def create(self, request):
        plan = services.contact_plan_save(actor=request.user, data=_plan_data(request.data))
        return Response(ContactPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        plan = services.contact_plan_save(actor=request.user, plan=self._plan(pk), data=_plan_data(request.data))
        return Response(ContactPlanSerializer(plan).data)

    def destroy(self, request, pk=None):
        services.contact_plan_delete(actor=request.user, plan=self._plan(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _plan_data(body) -> dict:
    """The plan's fields as sent (the service checks each and names the bad ones)."""
    if not hasattr(body, "get"):
        raise ValidationError({"non_field_errors": _("Send the plan's fields as a JSON object.")})
    keys = ("tier", "every_days", "channel", "quarterly_review")
    return {key: body.get(key) for key in keys if key in body}


@extend_schema_view(list=extend_schema(summary="Key-account file reviews still open, the earliest due first"))
class KeyAccountReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = KeyAccountReviewSerializer
    pagination_class = UnorderedCountPagination
    filterset_class = None
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.reviews_open(self.request.user)

    def list(self, request, *args, **kwargs):
        require_capability(request.user, "contacts.view")
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReviewCompleteSerializer, responses=KeyAccountReviewSerializer, summary="Close the review")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        review = selectors.get_review_for_user(request.user, pk)
        incoming = ReviewCompleteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.review_complete(actor=request.user, review=review, notes=incoming.validated_data["notes"])
        return Response(KeyAccountReviewSerializer(review).data)
