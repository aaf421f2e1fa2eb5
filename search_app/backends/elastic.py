"""Elasticsearch backend: the same protocol and results as the embedded engine.

Reads go through an alias; a rebuild loads a fresh timestamped index and
swaps the alias atomically (see ``rebuild``). Every client failure becomes a
``BackendError`` with a Russian message — never a raw traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import (
    ApiError,
    ConflictError,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)
from elasticsearch import ConnectionTimeout as EsConnectionTimeout

from search_app.analysis.analyzer import Analyzer, get_analyzer
from search_app.backends.base import (
    BackendError,
    BackendHits,
    IndexDoc,
    Progress,
    SearchPlan,
    unchanged,
)
from search_app.backends.es_index import (
    LOADING_SETTINGS,
    VOCAB_FIELDS,
    alias_swap_actions,
    index_body,
    load_definition,
    mapping_version,
    new_index_name,
    owned_indices,
    previous_index,
    serving_settings,
    stale_indices,
    synonyms_set_name,
    to_es_source,
)
from search_app.backends.es_query import parse_facets, search_body, terms_page_body, vocabulary_body
from search_app.backends.es_synonyms import rules_in_service

REQUEST_TIMEOUT = 5.0  # web requests: fail fast, the page shows 503
BATCH_TIMEOUT = 300.0  # bulk loads, index creation, alias swaps
MAX_WINDOW = 10_000  # index.max_result_window: beyond it, walk with search_after
PIT_KEEP_ALIVE = "2m"
BULK_CHUNK = 500
LOCK_ID = "write"
LOCK_POLL_SECONDS = 0.5
LOCK_WAIT_SECONDS = 600.0  # an import waits this long for a running reindex
LOCK_WAIT_REBUILD_SECONDS = 60.0  # a reindex waits this long for an import batch to finish
LOCK_STALE_SECONDS = 6 * 3600  # a lock older than this was left by a killed process
MAX_REPORTED_ERRORS = 5
TERMS_PAGE = 5_000
GENERATION_TTL = 10.0


@dataclass(frozen=True)
class IndexState:
    """What exists for an alias: every owned index, the verified ones, the live one."""

    owned: list[str]
    verified: list[str]
    live: list[str]
    versions: dict[str, int]


class ElasticBackend:
    name = "elasticsearch"
    prepare = staticmethod(unchanged)

    def __init__(
        self,
        url: str,
        alias: str,
        *,
        client: Elasticsearch | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
        batch_timeout: float = BATCH_TIMEOUT,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.alias = alias
        self.lock_index = f"{alias}-lock"
        self.synonyms_set = synonyms_set_name(alias)
        self.definition = load_definition()
        self.client = client or Elasticsearch(url, request_timeout=request_timeout, max_retries=1)
        self.batch = self.client.options(request_timeout=batch_timeout)
        self._analyzer = analyzer
        self._lock = threading.Lock()
        self._generation: tuple[float, tuple[str, int]] | None = None

    # -- errors ----------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Client failures → BackendError (a 503 page, a non-zero CLI exit)."""
        try:
            yield
        except BackendError:
            raise
        except EsConnectionTimeout as exc:
            raise BackendError("Elasticsearch не ответил вовремя; повторите запрос позже.") from exc
        except NotFoundError as exc:
            raise BackendError(
                f"индекс «{self.alias}» не найден в Elasticsearch: выполните `munnav reindex`."
            ) from exc
        except ApiError as exc:
            raise BackendError(_api_error_message(exc)) from exc
        except TransportError as exc:
            raise BackendError(f"нет связи с Elasticsearch ({type(exc).__name__}): {exc.message}") from exc

    # -- reading ---------------------------------------------------------

    def search(self, plan: SearchPlan) -> BackendHits:
        q = plan.query
        with self._errors():
            if q.offset + q.per_page <= MAX_WINDOW:
                resp = self._search(search_body(plan), index=self.alias)
            else:
                resp = self._deep_page(plan)
        hits = [(h["_id"], float(h.get("_score") or 0.0)) for h in resp["hits"]["hits"]]
        facets = parse_facets(resp.get("aggregations", {})) if q.with_facets else {}
        return BackendHits(total=int(resp["hits"]["total"]["value"]), hits=hits, facets=facets)

    def _search(self, body: dict[str, Any], index: str | None = None) -> dict[str, Any]:
        resp = self.client.search(index=index, body=body, allow_partial_search_results=False)
        shards = resp.get("_shards", {})
        if shards.get("failed") or resp.get("timed_out"):
            raise BackendError("кластер Elasticsearch ответил не полностью (часть шардов недоступна).")
        return dict(resp)

    def _deep_page(self, plan: SearchPlan) -> dict[str, Any]:
        """A page beyond MAX_WINDOW: walk to it with ``search_after`` in a point in time."""
        pit = self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE)["id"]
        try:
            cursor: list[Any] | None = None
            remaining = plan.query.offset
            while remaining > 0:
                body = search_body(plan, size=min(remaining, MAX_WINDOW), search_after=cursor, with_facets=False)
                body["track_total_hits"] = False
                body["pit"] = {"id": pit, "keep_alive": PIT_KEEP_ALIVE}
                resp = self._search(body)
                pit = resp.get("pit_id", pit)
                page = resp["hits"]["hits"]
                if not page:
                    break
                cursor = page[-1]["sort"]
                remaining -= len(page)
            body = search_body(plan, search_after=cursor) if cursor is not None else search_body(plan, from_=0)
            body["pit"] = {"id": pit, "keep_alive": PIT_KEEP_ALIVE}
            if remaining > 0:  # fewer hits than the offset: an empty page, total and facets still true
                body["size"] = 0
            return self._search(body)
        finally:
            with contextlib.suppress(ApiError, TransportError):
                self.client.close_point_in_time(id=pit)

    def count(self) -> int:
        with self._errors():
            try:
                return int(self.client.count(index=self.alias)["count"])
            except NotFoundError:
                return 0

    def vocabulary(self, prefix: str, limit: int = 50) -> list[tuple[str, int]]:
        with self._errors():
            resp = self._search(vocabulary_body(prefix, limit), index=self.alias)
        return [(b["key"], int(b["doc_count"])) for b in resp["aggregations"]["vocab"]["buckets"]]

    def terms(self, field: str) -> dict[str, int]:
        """Every term of ``field`` ("forms" or a lemma field) with document counts."""
        if field not in VOCAB_FIELDS:
            raise ValueError(f"no vocabulary kept for field {field!r}")
        out: dict[str, int] = {}
        after: dict[str, Any] | None = None
        with self._errors():
            while True:
                resp = self._search(terms_page_body(field, after, TERMS_PAGE), index=self.alias)
                agg = resp["aggregations"]["vocab"]
                out.update((b["key"]["term"], int(b["doc_count"])) for b in agg["buckets"])
                after = agg.get("after_key")
                if not agg["buckets"] or after is None:
                    return out

    def generation(self) -> tuple[str, int]:
        """The live index and its size: changes on reindex, rollback and imports.

        Looked up at most every GENERATION_TTL seconds (it is asked on every search).
        """
        now = time.monotonic()
        if self._generation is None or now - self._generation[0] > GENERATION_TTL:
            with self._errors():
                try:
                    live = sorted(self.client.indices.get_alias(name=self.alias))
                except NotFoundError:
                    live = []
            self._generation = (now, (live[-1] if live else "", self.count()))
        return self._generation[1]

    # -- writing ---------------------------------------------------------

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Upsert documents through the alias; searchable on return."""
        with self._errors(), self._write_lock(LOCK_WAIT_SECONDS):
            if not self.client.indices.exists_alias(name=self.alias):
                self._build(iter(()), expected=0, progress=None)
            actions = ({"_index": self.alias, "_id": d["id"], "_source": to_es_source(d)} for d in docs)
            return self._bulk(actions, refresh="wait_for")

    def delete(self, ids: Iterable[str]) -> None:
        with self._errors(), self._write_lock(LOCK_WAIT_SECONDS):
            if not self.client.indices.exists_alias(name=self.alias):
                return
            actions = ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids)
            self._bulk(actions, refresh="wait_for")

    def _bulk(self, actions: Iterable[dict[str, Any]], progress: Progress | None = None, **kwargs: Any) -> int:
        """Stream actions; collect every failed item and raise them together."""
        done = 0
        errors: list[str] = []
        for ok, item in helpers.streaming_bulk(
            self.batch, actions, chunk_size=BULK_CHUNK, raise_on_error=False, max_retries=2, **kwargs
        ):
            op, result = next(iter(item.items()))
            if ok or (op == "delete" and result.get("status") == 404):
                done += 1
                if progress is not None:
                    progress(1)
                continue
            errors.append(f"{result.get('_id')}: {_reason(result.get('error'))}")
        if errors:
            shown = "; ".join(errors[:MAX_REPORTED_ERRORS])
            more = f" и ещё {len(errors) - MAX_REPORTED_ERRORS}" if len(errors) > MAX_REPORTED_ERRORS else ""
            raise BackendError(f"Elasticsearch отклонил документов: {len(errors)} ({shown}{more})")
        return done

    # -- rebuild (warehouse style) ----------------------------------------

    def rebuild(self, docs: Iterable[IndexDoc], expected: int, progress: Progress | None = None) -> str:
        """Load a fresh index, verify its count, swap the alias atomically, prune.

        The new index is deleted on any error (the alias never moves), so the
        serving index stays untouched. The previous two indexes are kept.
        """
        with self._errors(), self._write_lock(LOCK_WAIT_REBUILD_SECONDS):
            return self._build(docs, expected, progress)

    def _build(self, docs: Iterable[IndexDoc], expected: int, progress: Progress | None) -> str:
        self.put_synonyms()
        name = new_index_name(self.alias)
        body = index_body(self.definition, self.synonyms_set)
        body["settings"]["index"].update(LOADING_SETTINGS["index"])
        self.batch.indices.create(index=name, **body)
        try:
            actions = ({"_index": name, "_id": d["id"], "_source": to_es_source(d)} for d in docs)
            self._bulk(actions, progress)
            self.batch.indices.put_settings(index=name, settings=serving_settings(self.definition))
            self.batch.indices.refresh(index=name)
            got = int(self.batch.count(index=name)["count"])
            if got != expected:
                raise BackendError(f"проверка не пройдена: в новом индексе {got} документов, в хранилище {expected}")
            health = self.batch.cluster.health(index=name, wait_for_status="yellow", timeout="60s")
            if health.get("status") not in ("green", "yellow"):
                raise BackendError(f"новый индекс не готов (состояние {health.get('status')}).")
            meta = dict(self.definition["mappings"]["_meta"], verified_count=got)
            self.batch.indices.put_mapping(index=name, meta=meta)
            state = self.state()
            self.batch.indices.update_aliases(actions=alias_swap_actions(self.alias, state.live, name))
        except BaseException:
            with contextlib.suppress(ApiError, TransportError):
                self.batch.indices.delete(index=name, ignore_unavailable=True)
            raise
        self._prune(name)
        return name

    def _prune(self, live: str) -> None:
        state = self.state()
        unverified = [n for n in state.owned if n not in state.verified and n != live]
        for stale in [*stale_indices(self.alias, state.verified, live), *unverified]:
            with contextlib.suppress(NotFoundError):
                self.batch.indices.delete(index=stale)

    def state(self) -> IndexState:
        """Owned indexes, which of them finished a verified build, where the alias points."""
        resp = self.batch.indices.get(index=f"{self.alias}-*", ignore_unavailable=True, allow_no_indices=True)
        owned = owned_indices(self.alias, list(resp.keys()))
        versions: dict[str, int] = {}
        verified: list[str] = []
        for name in owned:
            meta = resp[name].get("mappings", {}).get("_meta", {})
            if "verified_count" in meta:
                verified.append(name)
                versions[name] = int(meta.get("version", 0))
        live = sorted(n for n in owned if self.alias in resp[n].get("aliases", {}))
        return IndexState(owned, verified, live, versions)

    def rollback(self) -> str | None:
        """Point the alias back at the previous verified index."""
        with self._errors(), self._write_lock(LOCK_WAIT_REBUILD_SECONDS):
            state = self.state()
            if not state.live:
                return None
            target = previous_index(self.alias, state.verified, state.live[-1])
            if target is None:
                return None
            self.batch.indices.update_aliases(actions=alias_swap_actions(self.alias, state.live, target))
            return target

    def describe_rebuild(self, expected: int) -> list[tuple[str, str]]:
        """What ``rebuild`` would do, as label/value lines (nothing is changed)."""
        with self._errors():
            state = self.state()
            live = state.live[-1] if state.live else None
            would_be = new_index_name(self.alias)
            kept = stale_indices(self.alias, [*state.verified, would_be], would_be)
            version = mapping_version(self.definition)
            return [
                ("движок", f"Elasticsearch, псевдоним «{self.alias}»"),
                ("сейчас обслуживает", f"{live} (версия схемы {state.versions.get(live, '?')})" if live else "нет индекса"),
                ("будет создан", f"{would_be} (версия схемы {version})"),
                ("документов в хранилище", str(expected)),
                ("в текущем индексе", str(self.count()) if live else "0"),
                ("будут удалены", ", ".join(kept) or "ничего"),
                ("синонимов (правил)", str(len(self.synonym_rules()))),
            ]

    # -- synonyms --------------------------------------------------------

    def synonym_rules(self) -> list[dict[str, Any]]:
        return rules_in_service(self._analyzer or get_analyzer())

    def put_synonyms(self) -> int:
        """Upload the lemma-form synonyms set; ES reloads search analyzers itself."""
        rules = self.synonym_rules()
        with self._errors():
            self.batch.synonyms.put_synonym(id=self.synonyms_set, synonyms_set=rules)
        return len(rules)

    # -- the cross-process write lock ------------------------------------

    @contextlib.contextmanager
    def _write_lock(self, wait: float) -> Iterator[None]:
        """One writer per alias across processes: a document created with ``op_type=create``."""
        owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        deadline = time.monotonic() + wait
        with self._lock:
            while True:
                try:
                    self.client.create(
                        index=self.lock_index, id=LOCK_ID, refresh="true",
                        document={"owner": owner, "since": dt.datetime.now(dt.UTC).isoformat()},
                    )
                    break
                except ConflictError:
                    if self._release_if_stale():
                        continue
                    if time.monotonic() >= deadline:
                        raise BackendError("идёт переиндексация или другая запись в индекс; повторите позже.") from None
                    time.sleep(LOCK_POLL_SECONDS)
            try:
                yield
            finally:
                with contextlib.suppress(ApiError, TransportError):
                    self.client.delete(index=self.lock_index, id=LOCK_ID, refresh="true")

    def _release_if_stale(self) -> bool:
        try:
            held = self.client.get(index=self.lock_index, id=LOCK_ID)["_source"]
        except NotFoundError:
            return True
        since = dt.datetime.fromisoformat(held["since"])
        if (dt.datetime.now(dt.UTC) - since).total_seconds() < LOCK_STALE_SECONDS:
            return False
        with contextlib.suppress(NotFoundError):
            self.client.delete(index=self.lock_index, id=LOCK_ID, refresh="true")
        return True

    def close(self) -> None:
        self.client.close()


def _reason(error: object) -> str:
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    return str(error)


def _api_error_message(exc: ApiError) -> str:
    status = exc.meta.status if exc.meta is not None else 0
    if status in (502, 503, 504):
        return f"кластер Elasticsearch не готов (HTTP {status}: {exc.message}); проверьте состояние кластера."
    if status in (401, 403):
        return f"Elasticsearch отказал в доступе (HTTP {status}); проверьте ELASTICSEARCH_URL и права."
    return f"Elasticsearch вернул ошибку HTTP {status}: {exc.message}"
