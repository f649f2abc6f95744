"""The churn list (filters, scope, export), a customer's explanation, the 360 panel, the
workbench card and the API lists, for each kind of reader."""

import io

import pytest
from openpyxl import load_workbook

from kefu.churn.models import RetentionTask
from kefu.churn.services import churn_run
from kefu.conftest import api, login
from kefu.customers.tests.factories import CustomerFactory

from ..conftest import AS_OF, complaint, volumes

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(admin_user, agent, own_customer, foreign_customer, org):
    """Both branches' customers at risk (55), and a quiet customer of the manager (0)."""
    for customer in (own_customer, foreign_customer):
        customer.grid = "东区网格" if customer is own_customer else "西区网格"
        customer.tier = "gold"
        customer.save()
        volumes(customer, earlier=1000, recent=0)
        for _ in range(3):
            complaint(customer, agent)
    CustomerFactory(name="安静客户", account_manager=own_customer.account_manager, org_unit=org["east_team"])
    return churn_run(actor=admin_user, as_of=AS_OF)


def _names(response) -> list[str]:
    return [score.customer.name for score in response.context["page_obj"]]


def test_the_manager_sees_only_their_customers_over_the_threshold(manager, scored):
    assert _names(login(manager).get("/churn/")) == ["张三"]


def test_a_lower_score_filter_shows_the_quiet_customer_too(manager, scored):
    assert _names(login(manager).get("/churn/?min_score=0")) == ["张三", "安静客户"]


def test_the_supervisor_sees_their_unit_and_an_admin_everyone(supervisor, admin_user, scored):
    assert _names(login(supervisor).get("/churn/")) == ["张三"]
    assert sorted(_names(login(admin_user).get("/churn/"))) == ["张三", "李四"]


def test_filters_by_grid_manager_and_tier(admin_user, manager, scored):
    client = login(admin_user)
    assert _names(client.get("/churn/?grid=西区网格")) == ["李四"]
    assert _names(client.get(f"/churn/?manager={manager.pk}")) == ["张三"]
    assert _names(client.get("/churn/?tier=silver")) == []


def test_the_manager_filter_offers_the_managers_in_the_readers_scope(supervisor, manager, other_manager, scored):
    page = login(supervisor).get(f"/churn/?manager={manager.pk}")
    assert list(page.context["managers"]) == [manager]  # 李经理 serves the west branch
    assert f'<option value="{manager.pk}" selected>王经理</option>' in page.content.decode()
    assert login(manager).get("/churn/").context["managers"] == []  # a manager's list is their own


def test_a_bad_filter_is_named_on_the_page_and_refused_by_the_api(admin_user, scored):
    response = login(admin_user).get("/churn/?min_score=abc")
    assert response.status_code == 200 and response.context["filter_errors"]
    answer = api(admin_user).get("/api/v1/churn/scores/?min_score=abc")
    assert answer.status_code == 400 and "min_score" in answer.json()


def test_the_api_lists_the_same_scores_as_the_page(manager, scored):
    answer = api(manager).get("/api/v1/churn/scores/?min_score=50")
    assert [row["customer_name"] for row in answer.json()["results"]] == ["张三"]


def test_the_export_is_a_workbook_of_the_filtered_list_audited(supervisor, scored):
    response = login(supervisor).get("/churn/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][1] == "张三" and rows[2][5] == 55
    assert len(rows) == 3
    from kefu.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="exported", target_type="churn.churnrun").exists()


def test_a_manager_may_not_export(manager, scored):
    assert login(manager).get("/churn/export/").status_code == 403


def test_a_customer_outside_the_scope_answers_404(manager, foreign_customer, scored):
    assert login(manager).get(f"/churn/customers/{foreign_customer.pk}/").status_code == 404
    assert api(manager).get(f"/api/v1/churn/scores/customer/{foreign_customer.pk}/").status_code == 404


