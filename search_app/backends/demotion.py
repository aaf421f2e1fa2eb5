"""Score adjustments applied exactly on a top window: finished documents
multiplied by FINISHED_FACTOR, documents of the kind the wording asks for
by KIND_INTENT_FACTOR.

Elasticsearch does both inside the query (``function_score`` weights). In tantivy the finished condition inside the query evaluated the text
twice (a live and a finished branch), and the kind clause made every match seek
the kind's postings (1M documents, «закон»: 17 → 6 ms without it). So the
embedded engine ranks by the plain text score, rescores the top window in
Python from fast fields, and widens the window until the page is provably the
one the full ranking would give: a document outside the window scores at most
the window's lowest plain score plus the largest boost the rescoring adds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

import tantivy

from ingest.document import KINDS
from search_app.index_document import NO_DATE, date_key
from search_app.ranking import FINISHED_FACTOR, KIND_INTENT_FACTOR

RESCORE_WINDOW = 50
# With a kind intent the boosted kind must fill the page from the window: a
# wider first window spares a second search (1M, «конкурс»: 50 then 200 were
# needed; one search of 400 costs 11.6 ms against 8.7 for 50).
INTENT_WINDOW = 400
WINDOW_GROWTH = 4
KIND_CODE = "kind_code"  # fast integer field: the position of the kind in KINDS
KIND_CODES: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}

Scored = tuple[float, tantivy.DocAddress]
Flags = Callable[[Sequence[tantivy.DocAddress]], list[bool]]
Rescore = Callable[[Sequence[Scored]], list[Scored]]


def finished_flags(searcher: tantivy.Searcher, today: dt.date) -> Flags:
    """Closed/expired status, or a deadline before ``today`` (as ``finished_query``)."""
    today_key = date_key(today)

    def flags(addresses: Sequence[tantivy.DocAddress]) -> list[bool]:
        closed = searcher.fast_field_values("closed", list(addresses))
        deadlines = searcher.fast_field_values("deadline", list(addresses))
        return [
            bool(c) or (d is not None and NO_DATE < d < today_key)
            for c, d in zip(closed, deadlines, strict=True)
        ]

    return flags


def kind_flags(searcher: tantivy.Searcher, kinds: Collection[str]) -> Flags:
    """Whether each document is of one of ``kinds``."""
    codes = {KIND_CODES[k] for k in kinds if k in KIND_CODES}

    def flags(addresses: Sequence[tantivy.DocAddress]) -> list[bool]:
        return [c in codes for c in searcher.fast_field_values(KIND_CODE, list(addresses))]

    return flags


def rescorer(finished: Flags, intent: Flags | None = None) -> Rescore:
    """score × the kind factor × the finished factor, re-sorted (stable for ties)."""

    def rescore(hits: Sequence[Scored]) -> list[Scored]:
        addresses = [addr for _, addr in hits]
        done = finished(addresses)
        boosted = intent(addresses) if intent else [False] * len(hits)
        scored = [
            (score * (KIND_INTENT_FACTOR if up else 1.0) * (FINISHED_FACTOR if end else 1.0), addr)
            for (score, addr), end, up in zip(hits, done, boosted, strict=True)
        ]
        return sorted(scored, key=lambda h: -h[0])

    return rescore


def rescore_top(
    search: Callable[[int], Sequence[Scored]], rescore: Rescore, need: int,
    factor: float = 1.0, window: int = RESCORE_WINDOW,
) -> list[Scored]:
    """The first ``need`` hits of the rescored ranking; ``search(limit)`` gives plain
    top hits and ``factor`` is the most ``rescore`` multiplies a score by."""
    window = max(window, need)
    while True:
        hits = search(window)
        ranked = rescore(hits)
        if len(hits) < window:  # every match is in the window
            return ranked[:need]
        if len(ranked) >= need and ranked[need - 1][0] >= hits[-1][0] * factor:
            return ranked[:need]
        window *= WINDOW_GROWTH


def ranked_top(
    search: Callable[[int], Sequence[Scored]], searcher: tantivy.Searcher, today: dt.date,
    kinds: Collection[str], need: int,
) -> list[Scored]:
    """The first ``need`` hits with finished documents demoted and, when the
    wording asks for ``kinds``, documents of those kinds raised."""
    finished = finished_flags(searcher, today)
    if not kinds:
        return rescore_top(search, rescorer(finished), need)
    return rescore_top(
        search, rescorer(finished, kind_flags(searcher, kinds)), need, factor=KIND_INTENT_FACTOR, window=INTENT_WINDOW
    )
