"""Care and notices send only through the outbox (kefu.outbox): the greetings of an approved batch
and the stages of a notice become outbox messages under one idempotency key each, with
`source` naming the batch or notice so that the delivery report counts the outbox's rows."""

from django.db.models import QuerySet

from kefu.outbox.choices import Channel
from kefu.outbox.models import OptOut
from kefu.outbox.services import Recipient, messages_enqueue, messages_enqueue_customers

BATCH_SOURCE = "care.batch"
NOTICE_SOURCE = "care.notice"


def channel_codes() -> list[str]:
    return list(Channel.values)


def channel_choices() -> list[tuple[str, str]]:
    return list(Channel.choices)


def opted_out_customers(channel: str) -> QuerySet:
    """Ids of customers who opted out of `channel` (or of every channel): a subquery."""
    return OptOut.objects.filter(channel__in=[channel, ""]).values("customer_id")


def enqueue_greetings(*, actor, batch, recipients, scheduled_at, variables: dict):
    """Queue one greeting per (customer id, key person id or None) of `recipients`."""
    rule = batch.rule
    people = (
        Recipient(customer_id=customer_id, key_person_id=person_id) if person_id else Recipient(customer_id=customer_id)
        for customer_id, person_id in recipients
    )
    return messages_enqueue(
        actor=actor,
        purpose=rule.purpose,
        channel=rule.channel,
        recipients=people,
        variables=variables,
        source=BATCH_SOURCE,
        source_id=batch.pk,
        scheduled_at=scheduled_at,
        key=f"care:{batch.pk}",
    )


def enqueue_notice(*, actor, notice, stage_key: str, customers: QuerySet, purpose: str, variables: dict):
    """Queue one notice per customer of `customers` for one stage of `notice` (once per stage and
    customer), streamed by the outbox in batches."""
    return messages_enqueue_customers(
        actor=actor,
        customers=customers,
        purpose=purpose,
        channel=notice.channel,
        variables=variables,
        source=NOTICE_SOURCE,
        source_id=notice.pk,
        key=f"notice:{notice.pk}:{stage_key}",
    )
