"""Import of customers and key persons from .xlsx and .csv: read → map columns → dry run → commit."""
