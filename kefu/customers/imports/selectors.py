"""Reads of import jobs: whose job is whose is decided here, for the pages and the API alike."""

from django.shortcuts import get_object_or_404

from kefu.org.permissions import has_capability, require_capability

from ..models import ImportJob


def import_jobs_visible_to(user):
    """The import jobs `user` may see: their own, while they may import (a job's file and
    preview may hold others' personal data, so no one else sees it, a supervisor neither)."""
    if not has_capability(user, "customers.import"):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user)


def get_import_job_for_user(user, pk) -> ImportJob:
    """One of `user`'s jobs: 403 without the right to import, 404 for anyone else's job."""
    require_capability(user, "customers.import")
    return get_object_or_404(import_jobs_visible_to(user), pk=pk)


def import_jobs_listed(user):
    """`user`'s jobs for a list (the upload page's recent imports, the API's list): without the
    dry run's problems (up to 10,000 a job) and the file's first rows, which only a job's own
    page reads, so a list does not fetch and decode them for every job it shows."""
    return import_jobs_visible_to(user).defer("errors", "preview")
