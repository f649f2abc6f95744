"""The request page's headings say what they hold."""

from django.urls import reverse

from kefu.tickets.tests.factories import TicketFactory


def test_the_request_timeline_is_headed_as_the_requests_record_not_the_customers_activity(
    client_for, agent, own_customer
):
    # "Timeline" is 客户动态 on the customer 360 page; on a request it read the same, as if it
    # listed the customer's doings rather than the steps taken on this request.
    ticket = TicketFactory(owner=agent, customer=own_customer)
    page = client_for(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert '<div class="card-header">处理记录</div>' in page and "客户动态" not in page
