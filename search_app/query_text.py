"""What a logged query may be: normalised, of a sane length and alphabet, without control characters.

Shared by the search log (analytics) and the query log (autocomplete), so
junk is kept out of both the same way.
"""

from __future__ import annotations

import unicodedata

from search_app.analysis.tokenizer import normalize

MAX_LENGTH = 120
MAX_WORDS = 12
# Letters, digits and the punctuation a query about acts and programmes uses.
ALLOWED_PUNCTUATION = frozenset(" -.,№«»\"'()/:+%_")


def clean_query(text: str) -> str | None:
    """The normalised query, or ``None`` when it is not something a person searches for.

    Control characters (NUL included) are refused, not stripped: a query that
    carries them came from a program. So are queries longer than ``MAX_LENGTH``
    or ``MAX_WORDS``, without a letter, or with characters outside letters,
    digits and ``ALLOWED_PUNCTUATION`` (``<script>``, ``'; DROP``…).
    """
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        return None
    key = " ".join(normalize(text).split())
    if not key or len(key) > MAX_LENGTH or len(key.split()) > MAX_WORDS:
        return None
    if not any(ch.isalpha() for ch in key):
        return None
    if any(not (ch.isalnum() or ch in ALLOWED_PUNCTUATION) for ch in key):
        return None
    return key
