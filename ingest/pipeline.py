"""Run one source: gather → fetch → import, then withdraw and report.

Stage contracts (after CKAN's harvester):

- gather: the connector lists records; a failure here makes the run
  incomplete (no withdrawals) and is recorded with stage ``gather``;
- fetch: one record → documents; a failure is one error record (stage
  ``fetch``, the record's URL) and the run goes on;
- import: one document → one ``Outcome`` (new / updated / unchanged, or
  failed with stage ``import``); only new and updated documents are
  re-indexed.

After a complete, clean run (status ``ok``) documents of the source missing
from it get one more miss; at ``withdraw_after`` misses they are withdrawn
(kept in the store, removed from the index). The run's report is stored in
the same SQLite database (``RunLog``).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ingest.clock import now_iso
from ingest.connectors import CONNECTORS, Connector, Record
from ingest.document import Document
from ingest.http import FetchError, HttpCache, HttpClient, ParseError, RunAborted, RunTimeout
from ingest.outcome import Outcome
from ingest.runlog import ErrorRecord, RunLog, RunReport
from ingest.sources import Source
from ingest.store import Store

INDEX_BATCH = 200
STATUS_OK, STATUS_PARTIAL, STATUS_FAILED = "ok", "partial", "failed"


class Indexer(Protocol):
    """What the pipeline needs from the search engine (``SearchEngine`` fits)."""

    store: Store

    def index_documents(self, docs: Iterable[Document]) -> int: ...

    def remove_from_index(self, ids: Iterable[str]) -> None: ...


@dataclass
class _Run:
    source: Source
    started: str
    counts: Counter[str] = field(default_factory=Counter)
    counters: Counter[str] = field(default_factory=Counter)
    errors: list[ErrorRecord] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    seen_keys: set[str] = field(default_factory=set)
    pending: list[Document] = field(default_factory=list)
    gather_complete: bool = False
    aborted: bool = False

    def error(self, stage: str, url: str, message: str) -> None:
        self.errors.append(ErrorRecord(stage, url, message))
        self.counts[Outcome.FAILED.value] += 1


def _describe(exc: BaseException) -> tuple[str, str]:
    """(url, Russian message) for an exception raised inside a stage."""
    if isinstance(exc, FetchError | ParseError):
        return exc.url, exc.reason
    return "", f"{type(exc).__name__}: {exc}"


class Pipeline:
    """Runs sources against one engine (store + index) and records reports."""

    def __init__(self, engine: Indexer, use_cache: bool = True, stop: threading.Event | None = None) -> None:
        self.engine = engine
        self.stop = stop
        self.store = engine.store
        self.runlog = RunLog(self.store.engine)
        self.cache = HttpCache(self.store.engine) if use_cache else None

    def run(self, source: Source, progress: Callable[[int], None] | None = None) -> RunReport:
        run = _Run(source, now_iso())
        # Documents an interrupted run stored but did not index would look unchanged now.
        run.counters["index/recovered"] += self.engine.finish_pending()
        deadline = time.monotonic() + source.time_limit
        connector = CONNECTORS[source.type](source)
        client = HttpClient(
            source.http_settings(), source.base_url, self.cache, deadline=deadline, counters=run.counters
        )
        try:
            self._crawl(run, connector, client, deadline, progress)
        except RunTimeout as exc:
            run.aborted = True
            run.error("run", "", f"{exc} ({source.time_limit:g} с)")
        except RunAborted as exc:
            run.aborted = True
            run.error("run", "", str(exc))
        finally:
            client.close()
            self._flush(run)
        report = self._finish(run)
        self.runlog.save(report)
        return report

    # -- stages ---------------------------------------------------------------

    def _crawl(
        self,
        run: _Run,
        connector: Connector,
        client: HttpClient,
        deadline: float,
        progress: Callable[[int], None] | None,
    ) -> None:
        records = connector.gather(client)
        while True:
            try:
                record = next(records)
            except StopIteration:
                run.gather_complete = True
                return
            except RunAborted:
                raise
            except Exception as exc:  # any gather failure: recorded, run incomplete
                url, message = _describe(exc)
                run.error("gather", url, message)
                return
            if time.monotonic() > deadline:
                raise RunTimeout("превышено время выполнения запуска")
            if self.stop is not None and self.stop.is_set():
                raise RunAborted("запуск остановлен: планировщик завершает работу")
            if record.key in run.seen_keys:
                run.counters["gather/duplicate"] += 1
                continue
            run.seen_keys.add(record.key)
            for doc in self._fetch(run, connector, client, record):
                self._import(run, doc)
            if progress is not None:
                progress(1)

    def _fetch(self, run: _Run, connector: Connector, client: HttpClient, record: Record) -> list[Document]:
        try:
            return list(connector.fetch(client, record))
        except RunAborted:
            raise
        except Exception as exc:  # one bad record must not stop the run; it is reported
            url, message = _describe(exc)
            run.error("fetch", url or record.url, message)
            return []

    def _import(self, run: _Run, doc: Document) -> Outcome:
        if doc.id in run.seen_ids:
            run.counters["import/duplicate"] += 1
            return Outcome.UNCHANGED
        run.seen_ids.add(doc.id)
        run.counts["seen"] += 1
        stored = self.store.receive(doc, source=run.source.name)
        run.counts[stored.outcome.value] += 1
        if stored.raised:  # the source changed fields an editor corrected: the console lists them
            run.counters["import/conflicts"] += len(stored.raised)
        if stored.to_index:
            run.pending.append(stored.document)  # as published: the editors' corrections on top
            if len(run.pending) >= INDEX_BATCH:
                self._flush(run)
        return stored.outcome

    def _flush(self, run: _Run) -> None:
        if run.pending:
            run.counters["index/documents"] += self.engine.index_documents(run.pending)
            run.pending = []

    # -- outcome of the run ---------------------------------------------------------

    def _finish(self, run: _Run) -> RunReport:
        status = self._status(run)
        if status == STATUS_OK:
            withdrawn = self.store.record_missing(run.source.name, run.seen_ids, run.source.withdraw_after)
            if withdrawn:
                self.engine.remove_from_index(withdrawn)
            run.counts[Outcome.WITHDRAWN.value] += len(withdrawn)
        return RunReport(
            source=run.source.name,
            started=run.started,
            finished=now_iso(),
            status=status,
            counts={k: run.counts.get(k, 0) for k in RunReport.COUNT_KEYS},
            errors=run.errors,
            counters=dict(run.counters),
        )

    def _status(self, run: _Run) -> str:
        seen = run.counts["seen"]
        if run.aborted or (run.errors and seen == 0):
            return STATUS_FAILED
        if run.errors or not run.gather_complete:
            return STATUS_PARTIAL
        if seen == 0 and self.store.ids_for_source(run.source.name):
            # An empty listing from a source that had documents is suspicious:
            # never let it withdraw everything.
            run.errors.append(ErrorRecord("gather", run.source.base_url, "источник не вернул ни одной записи"))
            return STATUS_PARTIAL
        return STATUS_OK
