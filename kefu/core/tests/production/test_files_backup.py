"""Backing up the stored files and restoring them into an empty instance, through the storage API
(scripts/backup.sh, scripts/restore.sh): the same names and bytes, checked against the manifest."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

FILES = {
    "tickets/2026/01/电表照片.jpg": b"\xff\xd8JPEG",
    "imports/2026/01/客户.csv": "客户名称\n张三\n".encode(),
    "keyaccounts/agreements/a.pdf": b"%PDF-1.4",
}


def fill():
    for name, data in FILES.items():
        assert default_storage.save(name, ContentFile(data)) == name


def restored(tmp_path, settings, backup):
    settings.MEDIA_ROOT = tmp_path / "empty-instance"
    call_command("files_restore", str(backup))
    return {name: default_storage.open(name).read() for name in FILES}


def test_every_file_comes_back_under_its_name_with_its_bytes(tmp_path, settings):
    fill()
    backup = tmp_path / "backup"
    call_command("files_backup", str(backup))
    assert set(json.loads((backup / "MANIFEST.json").read_text())) == set(FILES)
    assert restored(tmp_path, settings, backup) == FILES


def test_a_damaged_copy_is_refused_and_nothing_is_restored(tmp_path, settings):
    fill()
    backup = tmp_path / "backup"
    call_command("files_backup", str(backup))
    (backup / "imports/2026/01/客户.csv").write_bytes(b"changed")
    settings.MEDIA_ROOT = tmp_path / "empty-instance"
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("files_restore", str(backup))
    assert not default_storage.exists("tickets/2026/01/电表照片.jpg")


def test_restoring_over_existing_files_is_refused(tmp_path):
    fill()
    backup = tmp_path / "backup"
    call_command("files_backup", str(backup))
    with pytest.raises(CommandError, match="exists already"):
        call_command("files_restore", str(backup))


def test_a_backup_never_writes_into_a_directory_in_use(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("files_backup", str(tmp_path / "backup"))
