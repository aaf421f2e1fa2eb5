"""Every search a person runs, counted once for analytics and autocomplete, within the flood caps."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine

from search_app.dialogue.search_log import SearchLog
from search_app.dialogue.topics import topic_suggester
from search_app.flood import FloodGuard
from search_app.query_log import QueryLog
from search_app.query_text import clean_query


class SearchRecorder:
    """The search log (time series) and the query log (autocomplete) behind one flood guard."""

    def __init__(self, engine: Engine, guard: FloodGuard | None = None) -> None:
        self.guard = guard or FloodGuard()
        self.query_log = QueryLog(engine)
        self.search_log = SearchLog(engine, lambda text: topic_suggester().suggest(text))

    def search(self, text: str, total: int, searched: str | None = None,
               filters: Sequence[tuple[str, str]] = (), client: str = "") -> bool:
        """Count a search (``searched``: the spelling the engine ran); ``False`` when it was not counted."""
        key = clean_query(text)
        if key is None or (client and not self.guard.admit(client, key)):
            return False
        self.search_log.record(text, total, corrected=searched or "", filters=filters)
        self.query_log.record(searched or text, total, client)
        return True

    def click(self, text: str, doc_id: str, client: str = "") -> bool:
        """Count a result opened from the results of ``text``."""
        key = clean_query(text)
        if key is None or (client and not self.guard.admit(client, "\x00click " + key)):
            return False
        self.search_log.record_click(text, doc_id)
        return True

    def flush(self) -> None:
        self.search_log.flush()
        self.query_log.flush()
