"""Files on an S3-compatible object store (KEFU_STORAGE=s3): moto's S3 server, started by these
tests as its own process on loopback, stands in for MinIO or a cloud bucket.

Uploaded attachments and import files land in the bucket and nowhere on local disk; downloads go
through Kefu's views after the access check; an import reads its upload back from the bucket;
the clean-up finds orphaned uploads through the storage API. No code asks a file for `.path`.
"""

import ast
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kefu.conftest import api, login
from kefu.customers.imports import services as imports
from kefu.customers.models import Customer, ImportJob
from kefu.customers.tests.factories import HEADER, csv_upload
from kefu.tickets.tests.factories import TicketFactory, install_workflows

KEFU = Path(__file__).resolve().parents[3]
BUCKET = "kefu-files"
CREDENTIALS = {"aws_access_key_id": "kefu-test", "aws_secret_access_key": "kefu-test-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's server mode in a subprocess on 127.0.0.1, stopped after the module."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto's S3 server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """An empty bucket, and Kefu's default storage pointed at it as KEFU_STORAGE=s3 would."""
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **settings.S3_STORAGE_OPTIONS,
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
            },
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_the_default_storage_is_the_object_store_when_configured(bucket):
    name = default_storage.save("probe/一.txt", ContentFile("中文内容".encode()))
    assert keys(bucket) == [name]
    assert bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read().decode() == "中文内容"


def test_an_attachment_is_stored_in_the_bucket_and_downloaded_only_through_the_access_check(
    bucket, manager, own_customer, agent, foreign_customer, other_manager, settings
):
    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    client = login(manager)
    client.post(reverse("tickets:attach", args=[ticket.pk]), {"file": SimpleUploadedFile("电表照片.jpg", b"JPEGDATA")})
    attachment = ticket.attachments.get()
    assert keys(bucket) == [attachment.file.name] and attachment.file.name.startswith("tickets/")
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing written to this machine's disk

    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"JPEGDATA"
    # A manager who may not see the request gets nothing, though the file exists.
    assert login(other_manager).get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404
    # The API lists it without any address of the object store.
    listed = api(manager).get(reverse("api-request-attachments", args=[ticket.pk])).json()
    assert listed[0]["name"] == "电表照片.jpg" and "127.0.0.1" not in str(listed)


def test_an_import_reads_its_upload_back_from_the_bucket(bucket, manager, settings):
    job = imports.import_job_create(
        actor=manager,
        kind="customers",
        uploaded_file=csv_upload(HEADER + "对象存储客户,13800001234,,,东区一路,\n"),
    )
    job.refresh_from_db()
    assert job.status == "uploaded", job.failure
    assert keys(bucket) == [job.file.name]
    imports.import_job_set_mapping(actor=manager, job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == "validated" and job.error_count == 0, job.errors
    imports.import_job_confirm(actor=manager, job=job)
    job.refresh_from_db()
    assert job.status == "done" and Customer.objects.filter(name="对象存储客户").exists()
    assert not Path(settings.MEDIA_ROOT).exists()


def test_the_clean_up_removes_orphaned_uploads_from_the_bucket_and_keeps_named_ones(bucket, manager):
    job = imports.import_job_create(actor=manager, kind="customers", uploaded_file=csv_upload(HEADER + "甲,,,,,\n"))
    orphan = default_storage.save("imports/2026/01/crashed.csv", ContentFile(b"x"))
    assert set(keys(bucket)) == {job.file.name, orphan}
    # Not yet a day old: kept.
    assert imports.import_jobs_cleanup()["orphans"] == 0
    counts = imports.import_jobs_cleanup(now=timezone.now() + timedelta(days=2))
    assert counts["orphans"] == 1
    assert keys(bucket) == [ImportJob.objects.get(pk=job.pk).file.name]


def test_no_code_asks_a_stored_file_for_a_filesystem_path():
    """`.path` exists on local disk only: an object store has none (issue 20)."""
    offenders = []
    for path in (KEFU / "kefu").rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "path":
                base = node.value
                name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if name in {"file", "storage", "default_storage"} or (
                    isinstance(base, ast.Call) and getattr(base.func, "attr", "") == "open"
                ):
                    offenders.append(f"{path.relative_to(KEFU)}:{node.lineno}")
    assert offenders == []
