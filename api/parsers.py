"""JSON bodies within the site's size limit, and nesting that cannot exhaust the parser.

DRF reads the body as a stream, past Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``; and a 2 KB body of
``[[[[…]]]]`` makes ``json.loads`` raise RecursionError, which is not a ValueError. Both are the
client's mistakes: a 400 with the usual error body.
"""

import io

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise ParseError(_("The body is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The body nests too deeply to be read.")) from None
