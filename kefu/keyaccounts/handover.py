"""A leaving account manager's places on key-account teams (交接).

Registered with `accountmanagers.handover.register_handover_provider`: inside the departure's
transaction the leaving deputy's places are taken off the teams (audited, through
`services.team_member_remove`), and whoever takes over the key account's own customer (its new
manager, else the plan's receiver of other work) finds on the handover record that the team needs
a new deputy: a place needs a qualified person, so it is not given to the receiver blindly.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.accountmanagers.handover import HandedOver

from . import services
from .choices import TeamRole
from .models import TeamMember


def hand_over_team_places(*, actor, leaving, receiver_for) -> list[HandedOver]:
    items = []
    places = TeamMember.objects.filter(user=leaving).select_related("account__customer", "user").order_by("id")
    for member in places:
        account = member.account
        services.team_member_remove(actor=actor, member=member)
        receiver = receiver_for(account.customer_id)
        if receiver is None:
            continue
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="keyaccount_team",
                label=_("Key-account team places"),
                ref_id=account.pk,
                text=_("%(account)s: %(person)s left the team as %(place)s; choose someone for the place.")
                % {"account": account.customer.name, "person": str(leaving), "place": TeamRole(member.role).label},
                url=reverse("keyaccounts:detail", args=[account.pk]),
            )
        )
    return items
