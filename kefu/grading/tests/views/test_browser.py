"""A supervisor approves grade proposals and reads a grade's explanation, on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.models import Customer, Tier
from kefu.grading import presets, services
from kefu.grading.tests.factories import AS_OF, graded_customer, volumes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


@pytest.mark.parametrize("size", SIZES)
def test_a_supervisor_approves_a_proposal_and_reads_the_explanation(
    size, browser, live_server, admin_user, supervisor, manager, org
):
    for rank, code in enumerate(["三星", "二星", "一星"], start=1):  # a transactional test starts without them
        Tier.objects.get_or_create(code=code, defaults={"label": code, "rank": rank, "green_channel": rank == 1})
    customer = graded_customer(
        name="厦门鸿达物流集团有限公司", account_manager=manager, org_unit=org["east_team"], tier="一星",
        credit_rating="A", potential="medium",
    )  # fmt: skip
    volumes(customer, {"2026-03": (120000, 300000)})
    scheme = services.scheme_install_preset(actor=admin_user, preset=presets.SEED_WEIGHTED)
    services.grading_run(actor=admin_user, scheme=scheme, as_of=AS_OF)
    context = browser.new_context(locale="zh-CN", viewport=SIZES[size])
    page = context.new_page()
    try:
        log_in(page, live_server, supervisor.username)
        page.goto(f"{live_server.url}/grading/proposals/")
        expect(page.get_by_text("厦门鸿达物流集团有限公司")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"{size}-grading-proposals")
        page.get_by_role("checkbox", name="厦门鸿达物流集团有限公司").check()
        page.get_by_role("button", name="批准").click()
        expect(page.get_by_text("已批准 1 条调整建议。")).to_be_visible()
        assert Customer.objects.get(pk=customer.pk).tier == "三星"

        page.goto(f"{live_server.url}/grading/customers/{customer.pk}/")
        expect(page.locator("#grade-explanation")).to_contain_text("特级 (≥ 100000)")
        expect(page.locator("#grade-history")).to_contain_text("审批通过的建议")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"{size}-grading-customer")
    finally:
        context.close()
