"""Writes about staff accounts."""

from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_regenerate(*, user) -> Token:
    """Replace the user's API token: the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
