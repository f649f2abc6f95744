"""The icon browsers ask every page for."""

from django.contrib.staticfiles import finders


def test_the_favicon_browsers_ask_for_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/img/favicon.svg")
    assert finders.find("img/favicon.svg")
