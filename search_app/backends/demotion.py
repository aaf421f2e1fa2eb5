"""Finished documents multiplied by FINISHED_FACTOR, exactly, on a top window.

Elasticsearch does this inside the query (``function_score``). In tantivy the
same condition inside the query evaluated the text twice (a live and a
finished branch), so the embedded engine ranks by the plain score, rescores the
top window in Python from fast fields, and widens the window until the page
is provably the one the full ranking would give: a document outside the window
scores at most the window's lowest plain score, and demotion only lowers scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import tantivy

from search_app.index_document import NO_DATE, date_key
from search_app.ranking import FINISHED_FACTOR

RESCORE_WINDOW = 50
WINDOW_GROWTH = 4

Scored = tuple[float, tantivy.DocAddress]
FinishedFlags = Callable[[Sequence[tantivy.DocAddress]], list[bool]]


def finished_flags(searcher: tantivy.Searcher, today: dt.date) -> FinishedFlags:
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


def rescore(hits: Sequence[Scored], finished: list[bool]) -> list[Scored]:
    """Scores of finished hits multiplied by the factor, re-sorted (stable for ties)."""
    scored = [
        (score * FINISHED_FACTOR if done else score, addr)
        for (score, addr), done in zip(hits, finished, strict=True)
    ]
    return sorted(scored, key=lambda h: -h[0])


def demote_top(
    search: Callable[[int], Sequence[Scored]], flags: FinishedFlags, need: int
) -> list[Scored]:
    """The first ``need`` hits of the demoted ranking; ``search(limit)`` gives plain top hits."""
    window = max(RESCORE_WINDOW, need)
    while True:
        hits = search(window)
        ranked = rescore(hits, flags([addr for _, addr in hits]))
        if len(hits) < window:  # every match is in the window
            return ranked[:need]
        if len(ranked) >= need and ranked[need - 1][0] >= hits[-1][0]:
            return ranked[:need]
        window *= WINDOW_GROWTH
