"""The API's contract for input it did not expect: an answer in 4xx, never a 500 (issue 15.7)."""

import pytest
from rest_framework.test import APIClient

from kefu.conftest import caller
from kefu.tickets.tests.factories import TicketFactory, install_workflows

REQUEST_ACTIONS = ["", "transition/", "events/", "comments/", "attachments/", "assign/", "transfer/", "supervise/",
                   "remind/", "merge/", "extensions/", "link-customer/"]  # fmt: skip
ID_PATHS = (
    [("get", "/api/v1/customers/{}/"), ("patch", "/api/v1/customers/{}/"), ("delete", "/api/v1/customers/{}/")]
    + [("post", "/api/v1/customers/{}/reveal/"), ("get", "/api/v1/key-persons/{}/")]
    + [("get" if not action or action in ("events/", "attachments/") else "post", f"/api/v1/requests/{{}}/{action}")
       for action in REQUEST_ACTIONS]
    + [("post", "/api/v1/transfers/{}/decide/"), ("post", "/api/v1/extensions/{}/decide/")]
)  # fmt: skip


@pytest.mark.parametrize("bad_id", ["abc", "1e3", "-1", "99999999999999999999"])
@pytest.mark.parametrize(("method", "path"), ID_PATHS, ids=[f"{m} {p}" for m, p in ID_PATHS])
def test_an_id_in_a_path_that_is_not_a_record_number_is_not_found(method, path, bad_id, admin_user):
    response = getattr(caller(admin_user), method)(path.format(bad_id), {}, content_type="application/json")
    assert response.status_code == 404


def test_path_ids_are_integers_in_the_schema(agent):
    schema = APIClient()
    schema.force_authenticate(agent)
    paths = schema.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    id_parameters = [
        parameter
        for path, operations in paths.items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]
    assert id_parameters
    assert {parameter["schema"]["type"] for parameter in id_parameters} == {"integer"}


