"""One engine per app, opened on first use and kept in ``app.extensions``."""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app, url_for

from ingest.document import Document
from ingest.store import Store
from search_app.analysis.analyzer import SYNONYMS_CHECK_SECONDS, Analyzer, analyzer_for
from search_app.backends.factory import make_backend
from search_app.engine import SearchEngine
from search_app.synonym_dictionaries import StoreDictionaries
from search_app.web.act_index import ActIndex

EXTENSION = "munnav"
RELATED_LIMIT = 6


class EngineHolder:
    """Opens the store and the engine lazily (never at import time) and closes them once.

    The store's database engine is the one every service of the app uses.
    """

    def __init__(
        self, data_dir: Path, elasticsearch_url: str | None, database_url: str | None = None,
        synonyms_dir: Path | None = None, synonyms_check: float = SYNONYMS_CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.data_dir = data_dir
        self.elasticsearch_url = elasticsearch_url
        self.database_url = database_url
        self.synonyms_dir = synonyms_dir
        self.synonyms_check = synonyms_check
        self.clock = clock
        self._analyzer: Analyzer | None = None
        self._dictionaries: StoreDictionaries | None = None
        self._store: Store | None = None
        self._engine: SearchEngine | None = None
        self._acts: ActIndex | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> Store:
        with self._lock:
            return self._open_store()

    def _open_store(self) -> Store:
        if self._store is None:
            self._store = Store(self.database_url) if self.database_url else Store.open(self.data_dir)
            # every page that analyses (dialogue topics too) expands with the store's dictionaries
            self._dictionaries = StoreDictionaries(self._store.engine)
            self._open_analyzer().follow(self._dictionaries, self.synonyms_check, self.clock)
        return self._store

    @property
    def analyzer(self) -> Analyzer:
        """The app's analyzer: the process-wide one, unless ``SYNONYMS_DIR`` names other files."""
        with self._lock:
            return self._open_analyzer()

    def _open_analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = analyzer_for(self.synonyms_dir)
        return self._analyzer

    @property
    def engine(self) -> SearchEngine:
        with self._lock:
            if self._engine is None:
                self._engine = SearchEngine(self._open_store(), make_backend(self.data_dir, self.elasticsearch_url),
                                            self._open_analyzer(), self.synonyms_check, self.clock)
            return self._engine

    def acts(self) -> ActIndex:
        engine = self.engine
        with self._lock:
            if self._acts is None:
                doc_url = url_for("pages.document", doc_id="{id}").replace("%7Bid%7D", "{id}")
                self._acts = ActIndex(engine.store, doc_url, url_for("pages.search"))
            return self._acts

    def flush_logs(self) -> None:
        """Write the search counts kept in memory (a stopping worker, or the interpreter exiting)."""
        with self._lock:
            engine = self._engine
        if engine is not None:
            engine.flush_logs()

    def close(self) -> None:
        with self._lock:
            if self._analyzer is not None and self._dictionaries is not None:
                self._analyzer.unfollow(self._dictionaries)
            if self._engine is not None:
                self._engine.close()  # closes the store too
            elif self._store is not None:
                self._store.close()
            self._engine = None
            self._store = None
            self._acts = None


def init_app(app: Flask) -> None:
    synonyms_dir = app.config.get("SYNONYMS_DIR")
    holder = EngineHolder(
        Path(app.config["DATA_DIR"]), app.config["ELASTICSEARCH_URL"], app.config.get("DATABASE_URL"),
        Path(synonyms_dir) if synonyms_dir else None, float(app.config["SYNONYMS_CHECK_SECONDS"]),
        app.config.get("SYNONYMS_CLOCK") or time.monotonic,
    )
    app.extensions[EXTENSION] = holder
    # Any server that ends the interpreter normally (flask run, werkzeug) keeps its counts too;
    # gunicorn workers flush in their ``worker_exit`` hook (``munnav serve``).
    atexit.register(_flush_at_exit, weakref.ref(holder))


def _flush_at_exit(ref: weakref.ref[EngineHolder]) -> None:
    holder = ref()
    if holder is not None:
        holder.flush_logs()


def holder() -> EngineHolder:
    return current_app.extensions[EXTENSION]


def get_engine() -> SearchEngine:
    return holder().engine


def act_index() -> ActIndex:
    return holder().acts()


def related_documents(doc_id: str, refs: tuple[str, ...], limit: int = RELATED_LIMIT) -> list[Document]:
    """Similar documents, without those the document's steps already list."""
    found = get_engine().related(doc_id, limit=limit + len(refs))
    return [d for d in found if d.id not in refs][:limit]
