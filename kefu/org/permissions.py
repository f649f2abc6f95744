"""What each role may do. Data scope (which rows) is decided in selectors, not here."""

from .choices import Role

_CUSTOMER_READ = {"customers.view", "customers.reveal"}
_CUSTOMER_WRITE = {"customers.create", "customers.change", "customers.import", "customers.export", "customers.note"}
_TICKET_WORK = {"tickets.view", "tickets.create", "tickets.handle", "tickets.comment"}
# Account managers' books (管户): a manager their own, a supervisor their subtree's, auditor and admin all.
_BOOKS = {"books.view"}
_BOOKS_RECOUNT = {"books.refresh"}  # count the supervisors' snapshot again now

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset(_CUSTOMER_READ | {"customers.note"} | _TICKET_WORK),
    Role.ACCOUNT_MANAGER: frozenset(_CUSTOMER_READ | _CUSTOMER_WRITE | _TICKET_WORK | _BOOKS),
    Role.HANDLER: frozenset({"tickets.view", "tickets.handle", "tickets.comment"}),
    Role.SUPERVISOR: frozenset(
        _CUSTOMER_READ
        | _CUSTOMER_WRITE
        | {"customers.delete"}
        | _TICKET_WORK
        | {"tickets.approve", "tickets.supervise", "tickets.assign", "tickets.reopen", "tickets.merge", "reports.view"}
        | _BOOKS
        | _BOOKS_RECOUNT
    ),
    Role.AUDITOR: frozenset(
        _CUSTOMER_READ | {"customers.export", "audit.view", "tickets.view", "reports.view"} | _BOOKS
    ),
    Role.ADMIN: frozenset(
        _CUSTOMER_READ
        | _CUSTOMER_WRITE
        | {"customers.delete", "audit.view", "org.manage", "reports.view", "tickets.configure"}
        | _TICKET_WORK
        | {"tickets.approve", "tickets.supervise", "tickets.assign", "tickets.reopen", "tickets.merge"}
        | _BOOKS
        | _BOOKS_RECOUNT
    ),
}

# Customer grading (kefu.grading): managers read their customers' grades and explanations,
# supervisors approve proposals and override grades in their subtree, admins define and run the rules.
_GRADING_READ = {"grading.view"}
_GRADING_DECIDE = {"grading.view", "grading.approve", "grading.override"}
_GRADING = {
    Role.ACCOUNT_MANAGER: _GRADING_READ,
    Role.SUPERVISOR: _GRADING_DECIDE,
    Role.AUDITOR: _GRADING_READ,
    Role.ADMIN: _GRADING_DECIDE | {"grading.run", "grading.configure"},
}
ROLE_CAPABILITIES = {role: capabilities | _GRADING.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()}

# Account managers' profiles, assignment plans and handovers (kefu.accountmanagers): seen within
# one's scope; supervisors (their subtree) and admins run the assignment, departures and hand assignment.
_MANAGERS = {
    Role.ACCOUNT_MANAGER: {"managers.view"},
    Role.SUPERVISOR: {"managers.view", "managers.manage"},
    Role.AUDITOR: {"managers.view"},
    Role.ADMIN: {"managers.view", "managers.manage"},
}
ROLE_CAPABILITIES = {
    role: capabilities | _MANAGERS.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()
}

# Callbacks and satisfaction (kefu.callbacks): agents, managers and supervisors make callbacks,
# supervisors, auditors and admins read the satisfaction reports, admins keep the rules.
_CALLBACKS = {
    Role.AGENT: {"callbacks.view", "callbacks.make"},
    Role.ACCOUNT_MANAGER: {"callbacks.view", "callbacks.make"},
    Role.SUPERVISOR: {"callbacks.view", "callbacks.make", "callbacks.report"},
    Role.AUDITOR: {"callbacks.view", "callbacks.report"},
    Role.ADMIN: {"callbacks.view", "callbacks.make", "callbacks.report", "callbacks.configure"},
}
ROLE_CAPABILITIES = {
    role: capabilities | _CALLBACKS.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()
}

# Visits (kefu.visits): managers visit their customers, supervisors their subtree's, admins plan.
_VISITS = {
    Role.ACCOUNT_MANAGER: {"visits.view", "visits.make"},
    Role.SUPERVISOR: {"visits.view", "visits.make"},
    Role.AUDITOR: {"visits.view"},
    Role.ADMIN: {"visits.view", "visits.make", "visits.plan"},
}
ROLE_CAPABILITIES = {role: capabilities | _VISITS.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()}

# Care and notices (kefu.care): managers read the care calendar, supervisors approve greeting
# batches (not ones they drew up) and send outage notices, admins keep rules, dates and lines.
_CARE = {
    Role.ACCOUNT_MANAGER: {"care.view"},
    Role.SUPERVISOR: {"care.view", "care.approve", "care.notify"},
    Role.AUDITOR: {"care.view"},
    Role.ADMIN: {"care.view", "care.approve", "care.notify", "care.configure"},
}
ROLE_CAPABILITIES = {role: capabilities | _CARE.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()}

