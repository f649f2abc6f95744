"""Request ids, JSON log lines and the per-view request metrics.

Every request gets an id: the `X-Request-ID` a proxy (nginx) sent, if it looks like one, else a
new one. It is answered in the `X-Request-ID` header and put on every log line written while the
request runs (RequestIdFilter), so one request's lines can be found across the web machines'
logs. Log lines are JSON objects (JsonFormatter) unless KEFU_LOG_FORMAT=text.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from . import metrics

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("kefu_request_id", default="-")
# What a proxy may send: letters, digits and - _ . : (a UUID, nginx's $request_id), at most 64.
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def current_request_id() -> str:
    return _request_id.get()


class ObservabilityMiddleware:
    """First in the chain: the request id for the logs and the answer, and the request's latency
    and status by view for /metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _ACCEPTED_ID.fullmatch(sent) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match and match.view_name else "<unmatched>"
        metrics.observe_request(view, request.method, response.status_code, time.perf_counter() - started)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record ("-" outside a request)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


# Attributes every LogRecord has: whatever else a caller passed in `extra=` is logged too.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, the
    exception's traceback if any, and any `extra=` fields."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        return json.dumps(entry, ensure_ascii=False)
