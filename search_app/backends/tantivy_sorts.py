"""The deadline sort in tantivy: open items by nearest deadline, then the
permanent ones (newest first), then the finished ones (latest deadline first).

tantivy sorts by one fast field in one direction, so the order is read as tiers,
each a filtered search sorted by its own field; a page takes what it needs from
each tier in turn (the tiers' sizes come with them, so their sum is the total).
"""

from __future__ import annotations

import datetime as dt

import tantivy
from tantivy import Occur, Query

from search_app.backends.tantivy_query import finished_query
from search_app.index_document import NO_DEADLINE

Tier = tuple[Query, str, tantivy.Order]


def deadline_tiers(schema: tantivy.Schema, base: Query, today: dt.date) -> list[Tier]:
    """The deadline sort's tiers over the documents ``base`` matches."""
    finished = finished_query(schema, today)
    dated = Query.range_query(schema, "deadline", tantivy.FieldType.Integer, 0, NO_DEADLINE, True, False)

    def tier(*parts: tuple[Occur, Query]) -> Query:
        return Query.boolean_query([(Occur.Must, base), *parts])

    return [
        (tier((Occur.MustNot, finished), (Occur.Must, dated)), "deadline", tantivy.Order.Asc),
        (tier((Occur.MustNot, finished), (Occur.MustNot, dated)), "published", tantivy.Order.Desc),
        (tier((Occur.Must, finished), (Occur.Must, dated)), "deadline", tantivy.Order.Desc),
        (tier((Occur.Must, finished), (Occur.MustNot, dated)), "published", tantivy.Order.Desc),
    ]


def tiered_page(
    searcher: tantivy.Searcher, tiers: list[Tier], offset: int, limit: int
) -> tuple[list[tantivy.DocAddress], int]:
    """The page ``offset:offset + limit`` of the tiers read in order, and the total."""
    page: list[tantivy.DocAddress] = []
    total = 0
    for query, field, order in tiers:
        skip = max(0, offset - total)
        need = limit - len(page)
        result = searcher.search(
            query, limit=max(need, 1), count=True, offset=skip, order_by_field=field, order=order
        )
        total += result.count or 0
        if need > 0:
            page += [addr for _, addr in result.hits][:need]
    return page, total
