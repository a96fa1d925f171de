"""The Vietnamese catalogue is the site's default language: every entry translated, none twice, none fuzzy.

Catalogues are merged by union when two lines of work add entries side by side, so a string added on both
sides would appear twice, and msgfmt (``make messages``) refuses a catalogue with a duplicate entry."""

from collections import Counter
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"), wrapwidth=0)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_entry_is_written_twice(language):
    keys = Counter((e.msgctxt, e.msgid) for e in catalogue(language) if not e.obsolete)
    assert [key for key, n in keys.items() if n > 1] == []


def test_every_vietnamese_entry_is_translated_and_none_is_fuzzy():
    po = catalogue("vi")
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
