"""The API's request parsers: bad input is a 400 with a message, never a 500."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's parser answered 400.

    The standard library's decoder recurses once per level of nesting: a body of 100,000 `[`
    raises RecursionError, which DRF does not catch (its JSONParser turns only ValueError
    into a ParseError). A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused as Django
    refuses form data of that size (the API answers 413)."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None and _content_length(request) > limit:
            raise RequestDataTooBig(_("The body is larger than the server accepts."))
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
