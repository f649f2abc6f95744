"""Writes of the sales app, each in one transaction with its audit entry."""

from .competitors import competitor_record_create, competitor_record_delete, competitor_record_update
from .pipeline import (
    PRICE_REQUEST_WORKING_DAYS,
    campaign_create,
    campaign_entry_record,
    named_customer_mark_lost,
    named_customers_add,
    price_request_answer,
    price_request_create,
    price_request_due,
    prospect_convert,
    prospect_create,
    prospect_move,
    prospect_update,
    target_delete,
    target_set,
)

__all__ = [
    "PRICE_REQUEST_WORKING_DAYS",
    "campaign_create",
    "campaign_entry_record",
    "competitor_record_create",
    "competitor_record_delete",
    "competitor_record_update",
    "named_customer_mark_lost",
    "named_customers_add",
    "price_request_answer",
    "price_request_create",
    "price_request_due",
    "prospect_convert",
    "prospect_create",
    "prospect_move",
    "prospect_update",
    "target_delete",
    "target_set",
]
