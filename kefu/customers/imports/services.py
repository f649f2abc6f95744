"""Import jobs: upload → reading → mapping → dry run → all-or-nothing commit, each step claimed once.

The upload only stores the file; everything that reads it runs in the background
(kefu.core.background). Status changes are conditional updates (`filter(pk=…, status=old)
.update(…)`), so a job run twice, or by two workers at once, does its work once. Any failure
in the background ends the job as FAILED with its reason in the user's language, nothing
written to the archive; the clerk may retry it or discard it. `import_jobs_cleanup` (a periodic
job) fails jobs whose worker died and removes old and orphaned uploads.
"""

import io
import logging
import time
from datetime import timedelta
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.background import run_after_commit
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.core.exports import safe_row
from kefu.core.files import local_copy, walk_files
from kefu.core.text import check_text
from kefu.org.permissions import require_capability

from ..choices import ImportKind, ImportStatus
from ..models import ImportJob, ImportMapping, ImportRow
from . import readers
from .importer import commit_staged, dry_run, required_fields_missing
from .mapping import apply_saved, fields_for, find_header_row, guess_mapping, header_texts, same_shape

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
WORKING = (ImportStatus.READING, ImportStatus.VALIDATING, ImportStatus.IMPORTING)
STALE_AFTER = timedelta(minutes=30)  # no progress for this long: the worker is gone
KEEP_DAYS = 7


def _require_own(actor, job: ImportJob) -> None:
    """Every step is taken by whoever uploaded the job, while they may import."""
    require_capability(actor, "customers.import")
    if job.created_by_id != actor.pk:
        raise PermissionDeniedError(_("Only whoever uploaded an import may work on it."))


def import_job_create(*, actor, kind: str, uploaded_file) -> ImportJob:
    """Store the upload and queue its reading; nothing of the file is read in the request."""
    require_capability(actor, "customers.import")
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the file contains.")})
    suffix = Path(uploaded_file.name).suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            {"file": _("Old Excel 97-2003 files (.xls) cannot be read: open it in Excel and save it as .xlsx.")}
        )
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError({"file": _("Only .xlsx and .csv files can be imported.")})
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 200 MB.")})
    if not uploaded_file.size:
        raise ValidationError({"file": _("The file is empty.")})
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            file=uploaded_file,
            original_name=uploaded_file.name[:200],
            created_by=actor,
            status=ImportStatus.READING,
        )
        from ..tasks import import_read_task

        run_after_commit(import_read_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_read(*, job_id: int) -> None:
    """What the file is, its first rows, where its header is, a mapping guessed or saved."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.READING:
        return
    with _failing_safely(job, ImportStatus.READING), local_copy(job.file) as path:
        file_format = readers.sniff(path, job.original_name)
        head = readers.head_rows(path, file_format)
        preview = [[number, [readers.as_text(cell)[:100] for cell in cells]] for number, cells in head]
        header_row = find_header_row(job.kind, [(number, texts) for number, texts in preview])
        headers = _headers_at(preview, header_row)
        mapping, _saved = _mapping_for(job, headers)
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READING).update(
            status=ImportStatus.UPLOADED,
            file_format=file_format,
            preview=preview,
            header_row=header_row,
            headers=headers,
            mapping=mapping,
            failure="",
            updated_at=timezone.now(),
        )


def _headers_at(preview: list, header_row: int) -> list[str]:
    return next((header_texts(texts) for number, texts in preview if number == header_row), [])


def saved_mapping_for(job) -> ImportMapping | None:
    """The saved mapping that applies to this job's header row, if any (named on the mapping page)."""
    return _mapping_for(job, job.headers)[1]


def _mapping_for(job, headers: list[str]) -> tuple[dict, ImportMapping | None]:
    """The clerk's saved mapping for a file of this shape (the newest), else the guess."""
    for saved in ImportMapping.objects.filter(created_by=job.created_by, kind=job.kind):
        if same_shape(headers, saved.headers):
            return apply_saved(job.kind, headers, saved.fields), saved
    return guess_mapping(job.kind, headers), None


@transaction.atomic
def import_job_choose_header(*, actor, job: ImportJob, header_row: int) -> ImportJob:
    """The clerk picks another of the previewed rows as the header: columns guessed again."""
    _require_own(actor, job)
    if header_row not in {number for number, _texts in job.preview}:
        raise ValidationError({"header_row": _("Choose one of the rows shown.")})
    headers = _headers_at(job.preview, header_row)
    mapping, _saved = _mapping_for(job, headers)
    claimed = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.UPLOADED, ImportStatus.VALIDATED], created_by=actor
    ).update(
        header_row=header_row,
        headers=headers,
        mapping=mapping,
        status=ImportStatus.UPLOADED,
        errors=[],
        error_count=0,
        failure="",
        updated_at=timezone.now(),
    )
    if not claimed:
        raise ConflictError(_("This import is already being processed."))
    ImportRow.objects.filter(job=job).delete()
    job.refresh_from_db()
    return job


