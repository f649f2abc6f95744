"""Markup every page inherits from the base layout and its components (issue 22), checked without
a browser: what the browser tests rely on is there for each page another app adds."""

import re


def test_every_page_starts_with_a_skip_link_to_main_and_has_a_live_region(client, agent):
    client.force_login(agent)
    html = client.get("/requests/").content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'href="#main"' in first_link and "跳到主要内容" in body
    assert '<main class="kefu-content" id="main" tabindex="-1">' in html
    assert re.search(r'id="kefu-announcer"[^>]*role="status"[^>]*aria-live="polite"', html)


def test_the_language_switch_waits_for_its_button(client, agent):
    client.force_login(agent)
    html = client.get("/").content.decode()
    form = re.search(r'<form action="/i18n/setlang/".*?</form>', html, re.S).group(0)
    assert "data-autosubmit" not in form
    assert re.search(r'<button [^>]*type="submit">切换</button>', form)


def test_a_messages_close_button_is_named_in_the_users_language(client, agent):
    client.force_login(agent)
    response = client.post("/accounts/token/", follow=True)  # "A new API token was created…"
    html = response.content.decode()
    assert 'class="btn-close" data-bs-dismiss="alert" aria-label="关闭此提示"' in html
