"""The search engine: store + analyzer + backend → SearchResult.

The engine owns everything shared by backends (analysis, facets shaping,
snippets, status); a backend only translates the plan.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path

from ingest.clock import today
from ingest.document import Document
from ingest.outcome import Outcome
from ingest.store import Store, Stored
from search_app.analysis.analyzer import Analyzer, get_analyzer
from search_app.analysis.query_parser import Clause, ParsedQuery, parse_query, with_common_words
from search_app.analysis.tokenizer import normalize
from search_app.backends.base import BackendHits, SearchBackend, SearchPlan
from search_app.backends.factory import make_backend
from search_app.citations import (
    ActStatuses,
    act_statuses,
    cite_keys,
    cited_numbers,
    lapsed_cites,
    with_derived_status,
)
from search_app.highlight import highlight_all, make_snippet
from search_app.parallel_analysis import index_documents as parallel_index_documents
from search_app.query import (
    FACET_FIELDS,
    FacetValue,
    Hit,
    QueryError,
    SearchQuery,
    SearchResult,
)
from search_app.query_log import QueryLog
from search_app.ranking import COMMON_WORD_SHARE, RELAX_BELOW, TEXT_FIELDS
from search_app.search_recorder import SearchRecorder
from search_app.settings import data_dir as default_data_dir
from search_app.settings import synonyms_check_seconds
from search_app.spelling.layout import switch_layout
from search_app.spelling.speller import Speller, max_edits
from search_app.spelling.vocabulary import Vocabulary
from search_app.synonym_dictionaries import StoreDictionaries

INDEX_BATCH = 1000  # documents per store transaction
# Documents per index writer session (one commit). Each commit leaves a segment and
# facet counting pays per segment; an import cut short is finished by the next
# one (``index_pending``), so a long session loses nothing.
INDEX_COMMIT = 50_000
RELATED_LEMMAS = 24
# Ids per search when matching saved searches against new documents: the 526 sample
# documents in one search took 7–21 ms, in pages of 100 ids 14–29 ms.
AMONG_CHUNK = 1000
WARM_FORMS = 200_000  # surface forms analysed ahead when the index vocabulary is loaded
SUGGEST_COMPLETIONS = 3  # completions of the last word tried (each searched once)


@dataclass
class ImportReport:
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    indexed: int = 0
    conflicts: int = 0  # fields an editor corrected that the records changed (``ingest.overrides``)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome] += 1


class SearchEngine:
    def __init__(
        self, store: Store, backend: SearchBackend, analyzer: Analyzer | None = None,
        synonyms_check: float | None = None, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.backend = backend
        self.analyzer = analyzer or get_analyzer()
        # The analyzer expands with the store's edited dictionaries, checked every ``synonyms_check``
        # seconds (None: ``MUNNAV_SYNONYMS_CHECK_SECONDS``).
        self.dictionaries = StoreDictionaries(store.engine)
        interval = synonyms_check_seconds() if synonyms_check is None else synonyms_check
        self.analyzer.follow(self.dictionaries, interval, clock)
        self._speller: Speller | None = None
        self._vocabulary: tuple[object, Vocabulary] | None = None
        self._recorder: SearchRecorder | None = None
        self._statuses: tuple[object, ActStatuses] | None = None  # acts' statuses as of an index generation

    @classmethod
    def open(
        cls, data_dir: Path | None = None, elasticsearch_url: str | None = None, database_url: str | None = None
    ) -> SearchEngine:
        """The engine of a data dir; the store is ``database_url``, else ``MUNNAV_DATABASE_URL``,
        else SQLite in the data dir."""
        root = data_dir or default_data_dir()
        store = Store(database_url) if database_url else Store.open(root)
        return cls(store, make_backend(root, elasticsearch_url))

    def close(self) -> None:
        if self._recorder is not None:
            self._recorder.close()  # writes what it keeps, stops its flusher thread
        self.analyzer.unfollow(self.dictionaries)
        self.backend.close()
        self.store.close()

    # -- searching -------------------------------------------------------

    def plan(self, query: SearchQuery) -> SearchPlan:
        query = query.validated()
        parsed = parse_query(query.text, self.analyzer)
        if len(parsed.content) > 1:
            vocabulary = self.vocabulary()
            parsed = with_common_words(parsed, lambda lemma: vocabulary.share(lemma) > COMMON_WORD_SHARE)
        return SearchPlan(query=query, parsed=parsed, today=today())

    def search(self, query: SearchQuery) -> SearchResult:
        """Search; a wrong layout or typos are recovered unless ``verbatim``."""
        started = time.perf_counter()
        plan, raw = self._matched(self.plan(query))
        if plan.query.verbatim or not plan.query.text:
            return self._result(plan, raw, started)
        rewrite = self.speller.rewrite(plan.query.text, self.vocabulary())
        if rewrite is None:
            return self._result(plan, raw, started)
        try:
            fixed_plan, fixed = self._matched(self.plan(replace(plan.query, text=rewrite.text)))
        except QueryError:
            return self._result(plan, raw, started)
        if fixed.total == 0:
            return self._result(plan, raw, started)
        # Words unknown to the whole index cannot match: search the recovered query,
        # and offer the original as typed («Искать вместо этого …»).
        result = self._result(fixed_plan, fixed, started)
        return replace(result, query=plan.query, searched_text=rewrite.text)

    def similar(self, query: SearchQuery) -> SearchResult:
        """Documents sharing any of the content words of a free text (a problem
        described in full sentences), best first: likeness, not a match set."""
        started = time.perf_counter()
        plan = self.plan(query)
        # every word but the weak ones counts, frequent or not: any one of them matches
        clauses = tuple(replace(c, common=False) for c in plan.parsed.clauses)
        plan = replace(plan, parsed=replace(plan.parsed, clauses=clauses), relax=len(clauses))
        return self._result(plan, self.backend.search(plan), started)

    def among(self, query: SearchQuery, ids: Iterable[str]) -> list[str]:
        """Those of ``ids`` that ``query`` finds (its words, filters, "open now"), as
        typed: a saved search is matched against new documents without correction."""
        ids = list(dict.fromkeys(ids))
        plan = self.plan(replace(query, page=1, with_facets=False, verbatim=True))
        found: list[str] = []
        for start in range(0, len(ids), AMONG_CHUNK):
            chunk = tuple(ids[start : start + AMONG_CHUNK])
            # One page holds the whole chunk (past the per-page limit of people's queries).
            chunk_plan = replace(plan, query=replace(plan.query, per_page=len(chunk)), only_ids=chunk)
            found += [doc_id for doc_id, _ in self.backend.search(chunk_plan).hits]
        return found

    def _matched(self, plan: SearchPlan) -> tuple[SearchPlan, BackendHits]:
        """The strict match set; while it is smaller than ``RELAX_BELOW``, one
        content word fewer is required (down to any one of them).

        The total is awaited only when the page itself cannot show it is large
        enough: a full first page decides without the counting threads.
        """
        raw = self.backend.search(plan)
        strict_total: int | None = None
        while (
            plan.parsed.can_relax(plan.relax)
            and plan.query.offset + len(raw.hits) < RELAX_BELOW
            and raw.total < RELAX_BELOW
        ):
            strict_total = raw.total if strict_total is None else strict_total
            plan = replace(plan, relax=plan.relax + 1)
            raw = self.backend.search(plan)
        if strict_total is not None:
            raw.notices.append(relaxed_notice(strict_total))
        return plan, raw

    @property
    def speller(self) -> Speller:
        if self._speller is None:
            self._speller = Speller(self.analyzer)
        return self._speller

    def vocabulary(self) -> Vocabulary:
        """The index vocabulary, rebuilt only when the index changed."""
        generation = self.backend.generation()
        if self._vocabulary is None or self._vocabulary[0] != generation:
            lemmas: dict[str, int] = {}
            for name in TEXT_FIELDS:
                for term, df in self.backend.terms(name).items():
                    lemmas[term] = max(df, lemmas.get(term, 0))
            forms = self.backend.terms("forms")
            self._vocabulary = (generation, Vocabulary(forms, lemmas, self.backend.count()))
            # The index's most frequent surface forms, analysed once here, spare
            # pymorphy3 on the request path when snippets are marked.
            self.analyzer.warm(sorted(forms, key=lambda f: -forms[f])[:WARM_FORMS])
        return self._vocabulary[1]

    def _result(self, plan: SearchPlan, raw: BackendHits, started: float) -> SearchResult:
        docs = self.store.get_many(doc_id for doc_id, _ in raw.hits)
        lemmas = plan.parsed.highlight_lemmas()
        outdated = self._outdated({i for i, d in docs.items() if d.kind == "consultation" and d.cites}, docs)
        hits = [self._hit(docs[i], score, lemmas, plan, i in outdated) for i, score in raw.hits if i in docs]
        facets = {name: self._facet(name, raw.facets.get(name, []), plan.query) for name in FACET_FIELDS if name in raw.facets}
        took = (time.perf_counter() - started) * 1000
        return SearchResult(
            query=plan.query, total=raw.total, took_ms=took, hits=hits, facets=facets, today=plan.today,
            notices=list(raw.notices), relaxed=bool(plan.relax),
        )

    def _outdated(self, ids: set[str], docs: dict[str, Document]) -> set[str]:
        """Which consultations among ``ids`` rely on a lapsed act (as the index ranks them)."""
        if not ids:
            return set()
        generation = self.backend.generation()
        if self._statuses is None or self._statuses[0] != generation:
            self._statuses = (generation, self._act_statuses())
        return {i for i in ids if lapsed_cites(docs[i], self._statuses[1])}

    def _hit(self, doc: Document, score: float, lemmas: frozenset[str], plan: SearchPlan, outdated: bool = False) -> Hit:
        lead, body = doc.lead, doc.main_text
        text = lead or body
        snippet = make_snippet(text, self.analyzer, lemmas) if lemmas else make_snippet(text, self.analyzer, frozenset())
        if lemmas and "<mark>" not in snippet and body and lead:
            body_snippet = make_snippet(body, self.analyzer, lemmas)
            if "<mark>" in body_snippet:
                snippet = body_snippet
        finished = outdated or doc.is_finished(plan.today)
        days_left = (doc.deadline - plan.today).days if doc.deadline and not finished else None
        return Hit(
            document=doc,
            score=score,
            snippet=snippet,
            title_html=highlight_all(doc.title, self.analyzer, lemmas),
            finished=finished,
            days_left=days_left,
        )

    @staticmethod
    def _facet(name: str, buckets: list[tuple[str, int]], query: SearchQuery) -> list[FacetValue]:
        selected = set(query.selected(name))
        values = [FacetValue(v, c, v in selected) for v, c in buckets]
        seen = {v.value for v in values}
        values += [FacetValue(v, 0, True) for v in query.selected(name) if v not in seen]
        if name == "year":
            return sorted(values, key=lambda v: v.value, reverse=True)
        return sorted(values, key=lambda v: (-v.count, v.value))

    @property
    def recorder(self) -> SearchRecorder:
        """The logs of what people search for (analytics and autocomplete), opened on first use."""
        if self._recorder is None:
            self._recorder = SearchRecorder(self.store.engine)
        return self._recorder

    @property
    def query_log(self) -> QueryLog:
        return self.recorder.query_log

    def record_query(self, text: str, total: int, client: str = "") -> None:
        """Remember a query a person ran (feeds «popular queries» in autocomplete)."""
        self.query_log.record(text, total, client)

    def flush_logs(self) -> None:
        """Write what the logs keep in memory (a worker exiting calls this)."""
        if self._recorder is not None:
            self._recorder.flush()

    def suggest(self, prefix: str, limit: int = 8) -> list[dict[str, str]]:
        """Completions for what is being typed: acts by number, popular queries,
        the last word completed, then titles — each only if it finds something.

        The last, unfinished word is completed from the index's word forms (a
        typo in it tolerated); a prefix typed on the wrong keyboard layout is
        completed as retyped. A finished word is searched as it is.
        """
        text = normalize(" ".join(prefix.split()))
        if not text or len(text) > 100:
            return []
        items = self._suggest(text, limit)
        switched = switch_layout(text) if not items else None
        return self._suggest(switched, limit) if switched else items

    def _suggest(self, text: str, limit: int) -> list[dict[str, str]]:
        vocabulary = self.vocabulary()
        words = text.split()
        items = self._act_suggestions(words[-1], vocabulary)
        items += [{"text": q, "kind": "query", "id": ""} for q in self.recorder.popular(text, max(1, limit // 2))]
        # A real word that finds nothing is still being typed as well («кон» on the way to «конкурс»).
        finished = not self._unfinished(words[-1])
        titles = self._titles(text, limit) if finished else []
        if not titles and words[-1].isalpha():
            for word in self._completions(words[-1], vocabulary):
                candidate = " ".join([*words[:-1], word])
                if candidate != text and self._titles(candidate, 1):
                    items.append({"text": candidate, "kind": "query", "id": ""})
                    titles = self._titles(candidate, limit)
                    break
            else:
                titles = titles if finished else self._titles(text, limit)
        items += titles
        unique: dict[tuple[str, str], dict[str, str]] = {}
        for item in items:
            unique.setdefault((item["text"], item["id"]), item)
        return list(unique.values())[:limit]

    def _unfinished(self, word: str) -> bool:
        """Whether the last word is still being typed: not a real word (a stop word
        such as «про» may begin «проектов»)."""
        if not word.isalpha():
            return False
        _, stop = self.analyzer.token_lemma(word)
        return stop or not self.analyzer.is_dictionary_word(word)

    @staticmethod
    def _completions(word: str, vocabulary: Vocabulary) -> list[str]:
        exact = vocabulary.complete(word, SUGGEST_COMPLETIONS)
        return exact or vocabulary.complete_fuzzy(word, max_edits(word), SUGGEST_COMPLETIONS)

    def _act_suggestions(self, word: str, vocabulary: Vocabulary) -> list[dict[str, str]]:
        """«131» → the act 131-ФЗ: act numbers in the index that begin with the digits."""
        digits = word.split("-")[0]
        if not digits.isdigit():
            return []
        out: list[dict[str, str]] = []
        for number in vocabulary.complete_lemma(f"{digits}-", SUGGEST_COMPLETIONS):
            if not number.startswith(word):
                continue
            out += [item for item in self._titles(number, 1) if item["kind"] == "legal_act"]
        return out

    def _titles(self, text: str, limit: int) -> list[dict[str, str]]:
        """The titles ``text`` finds, searched as typed (strict, no correction)."""
        try:
            plan = self.plan(SearchQuery(text=text, per_page=limit, with_facets=False))
        except QueryError:
            return []
        ids = [i for i, _ in self.backend.search(plan).hits]
        docs = self.store.get_many(ids)
        return [{"text": docs[i].title, "kind": docs[i].kind, "id": i} for i in ids if i in docs]

    def get(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id)

    def related(self, doc_id: str, limit: int = 6) -> list[Document]:
        """Documents sharing lemmas, topics and references with ``doc_id``."""
        doc = self.store.get(doc_id)
        if doc is None:
            return []
        lemmas = list(dict.fromkeys(self.analyzer.lemmas(f"{doc.title} {doc.summary}")))[:RELATED_LEMMAS]
        explicit = [r for r in doc.refs if r != doc_id]
        ids: list[str] = list(explicit)
        if lemmas:
            parsed = ParsedQuery(text=doc.title, clauses=tuple(Clause((lemma,)) for lemma in lemmas))
            query = SearchQuery(per_page=limit + len(explicit), with_facets=False)
            plan = SearchPlan(query, parsed, today(), exclude_ids=(doc_id,), boost_topics=doc.topics, relax=len(parsed.clauses))
            ids += [i for i, _ in self.backend.search(plan).hits if i not in ids]
        found = self.store.get_many(ids)
        return [found[i] for i in ids if i in found][: max(limit, len(explicit))]

    # -- writing ---------------------------------------------------------

    def import_documents(
        self, docs: Iterable[Document], source: str = "", on_wait: Callable[[], None] | None = None
    ) -> ImportReport:
        """Store each document; index only the new and changed ones.

        Documents are stored a chunk (one transaction) at a time and streamed
        into the index; the index commits once per ``INDEX_COMMIT`` documents.
        The whole import holds the reindex/import lock: started during a
        reindex (on any host sharing the database), it waits for it
        (``on_wait`` is called then).
        """
        report = ImportReport()
        with self.store.writer_lock(on_wait):
            report.indexed += self.finish_pending()
            report.indexed += self.index_documents(self._store_changed(_chunks(docs, INDEX_BATCH), source, report))
        return report

    def _store_changed(self, chunks: Iterable[list[Document]], source: str, report: ImportReport) -> Iterator[Document]:
        """Store each chunk; yield the documents whose published content is new or changed."""
        for chunk in chunks:
            for stored in self.store.receive_many(chunk, source=source):
                report.add(stored.outcome)
                report.conflicts += len(stored.raised)
                if stored.to_index:
                    yield stored.document

    def publish(self, write: Callable[[], Stored | None]) -> Stored | None:
        """One change to the store (``write``: an editor's correction, a restore…), and the
        index brought up to it, under the reindex/import lock."""
        with self.store.writer_lock():
            stored = write()
            if stored is not None and stored.to_index:
                self.index_documents([stored.document])
        return stored

    def index_documents(self, docs: Iterable[Document]) -> int:
        """Index ``docs``, one commit per ``INDEX_COMMIT``; once the index has
        committed documents they are no longer pending.

        One analysis stream feeds every commit: while the index writes one
        (1.3 s per 50k documents), the analysis workers go on with the chunks
        already handed to them instead of waiting for the next batch.
        """
        ids: deque[str] = deque()  # analysed ahead of the index, in order
        acts: set[str] = set()  # numbers of acts whose change may outdate the consultations citing them
        indexed_as: dict[str, str] = {}  # consultation id → the status it went to the index with

        def noted() -> Iterator[Document]:
            for doc in docs:
                ids.append(doc.id)
                if doc.kind == "legal_act":
                    acts.update(cited_numbers((doc,)))
                yield doc

        total = 0
        with self.analyzer.pinned():
            prepared = parallel_index_documents(
                self._with_citations(noted(), indexed_as), self.analyzer, finish=self.backend.prepare
            )
            while (first := next(prepared, None)) is not None:
                n = self.backend.index(chain([first], islice(prepared, INDEX_COMMIT - 1)))
                self.store.clear_pending([ids.popleft() for _ in range(n)])
                total += n
        if acts:
            self._reindex_citing(acts, indexed_as)
        return total

    def _with_citations(self, docs: Iterable[Document], indexed_as: dict[str, str] | None = None) -> Iterator[Document]:
        """Consultations relying on an act no longer in force go to the index as
        outdated; the statuses of the acts are read once, at the first consultation."""
        statuses: ActStatuses | None = None
        for doc in docs:
            if doc.kind == "consultation" and doc.cites:
                if statuses is None:
                    statuses = self._act_statuses()
                doc = with_derived_status(doc, statuses)
                if indexed_as is not None:
                    indexed_as[doc.id] = doc.status
            yield doc

    def _act_statuses(self) -> ActStatuses:
        return act_statuses(data for _, data in self.store.iter_records("legal_act"))

    def _reindex_citing(self, numbers: set[str], indexed_as: dict[str, str]) -> None:
        """After acts were (re)indexed: index again the consultations citing them
        whose outdated status may have changed (those indexed in the same stream
        only when it did: they may have been read before the acts were stored)."""
        statuses = self._act_statuses()
        stale = []
        for doc in (Document.from_stored(data) for _, data in self.store.iter_records("consultation")):
            if doc.id in indexed_as:
                if with_derived_status(doc, statuses).status != indexed_as[doc.id]:
                    stale.append(doc)
            elif numbers.intersection(cite_keys(doc.cites)):
                stale.append(doc)
        if stale:
            self.index_documents(stale)

    def finish_pending(self) -> int:
        """Index the documents an earlier import stored but did not get to index."""
        with self.store.writer_lock():
            ids = self.store.pending_ids()
            if not ids:
                return 0
            docs = self.store.get_many(ids)
            self.store.clear_pending(i for i in ids if i not in docs)  # withdrawn meanwhile: nothing to index
            return self.index_documents(docs[i] for i in ids if i in docs)

    def remove_from_index(self, ids: Iterable[str]) -> None:
        """Drop documents from the index (withdrawn ones stay in the store)."""
        self.backend.delete(list(ids))

    def reindex(
        self, progress: Callable[[int], None] | None = None, on_wait: Callable[[], None] | None = None
    ) -> str:
        """Rebuild the whole index from the store and switch to it atomically.

        Holds the reindex/import lock (an import running on any host is waited
        for: ``on_wait`` is called then), and counts and reads the store in one
        snapshot, so a crawl writing meanwhile cannot make the count disagree;
        what it writes stays pending and is indexed into the new index.
        """
        with self.store.writer_lock(on_wait), self.analyzer.pinned():
            with self.store.snapshot() as snapshot:
                pending = snapshot.pending_ids()  # stored before the snapshot: in the rebuilt index
                expected = snapshot.count()
                docs = parallel_index_documents(
                    self._with_citations(snapshot.iter_documents()), self.analyzer, finish=self.backend.prepare
                )
                name = self.backend.rebuild(docs, expected, progress)
            self.store.clear_pending(pending)
        return name


def relaxed_notice(strict_total: int) -> str:
    """What the page says when the match set was widened to any of the words."""
    if not strict_total:
        return "Точных совпадений нет — показаны документы, содержащие часть слов."
    return f"Точных совпадений мало ({strict_total}) — показаны также документы, содержащие часть слов."


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def with_text(query: SearchQuery, text: str) -> SearchQuery:
    return replace(query, text=text)
