"""Outbox endpoints: messages (read, resend, withdraw), templates (CRUD, preview), opt-outs.
The same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.core.filters import IdField
from kefu.core.pagination import UnorderedCountPagination
from kefu.customers.selectors import customers_visible_to, get_customer_for_user
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..filters import MessageFilter
from ..models import MessageTemplate, OptOut
from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="Outgoing messages, newest first, with filters"),
    retrieve=extend_schema(summary="One outgoing message with the transport's answer"),
)
class MessageViewSet(viewsets.GenericViewSet):
    serializer_class = s.MessageSerializer
    filterset_class = MessageFilter
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.messages_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "outbox.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.MessageSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        require_capability(request.user, "outbox.view")
        return Response(s.MessageSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=s.MessageSerializer, summary="Send a failed or given-up message again")
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        require_capability(request.user, "outbox.manage")
        message = services.message_retry(actor=request.user, message_id=self.get_object().pk)
        return Response(s.MessageSerializer(message).data)

    @extend_schema(request=None, responses=s.MessageSerializer, summary="Withdraw a message not sent yet")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        require_capability(request.user, "outbox.manage")
        message = services.message_cancel(actor=request.user, message_id=self.get_object().pk)
        return Response(s.MessageSerializer(message).data)


@extend_schema_view(
    list=extend_schema(summary="Message templates"),
    retrieve=extend_schema(summary="One message template"),
    create=extend_schema(request=s.TemplateWriteSerializer, responses={201: s.TemplateSerializer}),
    partial_update=extend_schema(request=s.TemplateWriteSerializer, responses=s.TemplateSerializer),
    destroy=extend_schema(summary="Delete a template"),
)
class TemplateViewSet(viewsets.GenericViewSet):
    serializer_class = s.TemplateSerializer
    pagination_class = None
    lookup_value_converter = "int"
    queryset = MessageTemplate.objects.all()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require_capability(request.user, "outbox.manage")

    def list(self, request):
        return Response(s.TemplateSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.TemplateSerializer(self.get_object()).data)

    def create(self, request):
        incoming = s.TemplateWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        template = services.template_create(actor=request.user, data=dict(incoming.validated_data))
        return Response(s.TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        incoming = s.TemplateWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        template = services.template_update(actor=request.user, template=self.get_object(),
                                            data=dict(incoming.validated_data))  # fmt: skip
        return Response(s.TemplateSerializer(template).data)

    def destroy(self, request, pk=None):
        services.template_delete(actor=request.user, template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.PreviewSerializer, responses=s.PreviewResultSerializer,
                   summary="Render template text for one real customer")  # fmt: skip
    @action(detail=False, methods=["post"])
    def preview(self, request):
        incoming = s.PreviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        customer = get_customer_for_user(request.user, data["customer"]) if data.get("customer") else None
        subject, body = services.template_preview(template_text=data["body"], subject_text=data["subject"],
                                                  customer=customer)  # fmt: skip
        return Response({"subject": subject, "body": body})


@extend_schema_view(
    list=extend_schema(
        summary="Opt-outs of the customers you may see",
        parameters=[OpenApiParameter("customer", int, required=False)],
    ),
    create=extend_schema(request=s.OptOutWriteSerializer, responses={201: s.OptOutSerializer},
                         summary="Record that a customer wants no messages on a channel (empty: any)"),
    destroy=extend_schema(summary="Remove an opt-out"),
)  # fmt: skip
class OptOutViewSet(viewsets.GenericViewSet):
    serializer_class = s.OptOutSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return OptOut.objects.filter(customer__in=customers_visible_to(self.request.user)).order_by("-id")

    def list(self, request):
        require_capability(request.user, "outbox.optout")
        rows = self.get_queryset()
        raw = request.query_params.get("customer")
        if raw:
            try:
                rows = rows.filter(customer_id=IdField().clean(raw))
            except ValidationError as exc:
                raise ValidationError({"customer": exc.messages}) from None
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.OptOutSerializer(page, many=True).data)

    def create(self, request):
        require_capability(request.user, "outbox.optout")
        incoming = s.OptOutWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        customer = get_customer_for_user(request.user, data["customer"], capability="outbox.optout")
        optout = services.optout_record(actor=request.user, customer=customer, channel=data["channel"],
                                        reason=data["reason"])  # fmt: skip
        return Response(s.OptOutSerializer(optout).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        require_capability(request.user, "outbox.optout")
        optout = get_object_or_404(self.get_queryset(), pk=pk)
        services.optout_remove(actor=request.user, optout=optout)
        return Response(status=status.HTTP_204_NO_CONTENT)
