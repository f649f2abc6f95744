"""Import jobs never hang: a failure anywhere in the background fails the job with its reason in
Chinese and nothing written; the clerk retries or discards it; a periodic job fails jobs whose
worker died and removes old and orphaned uploads. The upload itself reads nothing."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.customers.imports import importer, readers, services
from kefu.customers.models import Customer, ImportJob, ImportRow
from kefu.customers.tests.factories import HEADER, csv_upload, dry_run

FIVE_ROWS = HEADER + "".join(f"客户{n},138{n:08d},,,,\n" for n in range(5))


def confirm(actor, job) -> ImportJob:
    services.import_job_confirm(actor=actor, job=job)
    job.refresh_from_db()
    return job


def test_the_dry_run_stages_clean_rows_and_the_commit_writes_them_without_cleaning_again(manager, monkeypatch):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    assert ImportRow.objects.filter(job=job).count() == 5
    monkeypatch.setattr(importer, "clean_customer_data", lambda raw: pytest.fail("cleaned again"))
    job = confirm(manager, job)
    assert job.status == "done" and job.imported_count == 5 and Customer.objects.count() == 5
    assert AuditEvent.objects.filter(action="imported").count() == 5
    assert not ImportRow.objects.exists()  # the staging rows go with the commit


def test_a_failure_injected_mid_commit_leaves_no_row_and_a_failed_job_that_can_be_retried(manager, monkeypatch):
    monkeypatch.setattr(importer, "COMMIT_CHUNK", 2)
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    real, calls = importer.audit_written, []

    def breaks_on_the_second_chunk(*write, **entries):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*write, **entries)

    monkeypatch.setattr(importer, "audit_written", breaks_on_the_second_chunk)
    job = confirm(manager, job)
    assert (job.status, job.failed_status) == ("failed", "importing")
    assert "意外错误" in job.failure and "RuntimeError" in job.failure  # in Chinese, naming the kind
    assert not Customer.objects.exists() and not AuditEvent.objects.filter(action="imported").exists()
    monkeypatch.setattr(importer, "audit_written", real)
    job = services.import_job_retry(actor=manager, job=job)
    assert job.status == "done" and job.imported_count == 5 and Customer.objects.count() == 5


def test_an_unexpected_error_in_the_dry_run_fails_the_job_and_keeps_nothing_staged(manager, monkeypatch):
    monkeypatch.setattr(importer.RowChecker, "check_duplicates", lambda self, outcome: 1 / 0)
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    assert (job.status, job.failed_status) == ("failed", "validating") and "ZeroDivisionError" in job.failure
    assert not ImportRow.objects.exists()
    monkeypatch.undo()
    job = services.import_job_retry(actor=manager, job=job)
    assert job.status == "validated" and job.error_count == 0


def test_only_a_failed_job_can_be_retried_and_only_by_its_uploader(manager, other_manager):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    with pytest.raises(ConflictError):  # a state the job is not in: 409 in the API
        services.import_job_retry(actor=manager, job=job)
    ImportJob.objects.filter(pk=job.pk).update(status="failed", failed_status="validating")
    job.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        services.import_job_retry(actor=other_manager, job=job)


def test_discarding_removes_the_job_its_staged_rows_and_its_file(manager, django_capture_on_commit_callbacks):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    path = Path(job.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_discard(actor=manager, job=job)
    assert not ImportJob.objects.exists() and not ImportRow.objects.exists() and not path.exists()


def test_a_running_job_cannot_be_discarded(manager):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    ImportJob.objects.filter(pk=job.pk).update(status="importing")
    with pytest.raises(ConflictError):
        services.import_job_discard(actor=manager, job=job)
    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_the_cleanup_fails_a_job_whose_worker_died_so_it_can_be_retried(manager):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    long_ago = timezone.now() - timedelta(hours=2)
    ImportJob.objects.filter(pk=job.pk).update(status="validating", updated_at=long_ago)
    cache.delete(services._progress_key(job.pk))  # its last heartbeat expired with it
    assert services.import_jobs_cleanup()["stale"] == 1
    job.refresh_from_db()
    assert (job.status, job.failed_status) == ("failed", "validating") and "没有响应" in job.failure
    assert services.import_job_retry(actor=manager, job=job).status == "validated"


def test_the_cleanup_leaves_a_job_that_reports_progress(manager):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    ImportJob.objects.filter(pk=job.pk).update(status="importing", updated_at=timezone.now() - timedelta(hours=2))
    services._progress(job.pk)(3, 0.5)  # a commit's heartbeat goes to the cache
    assert services.import_jobs_cleanup()["stale"] == 0


def test_the_cleanup_removes_old_unfinished_jobs_old_files_and_orphan_uploads(
    manager, settings, django_capture_on_commit_callbacks
):
    old = timezone.now() - timedelta(days=services.KEEP_DAYS + 1)
    abandoned = dry_run(manager, csv_upload(FIVE_ROWS))
    done = confirm(manager, dry_run(manager, csv_upload(HEADER + "甲,13900000001,,,,\n")))
    fresh = dry_run(manager, csv_upload(HEADER + "乙,13900000002,,,,\n"))
    ImportJob.objects.filter(pk__in=[abandoned.pk, done.pk]).update(updated_at=old)
    orphan = Path(settings.MEDIA_ROOT) / "imports" / "2026" / "01" / "lost.csv"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_text("x")
    os.utime(orphan, (time.time() - 2 * 86400,) * 2)
    abandoned_file, done_file = Path(abandoned.file.path), Path(done.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.import_jobs_cleanup()
    assert counts == {"stale": 0, "deleted": 1, "files": 1, "orphans": 1}
    assert not ImportJob.objects.filter(pk=abandoned.pk).exists() and not abandoned_file.exists()
    done.refresh_from_db()
    assert done.status == "done" and not done.file and not done_file.exists()
    assert Path(fresh.file.path).exists() and not orphan.exists()


def test_the_cleanup_is_a_registered_periodic_job():
    from kefu.core.jobs import periodic_jobs

    assert "kefu.customers.tasks.import_cleanup_task" in {job.task for job in periodic_jobs()}


def test_the_upload_page_reads_nothing_of_the_file(client_for, manager, settings, monkeypatch):
    settings.KEFU_BACKGROUND = "celery"  # queued after commit, which a test's transaction never reaches
    monkeypatch.setattr(readers, "sniff", lambda *a, **k: pytest.fail("the upload request read the file"))
    response = client_for(manager).post(
        reverse("customers:import_start"), {"kind": "customers", "file": csv_upload(FIVE_ROWS)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "reading" and job.headers == [] and job.preview == []
    page = client_for(manager).get(reverse("customers:import_mapping", args=[job.pk]), follow=True)
    assert 'id="import-progress"' in page.content.decode() and "hx-get" in page.content.decode()


# --- the pages --------------------------------------------------------------------------------------------


def test_the_mapping_page_shows_the_first_rows_and_lets_the_clerk_pick_the_header(client_for, manager):
    job = services.import_job_create(
        actor=manager, kind="customers", uploaded_file=csv_upload("城东客户台账\n名字,电话\n张伟,13800000001\n")
    )
    client = client_for(manager)
    body = client.get(reverse("customers:import_mapping", args=[job.pk])).content.decode()
    assert 'id="import-preview"' in body and "城东客户台账" in body and "张伟" in body
    response = client.post(reverse("customers:import_mapping", args=[job.pk]), {"header_row": "2"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.header_row == 2 and job.headers == ["名字", "电话"]
    response = client.post(
        reverse("customers:import_mapping", args=[job.pk]),
        {"column_0": "name", "column_1": "mobile", "save_as": "简表"},
    )
    assert response.url == reverse("customers:import_detail", args=[job.pk])
    assert manager.import_mappings.get().fields == {"名字": "name", "电话": "mobile"}


def test_a_failed_job_page_shows_the_reason_with_retry_and_discard(client_for, manager):
    job = services.import_job_create(
        actor=manager, kind="customers", uploaded_file=csv_upload("x", name="客户.csv").__class__("客户.xlsx", b"junk")
    )
    client = client_for(manager)
    body = client.get(reverse("customers:import_detail", args=[job.pk])).content.decode()
    assert 'id="import-failure"' in body and job.failure in body
    assert reverse("customers:import_retry", args=[job.pk]) in body
    client.post(reverse("customers:import_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "failed"  # read again, failed again: still junk
    response = client.post(reverse("customers:import_discard", args=[job.pk]))
    assert response.url == reverse("customers:import_start") and not ImportJob.objects.exists()


def test_the_progress_bar_shows_the_commits_progress_from_the_cache(client_for, manager):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    ImportJob.objects.filter(pk=job.pk).update(status="importing", total_rows=5)
    services._progress(job.pk)(2, 0.4)
    body = client_for(manager).get(reverse("customers:import_progress", args=[job.pk])).content.decode()
    assert 'aria-valuenow="40"' in body and 'id="import-rows"' in body


def test_a_job_uploaded_before_the_reading_step_shows_its_page_and_can_be_discarded(client_for, manager):
    job = dry_run(manager, csv_upload(FIVE_ROWS))
    ImportJob.objects.filter(pk=job.pk).update(status="uploaded", file_format="")  # as the migration left it
    client = client_for(manager)
    response = client.get(reverse("customers:import_detail", args=[job.pk]))
    assert (
        response.status_code == 200 and reverse("customers:import_discard", args=[job.pk]) in response.content.decode()
    )
    assert client.get(reverse("customers:import_mapping", args=[job.pk])).url == reverse(
        "customers:import_detail", args=[job.pk]
    )
    client.post(reverse("customers:import_discard", args=[job.pk]))
    assert not ImportJob.objects.exists()
