"""The data scope behind the rules on what a change points at: `visible_to` narrows any customer queryset."""

from kefu.customers.models import Customer


def test_visible_to_narrows_any_customer_queryset_by_the_users_scope(
    manager, supervisor, own_customer, foreign_customer
):
    assert list(Customer.objects.visible_to(manager)) == [own_customer]
    assert list(Customer.objects.filter(name="李四").visible_to(supervisor)) == []
    assert list(Customer.objects.filter(name="李四").visible_to(foreign_customer.account_manager)) == [foreign_customer]
