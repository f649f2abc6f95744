"""Contacts made by other features, logged through the visits' and callbacks' hooks (subscribed
in ContactsConfig.ready): a recorded visit and an answered callback each become one contact,
whoever records them twice."""

from django.utils.translation import gettext as _

from .choices import ContactChannel, ContactSource
from .services import contact_log_from_source


def log_visit(visit, actor) -> None:
    summary = visit.outcome
    if visit.purpose:
        summary = f"{visit.purpose}: {summary}"
    contact_log_from_source(
        actor=actor,
        customer_id=visit.customer_id,
        source=ContactSource.VISIT,
        source_id=visit.pk,
        data={"channel": ContactChannel.VISIT, "summary": summary, "contacted_at": visit.visited_at},
    )


def log_callback(callback, actor) -> None:
    from kefu.callbacks.choices import Satisfaction

    if callback.customer_id is None:  # a request without a customer: nobody to log it on
        return
    words = callback.comment or " / ".join(value for value in (callback.answers or {}).values() if value)
    summary = _("Callback: %(result)s") % {"result": Satisfaction(callback.result).label}
    if words:
        summary = f"{summary}. {words}"
    contact_log_from_source(
        actor=actor,
        customer_id=callback.customer_id,
        source=ContactSource.CALLBACK,
        source_id=callback.pk,
        data={"channel": ContactChannel.PHONE, "summary": summary, "contacted_at": callback.completed_at},
    )
