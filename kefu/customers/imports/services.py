"""Import jobs: upload → mapping → dry run → all-or-nothing commit, each step claimed once.

Status changes are conditional updates (`filter(pk=…, status=old).update(…)`), so a job run
twice, or by two workers at once, does its work once. Long steps run in the background
(kefu.core.background) and update `processed_rows` for the progress bar.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_entry, audit_records
from kefu.core.background import run_after_commit

from ..choices import ImportKind, ImportStatus
from ..models import Customer, ImportJob, KeyPerson
from ..validation import phone_is_valid_for_quality
from . import readers
from .importer import check_file, required_fields_missing
from .mapping import fields_for, guess_mapping
from .writers import insert_rows

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def import_job_create(*, actor, kind: str, uploaded_file) -> ImportJob:
    """Store the upload and read its header; the mapping is guessed for the user to confirm."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the file contains.")})
    suffix = Path(uploaded_file.name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError({"file": _("Only .xlsx and .csv files can be imported.")})
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 200 MB.")})
    job = ImportJob.objects.create(
        kind=kind, file=uploaded_file, original_name=uploaded_file.name[:200], created_by=actor
    )
    try:
        headers = readers.read_header(Path(job.file.path), job.original_name)
    except readers.UnreadableFile as error:
        job.file.delete(save=False)
        job.delete()
        raise ValidationError({"file": str(error)}) from error
    job.headers = headers
    job.mapping = guess_mapping(kind, headers)
    job.save(update_fields=["headers", "mapping"])
    return job


@transaction.atomic
def import_job_set_mapping(*, actor, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Confirm the mapping ({column index: field}) and start the dry run in the background."""
    known = fields_for(job.kind)
    clean = {index: name for index, name in mapping.items() if name in known and index.isdigit()}
    if len(set(clean.values())) != len(clean):
        raise ValidationError({"mapping": _("Each field can be taken from one column only.")})
    missing = required_fields_missing(job.kind, clean)
    if missing:
        raise ValidationError({"mapping": _("Choose a column for: %(fields)s") % {"fields": "、".join(missing)}})
    claimed = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED]
    ).update(mapping=clean, status=ImportStatus.VALIDATING, processed_rows=0, errors=[], error_count=0, failure="")
    if not claimed:
        raise ValidationError(_("This import is already being processed."))
    from ..tasks import import_validate_task

    run_after_commit(import_validate_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def _progress(job_id):
    def report(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done)

    return report


def import_job_validate(*, job_id: int) -> None:
    """The dry run: every bad row reported; nothing written to the archive."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.VALIDATING:
        return  # already done by another worker, or cancelled
    try:
        job.total_rows = readers.count_rows(Path(job.file.path), job.original_name)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
        outcome = check_file(job, progress=_progress(job.pk))
    except readers.UnreadableFile as error:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, failure=str(error))
        return
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATING).update(
        status=ImportStatus.VALIDATED,
        total_rows=outcome.total,
        processed_rows=outcome.total,
        errors=outcome.errors,
        error_count=len(outcome.error_rows),
        finished_at=timezone.now(),
    )


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Start the commit of a clean dry run."""
    if job.error_count:
        raise ValidationError(_("Correct the bad rows first: nothing is imported while any row is bad."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED, error_count=0).update(
        status=ImportStatus.IMPORTING, processed_rows=0
    )
    if not claimed:
        raise ValidationError(_("This import is not waiting for confirmation."))
    from ..tasks import import_commit_task

    run_after_commit(import_commit_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_commit(*, job_id: int) -> None:
    """Check again and insert every row in one transaction, or none (e.g. a duplicate appeared)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return
    try:
        with transaction.atomic():
            inserter = _Inserter(job)
            outcome = check_file(job, sink=inserter)
            if outcome.error_rows:
                raise _BadRows(outcome)  # rolls back every batch already written
            created = inserter.created
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.DONE,
                imported_count=created,
                processed_rows=outcome.total,
                finished_at=timezone.now(),
            )
    except _BadRows as bad:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.VALIDATED,
            errors=bad.outcome.errors,
            error_count=len(bad.outcome.error_rows),
            failure=_("Rows changed since the dry run; nothing was imported."),
        )


class _BadRows(Exception):
    def __init__(self, outcome):
        self.outcome = outcome


class _Inserter:
    """Writes each clean batch as the commit pass reads it (inside the commit's transaction):
    the records (kefu.customers.imports.writers), then one IMPORTED audit event per record
    through the audit trail's bulk writer (kefu.audit.services.audit_records)."""

    def __init__(self, job):
        self.job, self.created = job, 0
        self.summary = (_("Imported from %(file)s") % {"file": job.original_name})[:300]

    def __call__(self, rows: list) -> None:
        if self.job.kind == ImportKind.CUSTOMERS:
            records = [self._customer(row) for _number, row in rows]
            ids = insert_rows(Customer, records, with_ids=True)
            self._audit("customers.customer", ids, records, customer_ids=ids)
        else:
            records = [{k: v for k, v in row.items() if k != "customer_ref"} for _number, row in rows]
            ids = insert_rows(KeyPerson, records, with_ids=True)
            self._audit("customers.keyperson", ids, records, customer_ids=[r["customer_id"] for r in records])
        self.created += len(records)

    def _customer(self, row: dict) -> dict:
        actor = self.job.created_by
        record = dict(row)
        manager = record.pop("account_manager", None)
        record["account_manager_id"] = manager.pk if manager else None
        record["created_by_id"] = actor.pk
        record["org_unit_id"] = manager.org_unit_id if manager and manager.org_unit_id else actor.org_unit_id
        record["has_valid_phone"] = phone_is_valid_for_quality(record.get("mobile", ""), record.get("phone", ""))
        return record

    def _audit(self, target_type: str, ids: list[int], records: list[dict], *, customer_ids: list[int]) -> None:
        """One IMPORTED audit event per created record, in the same transaction."""
        audit_records(
            audit_entry(
                actor=self.job.created_by,
                action=AuditAction.IMPORTED,
                target_type=target_type,
                target_id=pk,
                target_repr=record["name"],
                customer_id=customer_id,
                summary=self.summary,
            )
            for pk, record, customer_id in zip(ids, records, customer_ids, strict=True)
        )
