"""Writes of the sales app, each in one transaction with its audit entry."""

from .competitors import competitor_record_create, competitor_record_delete, competitor_record_update

__all__ = ["competitor_record_create", "competitor_record_delete", "competitor_record_update"]
