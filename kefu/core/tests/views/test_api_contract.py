"""The pages' side of the API's contract: input they did not expect is a form error or a 4xx, never a
500 (issue 15.7)."""

import pytest

from kefu.conftest import caller
from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.mark.parametrize("chosen", ["²", "abc", "99999999999999999999", "-1"])
def test_the_request_forms_customer_choice_ignores_a_chosen_value_that_is_not_a_record_number(chosen, agent):
    response = caller(agent).get("/requests/new/customers/", {"chosen": chosen})
    assert response.status_code == 200
    assert response.context["chosen"] is None


def test_merging_into_a_number_that_is_not_one_is_a_form_error(supervisor, agent, own_customer):
    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    response = caller(supervisor).post(f"/requests/{ticket.pk}/merge/", {"number": "²"})
    assert response.status_code in (200, 302)  # the page with the form's error, not a 500


def test_moving_a_unit_in_the_admin_with_a_node_that_is_not_a_number_is_refused_not_a_500(admin_user, org):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    response = caller(admin_user).post(
        "/admin/org/orgunit/move/", {"node": "²", "target": org["east"].pk, "relation": "child"}
    )
    assert response.status_code == 400  # treebeard's own answer to a bad move form
