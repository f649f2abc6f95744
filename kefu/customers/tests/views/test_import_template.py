"""The import templates' addresses."""

from django.urls import reverse


def test_a_template_of_no_known_kind_is_the_styled_not_found_page(client_for, manager):
    # It answered an empty 404: a blank browser page with no way back.
    response = client_for(manager).get(reverse("customers:import_template", args=["xyz"]))
    assert response.status_code == 404 and "kefu-error-code" in response.content.decode()
