"""Index documents built in worker processes for large imports and rebuilds.

Analysis (tokens, lemmas) is pure Python and holds the GIL; on a machine with
more than one core a large import builds its index documents in a worker
process while the main process stores and indexes. Order is preserved and at
most a few chunks are in flight, so memory stays bounded.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Any

from ingest.document import Document
from search_app.analysis.analyzer import Analyzer, SynonymsState, get_analyzer
from search_app.backends.base import unchanged
from search_app.index_document import build_index_document

Finish = Callable[[dict[str, Any]], dict[str, Any]]
PARALLEL_MIN_DOCS = 5_000  # below this, starting a worker costs more than it saves
CHUNK = 500
IN_FLIGHT = 4
PARENT_POLL_SECONDS = 0.5


def _exit_with_parent(parent_pid: int) -> None:
    """Pool initializer: end this worker as soon as its parent is gone.

    A worker blocks on the pool's call queue, whose pipe it holds both ends of, so
    a killed parent (``kill -9`` of an import) never gives it EOF: it would live on
    under PID 1, and keep multiprocessing's resource tracker alive with it. The
    parent's pid is watched rather than ``PR_SET_PDEATHSIG``, which fires when the
    *thread* that started the worker ends, and pools start workers from any thread.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="munnav-parent-watch", daemon=True).start()


def _build_chunk(docs: list[Document], finish: Finish, synonyms: SynonymsState) -> list[dict[str, Any]]:
    analyzer = get_analyzer()
    analyzer.use_synonyms(synonyms)  # the parent's dictionary (the files overlaid by the store's edits)
    return [finish(build_index_document(d, analyzer)) for d in docs]


def analysis_workers() -> int:
    """Worker processes for analysis: one per core (the main process mostly waits on
    SQLite and the index writer's threads; measured 2,458 docs/s with one worker
    and 2,855 with two on a 2-core machine)."""
    return max(0, min(4, (os.cpu_count() or 1)))


def index_documents(
    docs: Iterable[Document], analyzer: Analyzer, workers: int | None = None,
    min_docs: int = PARALLEL_MIN_DOCS, finish: Finish = unchanged,
) -> Iterator[dict[str, Any]]:
    """``finish(build_index_document(doc))`` for every document, in order, in parallel
    when it pays (``finish``: the backend's ``prepare``, a module-level function)."""
    workers = analysis_workers() if workers is None else workers
    it = iter(docs)
    head = list(islice(it, min_docs))
    if workers < 1 or len(head) < min_docs:
        yield from (finish(build_index_document(d, analyzer)) for d in chain(head, it))
        return
    pool = _pool(workers)
    synonyms = analyzer.synonyms_state()
    pending: deque[Future[list[dict[str, Any]]]] = deque()
    source = chain(head, it)
    while chunk := list(islice(source, CHUNK)):
        pending.append(pool.submit(_build_chunk, chunk, finish, synonyms))
        if len(pending) >= IN_FLIGHT * workers:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool per process, reused by every large import (workers load pymorphy3 once)."""
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            # "spawn": the parent may already run index-writer threads, which fork would copy.
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                       initializer=_exit_with_parent, initargs=(os.getpid(),))
            _pools[workers] = pool
            if len(_pools) == 1:
                atexit.register(shutdown)
        return pool


def shutdown() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.shutdown(cancel_futures=True)
        _pools.clear()