# Key-account service teams (kefu.keyaccounts): everyone sees the accounts whose team they are on
# or above; supervisors and admins designate accounts and teams, managers and supervisors keep
# plans and agreements. Auditors and admins see every account; only auditors (read-only, SPEC §1)
# read every group's business file besides the teams and their superiors.
_KEYACCOUNTS = {
    Role.AGENT: {"keyaccounts.view"},
    Role.ACCOUNT_MANAGER: {"keyaccounts.view", "keyaccounts.plan"},
    Role.HANDLER: {"keyaccounts.view"},
    Role.SUPERVISOR: {"keyaccounts.view", "keyaccounts.plan", "keyaccounts.manage"},
    Role.AUDITOR: {"keyaccounts.view", "keyaccounts.all", "keyaccounts.all_files"},
    Role.ADMIN: {"keyaccounts.view", "keyaccounts.all", "keyaccounts.manage"},
}
ROLE_CAPABILITIES = {
    role: capabilities | _KEYACCOUNTS.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()
}

# Churn warning (kefu.churn): managers work their customers' retention tasks, supervisors their
# subtree's and export the churn list, auditors read and export, admins set the weights and run it.
_CHURN = {
    Role.ACCOUNT_MANAGER: {"churn.view", "churn.work"},
    Role.SUPERVISOR: {"churn.view", "churn.work", "churn.export"},
    Role.AUDITOR: {"churn.view", "churn.export"},
    Role.ADMIN: {"churn.view", "churn.export", "churn.run", "churn.configure"},
}
ROLE_CAPABILITIES = {role: capabilities | _CHURN.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()}

# Sales (kefu.sales): competitor records are part of the business file (managers and supervisors
# record them for customers they may read; auditors read); prospects, campaigns, price requests
# and targets are the managers' and supervisors' work, admins keep the targets.
_SALES = {
    Role.ACCOUNT_MANAGER: {"competitors.view", "competitors.record", "sales.view", "sales.work"},
    Role.SUPERVISOR: {"competitors.view", "competitors.record", "sales.view", "sales.work", "sales.targets"},
    Role.AUDITOR: {"competitors.view", "sales.view"},
    Role.ADMIN: {"competitors.view", "competitors.record", "sales.view", "sales.work", "sales.targets"},
}
ROLE_CAPABILITIES = {role: capabilities | _SALES.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()}

# Fee collection (kefu.collection): managers work their customers' arrears, supervisors their
# subtree's and set targets, admins (the billing interface) import bills and payments, auditors read.
_COLLECTION = {
    Role.ACCOUNT_MANAGER: {"collection.view", "collection.work"},
    Role.SUPERVISOR: {"collection.view", "collection.work", "collection.targets"},
    Role.AUDITOR: {"collection.view"},
    Role.ADMIN: {"collection.view", "collection.work", "collection.targets", "collection.import"},
}
ROLE_CAPABILITIES = {
    role: capabilities | _COLLECTION.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()
}

# Contact plans and log (kefu.contacts): managers log contacts with their customers and close
# their key accounts' file reviews, supervisors see their team's, agents read the log on the 360
# page, admins keep the plans.
_CONTACTS = {
    Role.AGENT: {"contacts.view"},
    Role.ACCOUNT_MANAGER: {"contacts.view", "contacts.log"},
    Role.SUPERVISOR: {"contacts.view", "contacts.log"},
    Role.AUDITOR: {"contacts.view"},
    Role.ADMIN: {"contacts.view", "contacts.log", "contacts.configure"},
}
ROLE_CAPABILITIES = {
    role: capabilities | _CONTACTS.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()
}

# Outgoing messages (kefu.outbox): admins and auditors read the outbox, admins keep the templates
# and resend or withdraw messages; whoever serves a customer records that they opt out.
_OUTBOX = {
    Role.AGENT: {"outbox.optout"},
    Role.ACCOUNT_MANAGER: {"outbox.optout"},
    Role.SUPERVISOR: {"outbox.optout"},
    Role.AUDITOR: {"outbox.view"},
    Role.ADMIN: {"outbox.view", "outbox.manage", "outbox.optout"},
}
ROLE_CAPABILITIES = {role: capabilities | _OUTBOX.get(role, set()) for role, capabilities in ROLE_CAPABILITIES.items()}

# What a workflow step may require (WorkflowTransition.capability): a request capability some
# role holds, so that a misspelt or invented name cannot make a step impossible to take.
STEP_CAPABILITIES: frozenset[str] = frozenset(
    capability for capabilities in ROLE_CAPABILITIES.values() for capability in capabilities
    if capability.startswith("tickets.")
)  # fmt: skip


def has_capability(user, capability: str) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require_capability(user, capability: str) -> None:
    """Raise PermissionDeniedError (403 in pages and API) unless the user's role has it."""
    from kefu.core.errors import PermissionDeniedError

    if not has_capability(user, capability):
        raise PermissionDeniedError()
