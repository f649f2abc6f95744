"""What a request's closing settles: the transfer and the extension still waiting on it.

A closed request is no department's to take over and has no deadline to extend, so closing it
(a final step of its workflow, or merging it into another) withdraws both, each with its event
on the timeline and its audit entry, in the closing transaction. Reopening does not bring them
back: whoever still needs them asks again.
"""

from django.utils import timezone

from ..choices import EventKind, ExtensionStatus, TransferStatus
from ..models import ExtensionRequest, Ticket, Transfer
from .common import now, record


def withdraw_waiting(ticket: Ticket, *, actor) -> None:
    """Withdraw the request's pending transfer and extension request (call with the row locked)."""
    decided = {"decided_by": actor, "decided_at": now()}
    transfers = Transfer.objects.filter(ticket=ticket, status=TransferStatus.PENDING)
    for transfer in transfers.select_related("to_department"):
        record(ticket, actor=actor, kind=EventKind.TRANSFER_WITHDRAWN, body=transfer.to_department.name,
               audit_changes={"transfer": [TransferStatus.PENDING, TransferStatus.WITHDRAWN]})  # fmt: skip
    transfers.update(status=TransferStatus.WITHDRAWN, **decided)
    extensions = ExtensionRequest.objects.filter(ticket=ticket, status=ExtensionStatus.PENDING)
    for extension in extensions:
        record(ticket, actor=actor, kind=EventKind.EXTENSION_WITHDRAWN, internal=True,
               body=f"{timezone.localtime(extension.new_due_at):%Y-%m-%d %H:%M}",
               audit_changes={"extension": [ExtensionStatus.PENDING, ExtensionStatus.WITHDRAWN]})  # fmt: skip
    extensions.update(status=ExtensionStatus.WITHDRAWN, **decided)
