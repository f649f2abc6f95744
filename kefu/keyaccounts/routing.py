"""One point of contact (一点受理, seed 002 篇十): a request from any member of a key account's
group reaches the account's team, whoever registered it and wherever the member is.

Subscribed to the tickets lifecycle in KeyaccountsConfig.ready: while a request is being created
(`on_creating`, same INSERT) one without a handler gets the account's dedicated phone agent as
its handler (the registering person stays its owner, 首问负责制); once it exists (`on_created`,
same transaction) the account's manager and team are told, once per request; so are they when
an unidentified caller's request is linked to a member later (`on_customer_linked`).
"""

from django.utils.translation import gettext as _

from kefu.inbox.services import notify

from .choices import TeamRole
from .selectors import key_account_of


def _account_for(ticket):
    """The ticket's key account, looked up once for both moments (kept on the instance)."""
    if not hasattr(ticket, "_key_account"):
        ticket._key_account = key_account_of(ticket.customer_id) if ticket.customer_id else None
    return ticket._key_account


def route_creating(ticket, at) -> None:
    account = _account_for(ticket)
    if account is None or ticket.assignee_id:
        return
    agent = account.team.filter(role=TeamRole.PHONE_AGENT, user__is_active=True).select_related("user").first()
    if agent is not None:
        ticket.assignee = agent.user


def route_created(ticket, at) -> None:
    account = _account_for(ticket)
    if account is not None:
        _tell_team(account, ticket)


def route_linked(ticket) -> None:
    """An unidentified caller's request linked to a member of the group later: the team is told
    (once per request, as at registration); its handler stays whoever the request has."""
    account = key_account_of(ticket.customer_id) if ticket.customer_id else None
    if account is not None:
        _tell_team(account, ticket)


def _tell_team(account, ticket) -> None:
    people = {member.user for member in account.team.select_related("user") if member.user.is_active}
    if account.customer.account_manager_id:
        people.add(account.customer.account_manager)
    people.discard(ticket.created_by)
    notify(
        recipients=sorted(people, key=lambda user: user.pk),
        kind="keyaccount_request",
        text=_("Key account %(account)s: %(customer)s registered request %(number)s")
        % {
            "account": account.customer.name,
            "customer": ticket.customer.name,
            "number": ticket.number,
        },
        dedupe_key=f"keyaccount-request:{ticket.pk}",
        ticket=ticket,
    )
