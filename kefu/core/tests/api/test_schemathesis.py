"""Schemathesis against the API's own OpenAPI schema, as an agent and as an account manager:
every operation is called with generated valid and invalid input, and every answer must be no
server error, a status the schema documents, and a body of the documented shape (issue 15.9).

Bounded to stay within a couple of minutes on two cores: EXAMPLES examples per operation and
role, derandomised so that a run is reproducible (a failure prints the call to repeat with curl).
KEFU_SCHEMATHESIS_EXAMPLES=200 searches deeper by hand.
"""

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.tickets.choices import EventKind
from kefu.tickets.models import TicketEvent
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = pytest.mark.schemathesis

EXAMPLES = int(os.environ.get("KEFU_SCHEMATHESIS_EXAMPLES", "10"))
# Not negative_data_rejection: a list filter sent empty (`?queue=`, as a form sends "any") is no
# filter, accepted, while the schema's enum or integer type does not include "".
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _raw_schema() -> dict:
    # The schema as /api/schema/ serves it (built without a request: no user to scope it).
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


RAW_SCHEMA = _raw_schema()
OPERATIONS = [(method.upper(), path) for path, operations in RAW_SCHEMA["paths"].items() for method in operations]


@pytest.fixture(scope="module")
def api_schema():
    return schemathesis.openapi.from_dict(RAW_SCHEMA)


@pytest.fixture
def records(agent, manager, own_customer, foreign_customer):
    """A little of everything, so that generated ids find rows as well as miss them."""
    install_workflows()
    KeyPersonFactory(customer=own_customer)
    CustomerFactory(account_manager=manager)
    for customer in (own_customer, foreign_customer, None):
        ticket = TicketFactory(owner=agent, customer=customer)
        # A timeline holds events without an actor (the sweep's) or states (a comment): nulls.
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.REPLY, actor=None, body="系统提醒")


@pytest.mark.parametrize("role", ["agent", "manager"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_answers_as_its_schema_says(method, path, role, request, records, api_schema):
    user = request.getfixturevalue(role)
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    operation = api_schema[path][method]
    app = WSGIHandler()
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=strategy)
    def call(case):
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)

    call()
