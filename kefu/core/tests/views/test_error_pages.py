"""Error pages look like Kefu, speak the user's language and offer a way back (DEBUG off, as in production)."""

import pytest
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from config import urls as project_urls
from kefu.org.tests.factories import TEST_PASSWORD
from kefu.tickets import services
from kefu.tickets.models import Transfer
from kefu.tickets.tests.factories import TicketFactory, install_workflows


def _boom(request):
    raise RuntimeError("a defect")


# The project's own patterns plus one view that fails, so the 500 page is drawn by Django's handler.
urlpatterns = [*project_urls.urlpatterns, path("boom/", _boom)]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_a_missing_page_is_styled_in_chinese_with_a_way_back_to_the_workbench(client_for, agent):
    response = client_for(agent).get("/requests/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "返回我的工作台" in page and reverse("workbench") in page
    assert 'class="kefu-sidebar' in page  # the usual layout, not Django's bare "Not Found"


def test_a_missing_page_speaks_english_to_a_user_who_chose_english(client_for, agent):
    client = client_for(agent)
    client.cookies["django_language"] = "en"
    page = client.get("/no-such-page/").content.decode()
    assert "Page not found" in page and "Back to my workbench" in page


def test_a_forbidden_page_is_styled_and_says_why(client_for, handler):
    response = client_for(handler).get(reverse("customers:list"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and "返回我的工作台" in page and 'class="kefu-sidebar' in page


def test_a_missing_page_for_someone_not_signed_in_offers_the_login_page(db):
    page = Client().get("/no-such-page/").content.decode()
    assert "页面不存在" in page and reverse("login") in page


@pytest.mark.urls(__name__)
def test_a_server_error_is_styled_without_a_context_and_offers_a_way_back(client_for, agent):
    client = client_for(agent)
    client.raise_request_exception = False
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in page and "返回我的工作台" in page and "bootstrap.min.css" in page


def test_the_login_lock_out_is_styled_and_leads_back_to_the_login_page(settings, agent):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _attempt in range(3):
        response = client.post(reverse("login"), {"username": "agent", "password": "wrong"})
    page = response.content.decode()
    assert "登录失败次数过多" in page and reverse("login") in page and "kefu-error" in page
    assert TEST_PASSWORD not in page


def test_a_handler_who_returns_a_transfer_lands_on_the_queue_with_a_message(client_for, handler, agent, org):
    install_workflows()
    ticket = TicketFactory(owner=agent, department=org["east"])
    services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["west"], reason="属抢修")
    client = client_for(handler)
    response = client.post(
        reverse("tickets:transfer_decide", args=[ticket.pk]), {"decision": "return", "note": "不属本部门"}, follow=True
    )
    assert Transfer.objects.get().status == "returned"
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("tickets:queue")
    with translation.override("zh-hans"):
        shown = [str(m) for m in response.context["messages"]]
    assert f"工单 {ticket.number} 已离开您的队列。" in shown
