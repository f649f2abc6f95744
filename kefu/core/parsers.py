"""The API's request parsers: bad input is a 400 with a message, never a 500."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's parser answered 400.

    The standard library's decoder recurses once per level of nesting: a body of 100,000 `[`
    raises RecursionError, which DRF does not catch (its JSONParser turns only ValueError
    into a ParseError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
