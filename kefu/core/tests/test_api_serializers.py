"""kefu.core.api: fields built once per class and never shared between uses, answers exactly as DRF
writes them, the renderer DRF would choose."""

from unittest import mock

import pytest
from rest_framework import serializers
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from kefu.core.api import FieldsOnceSerializer, ModelFieldsOnceSerializer
from kefu.core.negotiation import PlainJsonNegotiation
from kefu.core.testing.factories import KeyPersonFactory, TicketFactory, install_workflows
from kefu.customers.api.serializers import CustomerSerializer, KeyPersonSerializer
from kefu.org.models import OrgUnit
from kefu.tickets import services
from kefu.tickets.api import serializers as ticket_serializers
from kefu.tickets.api.serializers import TicketSerializer
from kefu.tickets.models import Ticket, WorkflowTransition
from kefu.tickets.selectors import available_transitions


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


# Answers are written through fields bound once per class (_FieldsOnce.to_representation): they
# must be exactly what DRF's own Serializer.to_representation writes with freshly bound fields.


def drf_answer(serializer, instance) -> dict:
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.fixture
def requests_of_every_shape(agent, own_customer, org):
    install_workflows()
    full = TicketFactory(owner=agent, customer=own_customer, caller_phone="13812345678", department=org["east_team"])
    services.ticket_comment(actor=agent, ticket=full, body="已联系客户", internal=True)
    bare = TicketFactory(owner=agent, customer=None, caller_name="张先生", caller_phone="")
    return [full, bare]


def test_request_answers_match_drf_for_every_field(requests_of_every_shape, agent):
    for ticket in Ticket.objects.select_related("state", "customer").filter(
        pk__in=[t.pk for t in requests_of_every_shape]
    ):
        for serializer_class in (ticket_serializers.TicketSerializer, ticket_serializers.TicketDetailSerializer):
            serializer = serializer_class(ticket, context={"transitions": available_transitions(agent, ticket)})
            assert serializer.data == drf_answer(serializer_class(ticket, context=serializer.context), ticket)
        transitions = available_transitions(agent, ticket)
        assert (
            transitions
            and ticket_serializers.TicketDetailSerializer(ticket, context={"transitions": transitions}).data[
                "transitions"
            ]
            == ticket_serializers.TransitionSerializer(transitions, many=True).data
        )
        for event in ticket.events.select_related("actor", "from_state", "to_state"):
            assert ticket_serializers.EventSerializer(event).data == drf_answer(
                ticket_serializers.EventSerializer(event), event
            )


def test_customer_answers_match_drf_for_every_field(own_customer):
    person = KeyPersonFactory(customer=own_customer)
    assert CustomerSerializer(own_customer).data == drf_answer(CustomerSerializer(own_customer), own_customer)
    assert KeyPersonSerializer(person).data == drf_answer(KeyPersonSerializer(person), person)


def test_lists_of_answers_match_drf(requests_of_every_shape):
    answers = TicketSerializer(requests_of_every_shape, many=True).data
    assert answers == [drf_answer(TicketSerializer(t), t) for t in requests_of_every_shape]


class Prefixed(serializers.CharField):
    """A field that reads its serializer's context: never shared between serializers."""

    def to_representation(self, value):
        return self.context["prefix"] + value


class EdgeSerializer(FieldsOnceSerializer):
    name = serializers.CharField()
    prefixed = Prefixed(source="name")
    city = serializers.CharField(source="address.city", default="（无）")
    shout = serializers.CharField(source="loud_name")
    note = serializers.CharField(required=False)
    kept_secret = serializers.CharField(write_only=True)


class Thing:
    def __init__(self, name, address=None):
        self.name, self.address = name, address

    def loud_name(self):
        return self.name.upper()


class Address:
    city = "杭州"


def test_a_field_reading_its_context_gets_its_own_copy_each_time():
    one = EdgeSerializer(Thing("abc"), context={"prefix": "一:"}).data
    two = EdgeSerializer(Thing("abc"), context={"prefix": "二:"}).data
    assert (one["prefixed"], two["prefixed"]) == ("一:abc", "二:abc")


def test_defaults_methods_missing_optional_and_write_only_fields_read_as_drf_reads_them():
    for thing in (Thing("abc"), Thing("abc", Address())):
        serializer = EdgeSerializer(thing, context={"prefix": ">"})
        assert serializer.data == drf_answer(EdgeSerializer(thing, context={"prefix": ">"}), thing)
    answer = EdgeSerializer(Thing("abc"), context={"prefix": ">"}).data
    assert answer["city"] == "（无）" and answer["shout"] == "ABC"
    assert "note" not in answer and "kept_secret" not in answer


def test_a_partial_serializer_skips_defaults_as_drf_does():
    thing = Thing("abc")
    answer = EdgeSerializer(thing, context={"prefix": ">"}, partial=True).data
    assert "city" not in answer
    assert answer == drf_answer(EdgeSerializer(thing, context={"prefix": ">"}, partial=True), thing)


def test_a_mapping_is_read_by_key():
    row = {"name": "abc", "address": {"city": "宁波"}, "loud_name": "ABC", "kept_secret": "x"}
    answer = EdgeSerializer(row, context={"prefix": ">"}).data
    assert answer == {"name": "abc", "prefixed": ">abc", "city": "宁波", "shout": "ABC"}


def test_a_missing_required_attribute_fails_as_in_drf():
    class Nameless:
        pass

    with pytest.raises(AttributeError, match="EdgeSerializer"):
        EdgeSerializer(Nameless(), context={"prefix": ">"}).data  # noqa: B018


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "text/html",
        "application/json; indent=4",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/xml",
        "",
    ],
)
@pytest.mark.parametrize("query", ["", "?format=api", "?format=json", "?page=2"])
@pytest.mark.parametrize("html_first", [False, True])
def test_the_renderer_is_the_one_drf_would_choose(accept, query, html_first):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(f"/api/v1/requests/{query}", **headers))
    renderers = [BrowsableAPIRenderer(), JSONRenderer()] if html_first else [JSONRenderer(), BrowsableAPIRenderer()]

    def choice(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except NotAcceptable:
            return "not acceptable"
        return type(renderer), media_type

    assert choice(PlainJsonNegotiation()) == choice(DefaultContentNegotiation())


def test_a_renamed_step_shows_its_new_name_in_the_next_answer(requests_of_every_shape, agent):
    ticket = Ticket.objects.select_related("state", "customer").get(pk=requests_of_every_shape[0].pk)

    def steps():
        context = {"transitions": available_transitions(agent, ticket)}
        return ticket_serializers.TicketDetailSerializer(ticket, context=context).data["transitions"]

    first = steps()
    step = WorkflowTransition.objects.get(pk=available_transitions(agent, ticket)[0].pk)
    step.name = "改名后的步骤"
    step.save()  # the configuration cache forgets the workflows: new steps, new answers
    assert steps()[0]["name"] == "改名后的步骤" and first[0]["name"] != "改名后的步骤"
    steps()[0]["name"] = "changed by a caller"
    assert steps()[0]["name"] == "改名后的步骤"  # each answer is its own copy