@transaction.atomic
def import_job_set_mapping(*, actor, job: ImportJob, mapping: dict[str, str], save_as: str = "") -> ImportJob:
    """Confirm the mapping ({column index: field}) and start the dry run in the background;
    `save_as` keeps it, by header text, for the clerk's next file of the same shape. A column
    left blank is not imported; a column or field that does not exist is refused, naming it."""
    _require_own(actor, job)
    known = fields_for(job.kind)
    clean = {index: name for index, name in mapping.items() if name}
    columns = {str(number) for number in range(len(job.headers))}  # "00", "²" or " 1" name none of them
    for index, name in clean.items():
        if index not in columns:
            raise ValidationError({"mapping": _("The header row has no column %(column)s.") % {"column": index[:20]}})
        if name not in known:
            raise ValidationError({"mapping": _("Column %(column)s: there is no field “%(field)s” to import into.") % {
                "column": index, "field": name[:40]}})  # fmt: skip
    if len(set(clean.values())) != len(clean):
        raise ValidationError({"mapping": _("Each field can be taken from one column only.")})
    missing = required_fields_missing(job.kind, clean)
    if missing:
        raise ValidationError({"mapping": _("Choose a column for: %(fields)s") % {"fields": "、".join(missing)}})
    save_as = save_as.strip()
    if len(save_as) > 60:
        raise ValidationError({"save_as": _("At most %(limit)d characters (this has %(length)d).") % {
            "limit": 60, "length": len(save_as)}})  # fmt: skip
    refused: dict = {}
    check_text(save_as, "save_as", refused)
    if refused:
        raise ValidationError(refused)
    claimed = (
        ImportJob.objects.filter(
            pk=job.pk, status__in=[ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED]
        )
        .exclude(file_format="")
        .update(
            mapping=clean,
            status=ImportStatus.VALIDATING,
            processed_rows=0,
            percent=0,
            errors=[],
            error_count=0,
            failure="",
            updated_at=timezone.now(),
        )
    )
    if not claimed:
        raise ConflictError(_("This import is already being processed."))
    if save_as:
        ImportMapping.objects.update_or_create(
            created_by=actor,
            kind=job.kind,
            name=save_as,
            defaults={
                "headers": job.headers,
                "fields": {job.headers[int(index)]: name for index, name in clean.items()},
            },
        )
    from ..tasks import import_validate_task

    run_after_commit(import_validate_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_validate(*, job_id: int) -> None:
    """The dry run: every bad row reported, clean rows staged; nothing written to the archive."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.VALIDATING:
        return  # already done by another worker, or discarded
    with _failing_safely(job, ImportStatus.VALIDATING):
        outcome = dry_run(job, progress=_progress(job.pk))
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATING).update(
            status=ImportStatus.VALIDATED,
            total_rows=outcome.total,
            processed_rows=outcome.total,
            percent=100,
            errors=outcome.errors,
            error_count=len(outcome.error_rows),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if outcome.error_rows:
            ImportRow.objects.filter(job=job).delete()  # nothing will be committed: the staged rows go


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Start the commit of a clean dry run."""
    _require_own(actor, job)
    if job.error_count:
        raise ConflictError(_("Correct the bad rows first: nothing is imported while any row is bad."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED, error_count=0).update(
        status=ImportStatus.IMPORTING, processed_rows=0, percent=0, updated_at=timezone.now()
    )
    if not claimed:
        raise ConflictError(_("This import is not waiting for confirmation."))
    from ..tasks import import_commit_task

    run_after_commit(import_commit_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_commit(*, job_id: int) -> None:
    """Write every staged row in one transaction, or none (e.g. a duplicate appeared since)."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.IMPORTING:
        return
    with _failing_safely(job, ImportStatus.IMPORTING):
        with transaction.atomic():
            result = commit_staged(job, progress=_progress(job.pk))
            if isinstance(result, int):
                ImportJob.objects.filter(pk=job.pk, status=ImportStatus.IMPORTING).update(
                    status=ImportStatus.DONE,
                    imported_count=result,
                    processed_rows=result,
                    percent=100,
                    finished_at=timezone.now(),
                    updated_at=timezone.now(),
                )
        if not isinstance(result, int):
            ImportRow.objects.filter(job=job).delete()
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.IMPORTING).update(
                status=ImportStatus.VALIDATED,
                errors=result.errors,
                error_count=len(result.error_rows),
                failure=_("Rows changed since the dry run; nothing was imported."),
                updated_at=timezone.now(),
            )


class _failing_safely:
    """Any exception in a background step: the job fails with its reason, nothing half-done.

    A file problem (readers.UnreadableFile) is the clerk's to fix and says what it is; anything
    else is logged for the administrator and told as an unexpected error.
    """

    def __init__(self, job, status):
        self.job, self.status = job, status

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if error is None or not isinstance(error, Exception):
            return False
        if isinstance(error, readers.UnreadableFile):
            reason = str(error)
        else:
            logger.exception("Import job %s failed while %s", self.job.pk, self.status)
            reason = _(
                "The import stopped on an unexpected error (%(error)s); nothing was imported. "
                "Try again, or discard it and tell the administrator."
            ) % {"error": type(error).__name__}
        _fail(self.job.pk, self.status, reason)
        return True


def _fail(job_id: int, status: str, reason: str) -> None:
    failed = ImportJob.objects.filter(pk=job_id, status=status).update(
        status=ImportStatus.FAILED, failed_status=status, failure=reason, percent=0, updated_at=timezone.now()
    )
    if failed and status == ImportStatus.VALIDATING:
        ImportRow.objects.filter(job_id=job_id).delete()


def _progress_key(job_id: int) -> str:
    return f"kefu:import-progress:{job_id}"


def _progress(job_id: int):
    """Progress goes to the cache (a commit's transaction hides its own updates from the page)
    and, outside a transaction, onto the job too; either is the heartbeat the clean-up reads."""

    def report(rows: int, fraction: float) -> None:
        percent = int(min(max(fraction, 0.0), 1.0) * 100)
        cache.set(_progress_key(job_id), {"rows": rows, "percent": percent, "at": time.time()}, 3600)
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=job_id).update(processed_rows=rows, percent=percent, updated_at=timezone.now())

    return report


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, percent) for the progress bar of a working job."""
    if job.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING):  # a list of jobs asks the cache for these only
        seen = cache.get(_progress_key(job.pk))
        if seen:
            return seen["rows"], seen["percent"]
    return job.processed_rows, job.progress_percent


def import_errors_workbook(job: ImportJob) -> bytes:
    """The bad rows as an .xlsx to correct the file by (the page's and the API's download)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([_("Row"), _("Column"), _("Problem")])
    for error in job.errors:
        # The column is the uploaded file's own header: never written as a formula.
        sheet.append(safe_row(sheet, [error["row"], error["column"], error["message"]]))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@transaction.atomic
def import_job_retry(*, actor, job: ImportJob) -> ImportJob:
    """Run a failed job's failed step again (reading, the dry run or the commit)."""
    _require_own(actor, job)
    step = job.failed_status or ImportStatus.READING
    if step == ImportStatus.IMPORTING and not ImportRow.objects.filter(job=job).exists():
        step = ImportStatus.VALIDATING
    if step == ImportStatus.VALIDATING and not job.mapping:
        step = ImportStatus.READING
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED, created_by=actor).update(
        status=step, failure="", failed_status="", processed_rows=0, percent=0, updated_at=timezone.now()
    )
    if not claimed:
        raise ConflictError(_("Only a failed import can be tried again."))
    from ..tasks import import_commit_task, import_read_task, import_validate_task

    task = {
        ImportStatus.READING: import_read_task,
        ImportStatus.VALIDATING: import_validate_task,
        ImportStatus.IMPORTING: import_commit_task,
    }[step]
    run_after_commit(task, job_id=job.pk)
    job.refresh_from_db()
    return job


@transaction.atomic
def import_job_discard(*, actor, job: ImportJob) -> None:
    """Forget an import that is not running: its file, its checked rows and the job."""
    _require_own(actor, job)
    deleted, _counts = ImportJob.objects.filter(pk=job.pk, created_by=actor).exclude(status__in=WORKING).delete()
    if not deleted:
        raise ConflictError(_("An import cannot be discarded while it runs."))
    _delete_file_on_commit(job.file.name)


def _delete_file_on_commit(name: str) -> None:
    if name:
        storage = ImportJob._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


def import_jobs_cleanup(*, now=None) -> dict[str, int]:
    """The periodic clean-up: jobs whose worker died fail (and may be retried); unfinished jobs
    untouched for KEEP_DAYS go with their files; finished jobs keep their record but lose the
    file; files under imports/ that no job names (a crashed upload) go after a day."""
    now = now or timezone.now()
    counts = {"stale": 0, "deleted": 0, "files": 0, "orphans": 0}
    for job in ImportJob.objects.filter(status__in=WORKING, updated_at__lt=now - STALE_AFTER):
        beat = cache.get(_progress_key(job.pk))
        if beat and beat["at"] > now.timestamp() - STALE_AFTER.total_seconds():
            continue
        _fail(
            job.pk,
            job.status,
            _("The import stopped responding (the server may have restarted); nothing was imported."),
        )
        counts["stale"] += 1
    old = now - timedelta(days=KEEP_DAYS)
    for job in ImportJob.objects.filter(updated_at__lt=old).exclude(status__in=[*WORKING, ImportStatus.DONE]):
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).delete()
            _delete_file_on_commit(job.file.name)
        counts["deleted"] += 1
    for job in ImportJob.objects.filter(status=ImportStatus.DONE, updated_at__lt=old).exclude(file=""):
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        counts["files"] += 1
    ImportRow.objects.filter(job__status=ImportStatus.DONE).delete()
    counts["orphans"] = _remove_orphan_files(now - timedelta(days=1))
    return counts


def _remove_orphan_files(before) -> int:
    """Uploads under imports/ that no job names, older than `before`, through the storage API
    (local disk or the object store alike)."""
    storage = ImportJob._meta.get_field("file").storage
    named = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for name in walk_files(storage, "imports"):
        if name not in named and storage.get_modified_time(name) < before:
            storage.delete(name)
            removed += 1
    return removed
