"""Helpers every app's page forms share."""

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's (or a rulebook's) ValidationError on the form: each message by the field
    it names where the form has that field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
