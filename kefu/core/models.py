"""Base model mixins shared by every domain app (core itself has no tables)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and last-change times, kept by the database layer, never by hand."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """An integer bumped on every saved change, for optimistic locking.

    Two people editing the same record send back the version they read; the update only
    applies when it is still current, so nobody silently overwrites the other.
    """

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True
