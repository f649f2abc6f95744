"""What the operations team relies on: probes, metrics behind a token, request ids in JSON logs,
an honest 503 while the database is down, and background work that is published after commit."""

import io
import json
import logging
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from kefu.conftest import api, login
from kefu.core import background, health
from kefu.core.jobs import record_job_run
from kefu.core.observability import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


class database_down:
    """Every query on this thread's connection fails as a stopped PostgreSQL makes it fail."""

    def __enter__(self):
        def refuse(execute, sql, params, many, context):
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

        self._wrapper = connection.execute_wrapper(refuse)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


# --- probes ------------------------------------------------------------------------------------


def test_healthz_answers_without_login_and_without_the_database():
    with database_down():
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_when_database_cache_and_migrations_are():
    response = Client().get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "migrations": "ok"}


def test_readyz_is_not_ready_while_the_database_is_down():
    with database_down():
        response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("failed") and body["checks"]["migrations"] == "skipped"


def test_readyz_is_not_ready_while_a_migration_is_not_applied(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    with mock.patch.object(health.MigrationExecutor, "migration_plan", return_value=[("customers.9999", False)]):
        response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["migrations"].startswith("failed")


def test_readyz_checks_the_broker_when_celery_runs_the_jobs(settings, monkeypatch):
    from config.celery import app

    settings.KEFU_BACKGROUND = "celery"
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:9/0")  # nothing listens there
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["broker"].startswith("failed")


# --- metrics -----------------------------------------------------------------------------------


def test_metrics_are_not_served_while_no_token_is_set(settings):
    settings.KEFU_METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404


def test_metrics_need_the_token(settings):
    settings.KEFU_METRICS_TOKEN = "s3cret-token"
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert Client().get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_metrics_show_latency_by_view_errors_backlogs_and_the_jobs_last_run(settings, agent, own_customer):
    from kefu.tickets.tests.factories import TicketFactory, install_workflows

    settings.KEFU_METRICS_TOKEN = "s3cret-token"
    install_workflows()
    TicketFactory(owner=agent, customer=own_customer)
    login(agent).get(reverse("workbench"))
    with database_down():
        api(agent).get("/api/v1/customers/")
    record_job_run("sla_sweep")
    text = Client().get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).content.decode()
    assert 'kefu_http_request_duration_seconds_bucket{le="0.01",method="GET",view="workbench"}' in text
    assert 'kefu_http_server_errors_total{status="503",view="api-customer-list"}' in text
    assert "kefu_open_requests{" in text and "kefu_import_jobs_working" in text
    assert "kefu_sla_sweep_lag_seconds" in text
    assert "kefu_outbox_backlog 0.0" in text
    assert 'kefu_job_last_success_timestamp_seconds{job="sla_sweep"}' in text
    assert 'kefu_metrics_gauge_up{gauge="kefu_open_requests"} 1.0' in text


# --- request ids and JSON logs -----------------------------------------------------------------


def test_every_answer_carries_a_request_id_and_a_proxys_id_is_kept():
    assert len(Client().get("/healthz")["X-Request-ID"]) == 32
    assert Client().get("/healthz", headers={"X-Request-ID": "nginx-7f3a"})["X-Request-ID"] == "nginx-7f3a"
    # Not a header to be trusted (a line break would forge log lines): replaced.
    assert Client().get("/healthz", headers={"X-Request-ID": "x\ny"})["X-Request-ID"] != "x\ny"


def test_log_lines_of_a_request_are_json_with_its_request_id(agent):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kefu.database")
    logger.addHandler(handler)
    try:
        with database_down():
            api(agent).get("/api/v1/customers/", headers={"X-Request-ID": "req-42"})
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[0])
    assert line["request_id"] == "req-42" and line["level"] == "ERROR" and line["logger"] == "kefu.database"
    assert "/api/v1/customers/" in line["message"] and "OperationalError" in line["exception"]


def test_the_default_log_format_is_json():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"


# --- the database is down ------------------------------------------------------------------------


def test_while_the_database_is_down_the_api_answers_503_json_with_retry_after(agent):
    client = api(agent)
    with database_down():
        response = client.get("/api/v1/customers/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json" and response.json()["code"] == "database_unavailable"
    assert "数据库" in response.json()["detail"]


def test_while_the_database_is_down_pages_show_the_styled_error_page(agent):
    client = login(agent)
    with database_down():
        response = client.get(reverse("customers:list"))
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "kefu-error" in page and "暂时无法使用" in page and "503" in page


def test_a_database_error_raised_outside_a_view_is_a_503_too(rf):
    from kefu.core.resilience import server_error

    request = rf.get("/customers/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"]
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


def test_the_next_request_after_the_database_returns_succeeds(agent):
    client = api(agent)
    with database_down():
        assert client.get("/api/v1/customers/").status_code == 503
    assert client.get("/api/v1/customers/").status_code == 200


# --- publishing after commit ---------------------------------------------------------------------


class RecordingTask:
    name = "kefu.tests.recording"

    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    def apply_async(self, **kwargs):
        self.calls.append(kwargs)
        if self.fail:
            raise ConnectionError("broker unreachable")


def test_a_task_is_published_after_commit_with_retries(settings, django_capture_on_commit_callbacks):
    settings.KEFU_BACKGROUND = "celery"
    task = RecordingTask()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        background.run_after_commit(task, job_id=7)
    assert task.calls == []  # nothing sent before the commit
    for callback in callbacks:
        callback()
    assert task.calls == [
        {"kwargs": {"job_id": 7}, "retry": True, "retry_policy": settings.CELERY_TASK_PUBLISH_RETRY_POLICY}
    ]


def test_a_broker_that_stays_away_is_logged_not_raised_into_the_answer(settings, caplog):
    settings.KEFU_BACKGROUND = "celery"
    assert background.publish(RecordingTask(fail=True), {"job_id": 7}) is False
    assert "could not be queued" in caplog.text


# --- the periodic jobs' runner records their last run --------------------------------------------


def test_run_jobs_records_each_jobs_last_success(monkeypatch):
    from kefu.core import jobs

    ran = []
    monkeypatch.setattr(jobs, "_jobs", {"probe": jobs.PeriodicJob("probe", "kefu.core.tests.production.probe", 60)})
    with mock.patch("kefu.core.management.commands.run_jobs.import_string") as load:
        load.return_value.run.side_effect = lambda: ran.append(1)
        call_command("run_jobs", "--once", stdout=io.StringIO())
    assert ran == [1] and jobs.job_last_runs()["probe"] is not None
