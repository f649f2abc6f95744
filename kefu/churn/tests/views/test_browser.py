"""The churn list, a retention task with its explanation and the settings in a browser at 390 and
1440 px: nothing wider than the screen, no accessibility violations; screenshots in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from kefu.churn.models import RetentionTask
from kefu.churn.services import churn_run
from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot

from ..conftest import AS_OF, complaint, volumes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def task(admin_user, agent, own_customer):
    own_customer.name = "北方机械制造有限责任公司第三分厂"
    own_customer.save()
    volumes(own_customer, earlier=1000, recent=0)
    for _ in range(3):
        complaint(own_customer, agent)
    churn_run(actor=admin_user, as_of=AS_OF)
    return RetentionTask.objects.get()


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_churn_pages_fit_the_screen_and_an_outcome_is_recorded(
    browser, live_server, manager, task, prefix, viewport
):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/churn/")
    expect(page.locator("h1")).to_have_text("流失预警名单")
    expect(page.locator("tbody tr").first).to_contain_text("北方机械制造有限责任公司第三分厂")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-churn-list")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/churn/tasks/{task.pk}/")
    expect(page.locator("main")).to_contain_text("业务量或收入下降")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-churn-task")
    assert axe_violations(page) == []
    page.select_option("select[name=outcome]", "lost")
    page.get_by_role("button", name="登记结果").click()
    expect(page.locator("body")).to_contain_text("请说明客户流失原因")
    page.select_option("select[name=outcome]", "retained")
    page.fill("textarea[name=reason]", "价格下调后续签一年")
    page.get_by_role("button", name="登记结果").click()
    expect(page.locator("body")).to_contain_text("结果已登记。")
    page.goto(f"{live_server.url}/churn/settings/")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-churn-settings")
    assert axe_violations(page) == []
