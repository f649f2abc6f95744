"""The form side of the rules on what a change points at: the parent choice offers only customers in scope,
and a parent set earlier outside the scope does not block editing the rest."""

from django.urls import reverse

from kefu.customers.forms import CustomerForm
from kefu.customers.models import Customer


def test_the_parent_choice_offers_only_customers_in_scope(supervisor, own_customer, foreign_customer):
    parents = CustomerForm(user=supervisor).fields["parent"].queryset
    assert own_customer in parents and foreign_customer not in parents


def test_a_parent_already_set_outside_the_scope_does_not_block_editing_the_rest(
    client_for, supervisor, own_customer, foreign_customer
):
    Customer.objects.filter(pk=own_customer.pk).update(parent=foreign_customer)
    data = {"name": "张三丰", "kind": "individual", "status": "active", "version": 1, "parent": foreign_customer.pk}
    assert client_for(supervisor).post(reverse("customers:edit", args=[own_customer.pk]), data).status_code == 302
    assert Customer.objects.get(pk=own_customer.pk).name == "张三丰"
