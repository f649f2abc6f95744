"""What each role may do. Data scope (which rows) is decided in selectors, not here."""

from .choices import Role

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset({"customers.view", "customers.reveal", "customers.note"}),
    Role.ACCOUNT_MANAGER: frozenset(
        {
            "customers.view",
            "customers.create",
            "customers.change",
            "customers.import",
            "customers.export",
            "customers.reveal",
            "customers.note",
        }
    ),
    Role.HANDLER: frozenset(),
    Role.SUPERVISOR: frozenset(
        {
            "customers.view",
            "customers.create",
            "customers.change",
            "customers.delete",
            "customers.import",
            "customers.export",
            "customers.reveal",
            "customers.note",
        }
    ),
    Role.AUDITOR: frozenset({"customers.view", "customers.export", "customers.reveal", "audit.view"}),
    Role.ADMIN: frozenset(
        {
            "customers.view",
            "customers.create",
            "customers.change",
            "customers.delete",
            "customers.import",
            "customers.export",
            "customers.reveal",
            "customers.note",
            "audit.view",
            "org.manage",
        }
    ),
}


def has_capability(user, capability: str) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require_capability(user, capability: str) -> None:
    """Raise PermissionDeniedError (403 in pages and API) unless the user's role has it."""
    from kefu.core.errors import PermissionDeniedError

    if not has_capability(user, capability):
        raise PermissionDeniedError()