def test_the_explanation_lists_every_factor_with_its_points(manager, own_customer, scored):
    response = login(manager).get(f"/churn/customers/{own_customer.pk}/")
    lines = {line.factor: line.points for line in response.context["lines"]}
    assert lines == {"volume": 30, "complaints": 25, "callbacks": 0, "contact": 0, "competitor": 0}
    answer = api(manager).get(f"/api/v1/churn/scores/customer/{own_customer.pk}/").json()
    assert answer["score"]["score"] == "55.00"
    assert [f["factor"] for f in answer["factors"]] == ["volume", "complaints", "callbacks", "contact", "competitor"]


def test_the_customer_page_shows_the_churn_panel(manager, own_customer, scored):
    response = login(manager).get(f"/customers/{own_customer.pk}/")
    assert response.status_code == 200
    assert "customer-panel-churn" in response.content.decode()


def test_the_workbench_shows_the_managers_open_tasks(manager, scored):
    content = login(manager).get("/").content.decode()
    assert "我的挽留任务" in content or "My retention tasks" in content


def test_an_agent_sees_no_churn_pages(agent, scored):
    assert login(agent).get("/churn/").status_code == 403
    assert api(agent).get("/api/v1/churn/scores/").status_code == 403


def test_the_task_list_shows_the_managers_open_task(manager, scored):
    response = login(manager).get("/churn/tasks/")
    assert [task.customer.name for task in response.context["page_obj"]] == ["张三"]
    answer = api(manager).get("/api/v1/churn/tasks/?status=open").json()
    assert [row["customer_name"] for row in answer["results"]] == ["张三"]
    assert RetentionTask.objects.count() == 2  # the west branch's customer has its own


def test_only_an_admin_starts_a_run(admin_user, supervisor, own_customer):
    assert login(supervisor).post("/churn/run/").status_code == 403
    assert api(admin_user).post("/api/v1/churn/runs/").status_code == 201
    assert login(admin_user).post("/churn/run/").status_code == 302


def test_the_settings_page_shows_the_weights_to_a_manager_read_only(manager, scored):
    response = login(manager).get("/churn/settings/")
    assert response.status_code == 200
    assert response.context["form"]["weight_volume"].value() == "30"
    assert not response.context["can_configure"]


def test_the_task_page_explains_the_score_behind_the_task(manager, scored):
    task = RetentionTask.objects.get(manager=manager)
    response = login(manager).get(f"/churn/tasks/{task.pk}/")
    assert response.status_code == 200
    assert sum(line.points for line in response.context["lines"]) == task.risk_score


@pytest.fixture
def group_file_kept_from_admins(monkeypatch):
    """A business-file rule (as kefu.keyaccounts sets for group customers) that admins fail."""
    from kefu.customers import hooks

    def check(user, customer):
        return user.role != "admin"

    def narrow(user, customers):
        return customers.none() if user.role == "admin" else customers

    monkeypatch.setattr(hooks, "_business_file_access", [(check, narrow)])


def test_a_reader_without_the_business_file_sees_no_score_of_the_customer(
    admin_user, manager, own_customer, scored, group_file_kept_from_admins
):
    assert _names(login(admin_user).get("/churn/")) == []
    assert api(admin_user).get("/api/v1/churn/scores/").json()["results"] == []
    answer = api(admin_user).get(f"/api/v1/churn/scores/customer/{own_customer.pk}/").json()
    assert (answer["score"], answer["factors"]) == (None, [])
    task = RetentionTask.objects.get(manager=manager)
    assert login(admin_user).get(f"/churn/tasks/{task.pk}/").context["lines"] == []
    assert "customer-panel-churn" not in login(admin_user).get(f"/customers/{own_customer.pk}/").content.decode()
    assert _names(login(manager).get("/churn/")) == ["张三"]  # the team still reads it


def test_the_task_page_says_why_the_score_is_not_shown(admin_user, manager, scored, group_file_kept_from_admins):
    task = RetentionTask.objects.get(manager=manager)
    content = login(admin_user).get(f"/churn/tasks/{task.pk}/").content.decode()
    assert "该集团客户的业务资料仅限其大客户服务团队及其上级查阅。" in content
