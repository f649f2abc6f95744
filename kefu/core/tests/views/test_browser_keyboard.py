"""Using Kefu with the keyboard and a screen reader (issue 22, WCAG 2.1 AA): the skip link, a
visible focus ring, the language switch that waits for its button, focus after htmx swaps and
the live region that reads new results out."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _luminance(rgb):
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second) -> float:
    lighter, darker = sorted([_luminance(first), _luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


FOCUS_RING = """e => {
    const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
    const style = getComputedStyle(e);
    let around = e.parentElement;  // the ring is drawn 2 px outside: against what is behind the control
    const clear = n => getComputedStyle(n).backgroundColor.match(/rgba\\(.*, 0\\)|transparent/);
    while (around && clear(around)) around = around.parentElement;
    return {width: parseFloat(style.outlineWidth), style: style.outlineStyle, ring: rgb(style.outlineColor),
            behind: around ? rgb(getComputedStyle(around).backgroundColor) : [255, 255, 255]};
}"""


def focus_ring(page):
    return page.evaluate(f"({FOCUS_RING})(document.activeElement)")


def test_the_skip_link_is_the_first_stop_and_leads_past_the_sidebar(page, live_server, agent):
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/")
    page.keyboard.press("Tab")
    skip = page.locator(".kefu-skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_have_text("跳到主要内容")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is in the page, not the sidebar's first link
    assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize(
    "where, selector",
    [
        ("sidebar link", "#kefu-sidebar .nav-link"),
        ("search field", "#id_q"),
        ("primary button", ".btn-primary"),
        ("queue tab", "#queue-tabs .nav-link"),
    ],
)
def test_the_focus_ring_is_solid_and_at_least_3_to_1_against_its_surroundings(
    page, live_server, agent, where, selector
):
    install_workflows()
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/")
    page.locator(selector).first.focus()
    page.keyboard.press("Shift+Tab")  # focus by keyboard, so :focus-visible applies
    page.keyboard.press("Tab")
    ring = focus_ring(page)
    assert ring["style"] == "solid" and ring["width"] >= 2, f"{where}: {ring}"
    assert contrast(ring["ring"], ring["behind"]) >= 3, f"{where}: {ring}"


def test_arrowing_through_the_languages_changes_nothing_until_switch_is_pressed(page, live_server, agent):
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/")
    select = page.locator("#language-select")
    select.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    expect(page).to_have_url(f"{live_server.url}/requests/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    select.select_option("en")
    page.locator("#language-select + button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/requests/")


def test_a_step_form_takes_focus_and_cancelling_it_gives_focus_back_to_its_step(page, live_server, agent, own_customer):
    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    step = page.locator("[data-step]").first
    step.focus()
    page.keyboard.press("Enter")
    form = page.locator("#step-form form")
    expect(form).to_be_visible()
    # kefu.js moves focus once htmx has settled the swap, a moment after the form shows
    page.wait_for_function("document.getElementById('step-form').contains(document.activeElement)")
    form.locator("[data-cancel-step]").focus()
    page.keyboard.press("Enter")
    expect(form).to_have_count(0)
    expect(step).to_be_focused()


def test_choosing_a_customer_keeps_focus_in_the_form_and_results_are_read_out(page, live_server, agent):
    install_workflows()
    CustomerFactory(name="城东实验小学")
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/new/")
    page.fill("#customer-lookup", "城东实验")
    announcer = page.locator("#kefu-announcer")
    expect(announcer).to_have_text("已显示结果：1 条")
    page.locator("#customer-results button").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#chosen-customer")).to_be_visible()
    # the Choose button went with the results: focus goes to the chosen customer, not to the page's body
    page.wait_for_function("document.getElementById('customer-choice').contains(document.activeElement)")
    page.fill("#customer-lookup", "没有这个客户")
    expect(announcer).to_contain_text("未找到客户")


def test_a_filtered_queue_says_how_many_rows_it_shows(page, live_server, agent):
    install_workflows()
    for title in ["计划停电未提前通知", "电压不稳"]:
        TicketFactory(owner=agent, title=title)
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/?queue=all_open")
    page.fill("#id_q", "电压")
    expect(page.locator("#kefu-announcer")).to_have_text("已显示结果：1 条")


def test_a_list_listening_to_every_select_does_not_reload_when_the_language_select_moves(page, live_server, agent):
    """A filter form written with hx-trigger="change from:select" (any select of the page) is
    held back by kefu.js when the change comes from the language switch."""
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => {
        const form = document.createElement('form');
        form.id = 'greedy-filter';
        form.setAttribute('hx-get', '/requests/');
        form.setAttribute('hx-target', '#greedy-result');
        form.setAttribute('hx-trigger', 'change from:select');
        form.innerHTML = '<select name="x"><option>1</option><option>2</option></select><div id="greedy-result"></div>';
        document.querySelector('main').appendChild(form);
        htmx.process(form);
    }"""
    )
    requests = []
    page.on("request", lambda request: "/requests/" in request.url and requests.append(request.url))
    page.locator("#language-select").select_option("en")
    page.wait_for_timeout(500)
    assert requests == []
    page.locator("#greedy-filter select").select_option("2")  # its own select still filters
    page.wait_for_timeout(500)
    assert len(requests) == 1