def test_a_body_nested_beyond_the_parsers_depth_is_a_bad_request(agent):
    deep = "[" * 100_000 + "]" * 100_000
    response = caller(agent).post("/api/v1/requests/", deep, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/requests/", "/api/v1/customers/", "/api/v1/me/"])
def test_a_browser_asking_for_html_gets_an_answer_not_an_error(path, agent):
    response = caller(agent).get(path, HTTP_ACCEPT="text/html")
    assert response.status_code in (200, 406)


@pytest.mark.parametrize(
    ("department", "field"),
    [("abc", "department"), (99999999999999999999, "department"), (-4, "department"), ([1], "department")],
)
def test_a_transition_to_a_department_that_is_not_one_is_a_bad_request(department, field, agent, own_customer):
    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    response = caller(agent).post(
        f"/api/v1/requests/{ticket.pk}/transition/",
        {"code": "dispatch", "fields": {"department": department}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("value", [{"a": 1}, ["x"], 3, "含\x00空字符"])
def test_a_step_value_that_is_not_text_is_a_bad_request(value, agent, own_customer):
    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    response = caller(agent).post(
        f"/api/v1/requests/{ticket.pk}/transition/",
        {"code": "acknowledge", "fields": {"resolution": value}},
        content_type="application/json",
    )
    assert (response.status_code, list(response.json())) == (400, ["resolution"])


@pytest.mark.parametrize("kind", ["json", "form"])
def test_a_body_over_the_upload_limit_is_answered_413_in_json(kind, agent, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = caller(agent)
    if kind == "json":
        body = '{"title": "%s"}' % ("x" * 2000)
        response = client.post("/api/v1/requests/", body, content_type="application/json")
    else:
        response = client.post("/api/v1/requests/", {"title": "x" * 2000, "description": "y"})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/customers/abc/", "/api/v1/requests/1/nothing/", "/api/v1/nowhere"])
def test_a_path_under_the_api_that_names_no_endpoint_is_a_json_404(path, agent):
    response = caller(agent).get(path)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json()["detail"]


def test_every_operation_documents_its_errors_with_the_error_body(agent):
    client = APIClient()
    client.force_authenticate(agent)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"400", "401", "403", "404"} | ({"409", "413"} if method != "get" else set())
            assert expected <= set(responses), f"{method} {path}"
            for status in expected:
                assert responses[status]["content"]["application/json"]["schema"] == error, f"{method} {path}"


@pytest.mark.parametrize(
    "path", ["/customers/?q=张%00三", "/api/v1/customers/?q=张%00三", "/requests/new/customers/?lookup=张%00三"]
)
def test_a_search_with_a_nul_character_is_searched_without_it(path, agent, own_customer):
    # PostgreSQL refuses a NUL in a query (a 500); the API's filter refuses it (400), the pages
    # and the searches behind them drop it.
    response = caller(agent).get(path)
    if path.startswith("/api/"):
        assert (response.status_code, list(response.json())) == (400, ["q"])
    else:
        assert response.status_code == 200
        assert own_customer.name in response.content.decode()


def test_a_request_search_with_a_nul_character_is_searched_without_it(agent, own_customer):
    from kefu.tickets.selectors import ticket_list

    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer, title="停电未通知")
    assert list(ticket_list(agent, queue="all_open", filters={"q": "停\x00电"})) == [ticket]


@pytest.mark.parametrize("customer", ["", "abc", "²", "99999999999999999999", "0"])
def test_listing_key_persons_of_a_customer_that_is_not_a_record_number_is_a_bad_request(customer, agent):
    response = caller(agent).get("/api/v1/key-persons/", {"customer": customer})
    assert (response.status_code, list(response.json())) == (400, ["customer"])


def test_answers_that_can_hold_null_are_documented_as_nullable(agent):
    client = APIClient()
    client.force_authenticate(agent)
    components = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    # An event of the sweep has no actor, a comment no states; a user may have no unit.
    for component, field in [("Event", "actor"), ("Event", "from_state"), ("Event", "to_state"), ("Me", "org_unit")]:
        assert components[component]["properties"][field].get("nullable"), f"{component}.{field}"
    # A missing account manager is answered "", not null.
    assert not components["Customer"]["properties"]["account_manager_name"].get("nullable")


def test_a_signed_in_user_without_a_unit_gets_null_as_documented(org):
    from kefu.org.tests.factories import UserFactory

    user = UserFactory(username="nounit", org_unit=None)
    assert caller(user).get("/api/v1/me/").json()["org_unit"] is None


def test_request_fields_with_a_fixed_list_are_documented_as_enums(agent):
    client = APIClient()
    client.force_authenticate(agent)
    components = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]

    def enum(component, field):
        schema = components[component]["properties"][field]
        refs = [part["$ref"] for part in schema.get("allOf", []) + schema.get("oneOf", [])]
        return {value for ref in refs for value in components[ref.rsplit("/", 1)[1]].get("enum", [])}

    assert {"complaint", "inquiry"} <= enum("CreateRequest", "ticket_type")
    assert "wechat" in enum("CreateRequest", "channel")
    assert {"individual", "organisation"} <= enum("CustomerCreateRequest", "kind")
    assert "" in enum("PatchedCustomerWriteRequest", "credit_rating")  # may be left blank
    assert enum("Ticket", "sla_state") == {"ok", "warning", "breached"}


def test_a_bad_choice_is_still_reported_with_every_other_bad_field(agent):
    # The enums are documentation: the service checks them with the rest of the body.
    response = caller(agent).post(
        "/api/v1/requests/",
        {"ticket_type": "x", "channel": "fax", "title": "", "description": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"ticket_type", "channel", "title", "description"}


@pytest.mark.parametrize(
    ("path", "required"), [("/api/v1/customers/", {"name"}), ("/api/v1/key-persons/", {"customer", "name"})]
)
def test_creating_documents_the_fields_it_requires(path, required, agent):
    client = APIClient()
    client.force_authenticate(agent)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert required <= set(schema["components"]["schemas"][body.rsplit("/", 1)[1]]["required"])


@pytest.mark.parametrize(("path", "field"), [("/api/v1/customers/", "name"), ("/api/v1/key-persons/", "name")])
def test_creating_without_a_required_field_names_it(path, field, manager, own_customer):
    response = caller(manager).post(path, {"customer": own_customer.pk}, content_type="application/json")
    assert response.status_code == 400 and field in response.json()


def test_the_caller_lookup_documents_its_two_lists(agent):
    client = APIClient()
    client.force_authenticate(agent)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    answer = schema["paths"]["/api/v1/lookup/caller/"]["get"]["responses"]["200"]["content"]["application/json"]
    properties = schema["components"]["schemas"][answer["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
    assert properties["customers"]["type"] == properties["open_requests"]["type"] == "array"


def test_a_root_cause_given_as_a_digit_int_refuses_is_a_bad_request(agent, own_customer):
    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    response = caller(agent).post(
        f"/api/v1/requests/{ticket.pk}/transition/",
        {"code": "acknowledge", "fields": {"cause_class": "²"}},
        content_type="application/json",
    )
    assert response.status_code in (200, 400)  # an unknown class is refused or ignored, never a 500
