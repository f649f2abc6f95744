"""The green channel (绿色通道, SPEC §3) on service requests.

A request of a customer whose tier carries the green channel comes first in every queue
(selectors.filter_tickets sorts on `Ticket.green_channel` before the queue's own order) and shows
the badge. The flag is the customer's tier's, copied onto the request so that the queues' indexes
can lead with it: set at registration and when a caller's request is linked to a customer, and
kept in step when customers' tiers change (`customers.hooks.tiers_changed`) or an admin changes
which tiers carry it (a Tier saved or deleted). It is derived, never typed by anyone, so the
follow-up writes no audit entry of its own: the change of tier that causes it is audited.
"""

from django.db.models import Q

from kefu.customers.models import Customer
from kefu.customers.tiers import green_channel_codes, is_green_channel

from ..models import Ticket


def green_channel_for(customer: Customer | None) -> bool:
    """Whether a request of this customer takes the green channel."""
    return customer is not None and is_green_channel(customer.tier)


# Ids per statement when a list is given: a grading approval may pass hundreds of thousands, more
# than a statement may carry as parameters (PostgreSQL's protocol allows 65,535).
IDS_PER_UPDATE = 5_000


def tickets_follow_tiers(customer_ids) -> int:
    """Put the green channel of these customers' requests (open and closed) in step with their
    tiers: set-based UPDATEs touching only the requests whose flag is wrong. `customer_ids` is a
    list of ids (taken IDS_PER_UPDATE at a time) or a queryset of ids (one subquery); returns how
    many requests changed."""
    if not isinstance(customer_ids, (list, tuple, set, frozenset)):
        return _follow(customer_ids)
    ids = list(customer_ids)
    return sum(_follow(ids[start : start + IDS_PER_UPDATE]) for start in range(0, len(ids), IDS_PER_UPDATE))


def _follow(customer_ids) -> int:
    green = Q(customer__tier__in=sorted(green_channel_codes()))
    tickets = Ticket.objects.filter(customer_id__in=customer_ids)
    changed = tickets.filter(green, green_channel=False).update(green_channel=True)
    return changed + tickets.filter(~green, green_channel=True).update(green_channel=False)


def tickets_follow_tier_rows(sender=None, instance=None, **kwargs) -> None:
    """A signal receiver for Tier saved or deleted: the requests of its customers follow (the
    tier's green channel or active flag may have changed)."""
    if instance is None or kwargs.get("raw"):
        return
    tickets_follow_tiers(Customer.objects.filter(tier=instance.code).values("pk"))
