"""Request endpoints: the same selectors and services as the pages (UI and API cannot disagree)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.filters import IdField
from kefu.core.parsers import JSONParser
from kefu.core.phones import normalise_phone
from kefu.customers.api.serializers import CustomerSerializer
from kefu.customers.selectors import customer_list
from kefu.org.models import OrgUnit
from kefu.org.permissions import require_capability
from kefu.tickets import selectors, services, workflows
from kefu.tickets.models import Category, ExtensionRequest, Ticket, Transfer

from ..filters import TicketFilter
from . import serializers as s

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description=(
        "A key unique per request you mean to make: a retry with the same key returns the first request (200). "
        "Keys are per caller (another user's same key is a different request); 409 if the first request has "
        "left your data scope."
    ),
)  # fmt: skip


def _body(serializer_class, request) -> dict:
    incoming = serializer_class(data=request.data, context={"request": request})
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


def _ticket(request, pk, capability="tickets.view", *, with_people=True) -> Ticket:
    return selectors.get_ticket_for_user(request.user, pk, capability=capability, with_people=with_people)


def _done(ticket: Ticket, request) -> Response:
    """The request as `TicketDetailSerializer` describes it (the answers' schema), from the
    plain function that writes that shape."""
    return Response(s.ticket_answer(ticket, selectors.available_transitions(request.user, ticket)))


def _step_fields(raw: dict) -> dict:
    """A step's values as the service takes them: text as text, the department as a unit; a
    value of another kind, or a department that does not exist, is a 400 naming the field."""
    fields = {}
    for name, value in raw.items():
        if name == "department" and value not in (None, ""):
            try:
                unit_id = IdField().clean(value)
            except ValidationError:
                unit_id = None
            fields[name] = OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None
            if fields[name] is None:
                raise ValidationError({name: _("Choose an existing department.")})
        elif value is None or (isinstance(value, str) and "\x00" not in value):
            fields[name] = value
        else:  # a NUL character is refused like DRF's text fields do (PostgreSQL cannot store it)
            raise ValidationError({name: _("Give this value as text.")})
    return fields


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("state", "customer").get(pk=ticket.pk)


class RequestViewSet(viewsets.GenericViewSet):
    """Service requests and complaints within the caller's data scope."""

    serializer_class = s.TicketSerializer
    filterset_class = TicketFilter  # the queue page's filters: checked (400 naming the field) and documented
    lookup_value_converter = "int"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.tickets_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "tickets.view")
        tickets = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(tickets)
        workflows.attach_states(page)
        return self.get_paginated_response(s.TicketSerializer(page, many=True).data)

    @extend_schema(
        request=s.CreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: s.TicketDetailSerializer, 200: OpenApiResponse(s.TicketDetailSerializer, "a retry")},
    )
    def create(self, request):
        require_capability(request.user, "tickets.create")
        data = _body(s.CreateSerializer, request)
        key = request.headers.get("Idempotency-Key") or data.pop("idempotency_key", None)
        if key and len(key) > 80:
            raise ValidationError({"idempotency_key": _("The idempotency key is longer than 80 characters.")})
        customer_id, category_id = data.pop("customer", None), data.pop("category", None)
        customer = selectors.customer_for_new_request(request.user, customer_id) if customer_id else None
        category = get_object_or_404(Category, pk=category_id) if category_id else None
        ticket, created = services.ticket_create(
            actor=request.user, data=data, customer=customer, category=category, idempotency_key=key
        )
        # The service returns the request with its state and customer: no need to read it again.
        response = _done(ticket, request)
        response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return response

    @extend_schema(responses=s.TicketDetailSerializer)
    def retrieve(self, request, pk=None):
        return _done(_ticket(request, pk), request)

    @extend_schema(request=s.TransitionRequestSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.handle")
        data = _body(s.TransitionRequestSerializer, request)
        fields = _step_fields(data.get("fields") or {})
        ticket = services.ticket_transition(
            actor=request.user, ticket=ticket, code=data["code"], fields=fields, note=data.get("note", ""),
            expected_version=data.get("version"),
        )  # fmt: skip
        return _done(_fresh(ticket), request)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        return Response(s.EventSerializer(selectors.ticket_events(_ticket(request, pk)), many=True).data)

    @extend_schema(request=s.CommentSerializer, responses={201: s.EventSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        # A reply reads neither the owner nor the handler; the answer is the comment alone, as
        # EventSerializer describes it (GET events/ for the timeline).
        ticket = _ticket(request, pk, "tickets.comment", with_people=False)
        data = _body(s.CommentSerializer, request)
        event = services.ticket_comment(actor=request.user, ticket=ticket, body=data["body"], internal=data["internal"])
        return Response(s.event_answer(event), status=201)

    @extend_schema(methods=["GET"], responses=s.AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": s.AttachmentUploadSerializer},
                   responses={201: s.AttachmentSerializer})  # fmt: skip
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, pk=None):
        if request.method == "GET":
            ticket = _ticket(request, pk)
            return Response(s.AttachmentSerializer(ticket.attachments.all(), many=True).data)
        ticket = _ticket(request, pk, "tickets.comment")
        data = _body(s.AttachmentUploadSerializer, request)
        attachment = services.ticket_attach(
            actor=request.user, ticket=ticket, uploaded_file=data["file"], internal=data["internal"]
        )
        return Response(s.AttachmentSerializer(attachment).data, status=201)

    @extend_schema(request=s.AssignSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.assign")
        data = _body(s.AssignSerializer, request)
        department = get_object_or_404(OrgUnit, pk=data["department"]) if data.get("department") else None
        ticket = services.ticket_assign(
            actor=request.user, ticket=ticket, assignee=data.get("assignee"), department=department
        )
        return _done(_fresh(ticket), request)

    @extend_schema(request=s.TransferSerializer, responses={201: s.DoneSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.handle")
        data = _body(s.TransferSerializer, request)
        department = get_object_or_404(OrgUnit, pk=data["to_department"])
        transfer = services.ticket_transfer_request(
            actor=request.user, ticket=ticket, to_department=department, reason=data["reason"]
        )
        return Response({"id": transfer.pk, "status": transfer.status}, status=201)

    @extend_schema(request=s.NoteSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.supervise")
        ticket = services.ticket_supervise(
            actor=request.user, ticket=ticket, note=_body(s.NoteSerializer, request).get("note", "")
        )
        return _done(_fresh(ticket), request)

    @extend_schema(request=s.NoteSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="lift-supervision")
    def lift_supervision(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.supervise")
        ticket = services.ticket_supervision_lift(
            actor=request.user, ticket=ticket, note=_body(s.NoteSerializer, request).get("note", "")
        )
        return _done(_fresh(ticket), request)

    @extend_schema(request=s.NoteSerializer, responses=s.DoneSerializer)
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.supervise")
        services.ticket_remind(actor=request.user, ticket=ticket, note=_body(s.NoteSerializer, request).get("note", ""))
        return Response({"id": ticket.pk, "status": "reminded"})

    @extend_schema(request=s.MergeSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.merge")
        into = _body(s.MergeSerializer, request)["into"]  # within the caller's scope
        return _done(_fresh(services.ticket_merge(actor=request.user, ticket=ticket, into=into)), request)

    @extend_schema(request=s.ExtensionSerializer, responses={201: s.DoneSerializer})
    @action(detail=True, methods=["post"])
    def extensions(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.handle")
        data = _body(s.ExtensionSerializer, request)
        extension = services.ticket_extension_request(
            actor=request.user, ticket=ticket, new_due_at=data["new_due_at"], reason=data["reason"]
        )
        return Response({"id": extension.pk, "status": extension.status}, status=201)

    @extend_schema(request=s.LinkCustomerSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="link-customer")
    def link_customer(self, request, pk=None):
        ticket = _ticket(request, pk, "tickets.handle")
        customer = _body(s.LinkCustomerSerializer, request)["customer"]  # within the caller's scope
        return _done(
            _fresh(services.ticket_link_customer(actor=request.user, ticket=ticket, customer=customer)), request
        )


@extend_schema(request=s.DecisionSerializer, responses=s.DoneSerializer, tags=["requests"])
@api_view(["POST"])
def transfer_decide(request, pk):
    """The receiving department accepts or returns a transfer (转办)."""
    require_capability(request.user, "tickets.handle")
    visible = selectors.tickets_visible_to(request.user)
    transfer = get_object_or_404(Transfer.objects.filter(ticket__in=visible).select_related("to_department"), pk=pk)
    data = _body(s.DecisionSerializer, request)
    transfer = services.ticket_transfer_decide(
        actor=request.user, transfer=transfer, accept=data["accept"], note=data.get("note", "")
    )
    return Response({"id": transfer.pk, "status": transfer.status})


@extend_schema(request=s.ApproveSerializer, responses=s.DoneSerializer, tags=["requests"])
@api_view(["POST"])
def extension_decide(request, pk):
    """A supervisor approves or rejects a request for more time."""
    require_capability(request.user, "tickets.approve")
    visible = selectors.tickets_visible_to(request.user)
    extension = get_object_or_404(ExtensionRequest.objects.filter(ticket__in=visible), pk=pk)
    data = _body(s.ApproveSerializer, request)
    extension = services.ticket_extension_decide(actor=request.user, extension=extension, approve=data["approve"])
    return Response({"id": extension.pk, "status": extension.status})


@extend_schema(
    parameters=[OpenApiParameter("phone", OpenApiTypes.STR, required=True)],
    responses=inline_serializer(
        "CallerLookup",
        {"customers": CustomerSerializer(many=True), "open_requests": s.TicketSerializer(many=True)},
    ),
    tags=["requests"],
)
@api_view(["GET"])
def caller_lookup(request):
    """Call-centre screen pop: the customers with this number and their open requests."""
    require_capability(request.user, "tickets.view")
    phone = normalise_phone(request.query_params.get("phone"))
    if not phone.isdigit() or len(phone) < 5:
        raise ValidationError({"phone": _("Give the caller's phone number.")})
    customers = list(customer_list(request.user, filters={"q": phone}).prefetch_related("tags")[:10])
    tickets = selectors.open_tickets_for_caller(request.user, customer_ids=[c.pk for c in customers], phone=phone)
    return Response(
        {
            "customers": CustomerSerializer(customers, many=True).data,
            "open_requests": s.TicketSerializer(tickets, many=True).data,
        }
    )
