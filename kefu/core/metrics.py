"""Prometheus metrics at /metrics, behind a bearer token (KEFU_METRICS_TOKEN).

Two kinds:
- counted by each process as it serves requests: latency by view (a histogram) and answers by
  view and status, 5xx counted apart as errors (kefu.core.observability calls observe_request);
- read from the database when Prometheus scrapes: each app registers a gauge with
  `register_gauge` in its AppConfig.ready (open requests by state, import backlog, the time-limit
  sweep's lag, periodic jobs' last run…), so core imports no domain app. Their values are kept
  in the shared cache for GAUGE_CACHE_SECONDS, so two scrapers or several web machines do not
  each count a million rows.

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR to an empty directory writable by them
(emptied at each start, docs/deployment.md) so that every worker's counts are summed; without
it each answer shows the counts of the worker that answered.
"""

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

GAUGE_CACHE_SECONDS = 15

REQUEST_SECONDS = Histogram(
    "kefu_http_request_duration_seconds",
    "Time to answer a request, by view",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RESPONSES = Counter("kefu_http_responses_total", "Answers by view and status code", ["view", "method", "status"])
ERRORS = Counter("kefu_http_server_errors_total", "Answers with a 5xx status, by view", ["view", "status"])


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(view, method).observe(seconds)
    RESPONSES.labels(view, method, str(status)).inc()
    if status >= 500:
        ERRORS.labels(view, str(status)).inc()


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    labels: tuple[str, ...]
    # Returns (label values, value) pairs; read when Prometheus scrapes.
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]]


_gauges: dict[str, Gauge] = {}


def register_gauge(name: str, help: str, labels: Iterable[str], read) -> None:
    _gauges[name] = Gauge(name=name, help=help, labels=tuple(labels), read=read)


def registered_gauges() -> list[Gauge]:
    return sorted(_gauges.values(), key=lambda gauge: gauge.name)


class _GaugeCollector:
    """The registered gauges, each read once per GAUGE_CACHE_SECONDS across all processes; a
    gauge that fails is reported by kefu_metrics_gauge_up 0 instead of failing the scrape."""

    def collect(self):
        up = GaugeMetricFamily("kefu_metrics_gauge_up", "1 if the gauge could be read", labels=["gauge"])
        for gauge in registered_gauges():
            key = f"kefu:metrics:{gauge.name}"
            samples = cache.get(key)
            if samples is None:
                try:
                    samples = [(list(labels), float(value)) for labels, value in gauge.read()]
                except Exception:
                    logger.exception("metrics gauge %s could not be read", gauge.name)
                    up.add_metric([gauge.name], 0)
                    continue
                cache.set(key, samples, GAUGE_CACHE_SECONDS)
            up.add_metric([gauge.name], 1)
            family = GaugeMetricFamily(gauge.name, gauge.help, labels=list(gauge.labels))
            for labels, value in samples:
                family.add_metric(labels, value)
            yield family
        yield up


def render_metrics() -> bytes:
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(_GaugeCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    return generate_latest(requests) + generate_latest(gauges)


def metrics_view(request):
    """GET /metrics with `Authorization: Bearer <KEFU_METRICS_TOKEN>`; 404 while no token is set,
    so an installation that did not ask for metrics shows nothing."""
    token = settings.KEFU_METRICS_TOKEN
    if not token:
        raise Http404
    if not constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_LATEST)
