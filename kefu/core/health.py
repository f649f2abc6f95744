"""/healthz (the process answers) and /readyz (it can do its work: database, cache, broker when
Celery is used, every migration applied). Open to anyone (load balancers probe them): they say
ok or which check failed, nothing else."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

logger = logging.getLogger(__name__)

_migrations_applied = False  # once true for this code, true until the process is replaced


def healthz(request):
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("kefu:readyz", 1, 10)
    if cache.get("kefu:readyz") != 1:
        raise RuntimeError("cache did not keep a value")


def _broker() -> None:
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


def _migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("migrations not applied")
    _migrations_applied = True


def readiness() -> dict[str, str]:
    checks = {"database": _database, "cache": _cache, "migrations": _migrations}
    if settings.KEFU_BACKGROUND == "celery":
        checks["broker"] = _broker
    results = {}
    for name, check in checks.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "skipped"
            continue
        try:
            check()
            results[name] = "ok"
        except Exception as error:
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = f"failed: {type(error).__name__}"
    return results


def readyz(request):
    results = readiness()
    ready = all(result == "ok" for result in results.values())
    body = {"status": "ok" if ready else "unavailable", "checks": results}
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
