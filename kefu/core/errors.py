"""Errors that services raise; views and the API turn them into user-facing messages."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A business rule refused the operation. `message` is shown to the user as it is."""

    default_message = _("The operation was refused.")
    status_code = 400

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message or self.default_message
        self.field = field
        super().__init__(str(self.message))


class ConflictError(ServiceError):
    """Somebody else changed the record since it was read (optimistic locking)."""

    default_message = _(
        "This record was changed by someone else after you opened it. Reload it and apply your changes again."
    )
    status_code = 409


class PermissionDeniedError(ServiceError, PermissionDenied):
    """Django and DRF both answer this with 403."""

    default_message = _("You are not allowed to do this.")
    status_code = 403
