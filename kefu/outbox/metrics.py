"""Gauges for /metrics (kefu.core.metrics): the outbox's backlog (queued or waiting for a retry)
and the rows being sent right now."""

from .selectors import backlog_count, sending_count


def register() -> None:
    from kefu.core.metrics import register_gauge

    register_gauge(
        "kefu_outbox_backlog", "Messages waiting to be sent (queued or retrying)", [], lambda: [((), backlog_count())]
    )
    register_gauge("kefu_outbox_sending", "Messages being sent now", [], lambda: [((), sending_count())])
