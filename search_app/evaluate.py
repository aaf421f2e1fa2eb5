"""Relevance evaluation on a FORMAT.md corpus with graded judgements.

nDCG@10 uses linear gains (grade / log2(rank + 1)); Recall@10 and MRR count
grade >= 2 as relevant. The index is built in a throwaway directory.

Besides the top ten, the whole matched set is measured: what the total, the
facet counts, the export and the date sorts are computed over. Per query: its
size, the relevant documents (grade >= 2, as for Recall@10) inside it and its
precision; overall, the median of size ÷ relevant documents (``median_ratio``)
and the share of all relevant documents inside the sets (``recall_all``).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.jsonl import LineError, read_documents
from ingest.store import Store
from search_app.analysis.query_parser import parse_query
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from search_app.query import FILTER_FIELDS, MAX_PAGE, MAX_PER_PAGE, QueryError, SearchQuery

K = 10
RELEVANT_GRADE = 2
RETRIEVE = 100
POST_FILTER_PAGES = 20


class EvaluationError(ValueError):
    """The corpus or the judgements cannot be read."""


@dataclass(frozen=True)
class Judgement:
    qid: str
    query: str
    filters: dict[str, tuple[str, ...]]
    relevant: dict[str, int]


@dataclass
class QueryScore:
    qid: str
    query: str
    ndcg: float
    recall: float
    rr: float
    category: str = "clean"
    top: list[str] = field(default_factory=list)
    error: str | None = None
    matched: int = 0  # documents in the whole matched set
    judged: int = 0  # relevant documents (grade >= 2)
    judged_matched: int = 0  # relevant documents inside the matched set

    @property
    def set_recall(self) -> float:
        return self.judged_matched / self.judged if self.judged else 0.0

    @property
    def set_precision(self) -> float:
        return self.judged_matched / self.matched if self.matched else 0.0

    @property
    def set_ratio(self) -> float:
        """Matched set size ÷ relevant documents (1.0 would be a perfect set)."""
        return self.matched / self.judged if self.judged else 0.0


@dataclass
class Report:
    scores: list[QueryScore]

    def mean(self, attr: str, scores: list[QueryScore] | None = None) -> float:
        rows = self.scores if scores is None else scores
        return sum(getattr(s, attr) for s in rows) / len(rows) if rows else 0.0

    def by_category(self) -> dict[str, list[QueryScore]]:
        groups: dict[str, list[QueryScore]] = {}
        for s in self.scores:
            groups.setdefault(s.category, []).append(s)
        return groups

    def median_ratio(self) -> float:
        ratios = [s.set_ratio for s in self.scores if s.judged and s.error is None]
        return statistics.median(ratios) if ratios else 0.0

    def recall_all(self) -> float:
        """Relevant documents inside the matched sets ÷ all relevant documents."""
        judged = sum(s.judged for s in self.scores)
        return sum(s.judged_matched for s in self.scores) / judged if judged else 0.0

    def summary_line(self) -> str:
        return (
            f"nDCG@10={self.mean('ndcg'):.3f} Recall@10={self.mean('recall'):.3f} MRR={self.mean('rr'):.3f}"
            f" median_ratio={self.median_ratio():.2f} recall_all={self.recall_all():.3f}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "queries": len(self.scores),
            "ndcg@10": round(self.mean("ndcg"), 4),
            "recall@10": round(self.mean("recall"), 4),
            "mrr": round(self.mean("rr"), 4),
            "median_ratio": round(self.median_ratio(), 4),
            "recall_all": round(self.recall_all(), 4),
            "categories": {
                name: {"queries": len(rows), "ndcg@10": round(self.mean("ndcg", rows), 4)}
                for name, rows in self.by_category().items()
            },
            "per_query": [
                {"qid": s.qid, "query": s.query, "category": s.category, "ndcg@10": round(s.ndcg, 4),
                 "recall@10": round(s.recall, 4), "rr": round(s.rr, 4), "top": s.top, "error": s.error,
                 "matched": s.matched, "judged": s.judged, "judged_matched": s.judged_matched,
                 "set_precision": round(s.set_precision, 4)}
                for s in self.scores
            ],
        }


def load_judgements(path: Path) -> list[Judgement]:
    out: list[Judgement] = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                filters = {k: tuple(v) if isinstance(v, list) else (str(v),) for k, v in (raw.get("filters") or {}).items()}
                out.append(Judgement(str(raw["qid"]), str(raw["query"]), filters,
                                     {str(k): int(v) for k, v in raw["relevant"].items()}))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                if isinstance(exc, EvaluationError):
                    raise
                raise EvaluationError(f"{path}:{n}: некорректная строка оценок ({exc})") from exc
    return out


def ndcg_at_k(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum(grades.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {d for d, g in grades.items() if g >= RELEVANT_GRADE}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for i, doc in enumerate(ranked):
        if grades.get(doc, 0) >= RELEVANT_GRADE:
            return 1.0 / (i + 1)
    return 0.0


Categorizer = Callable[[SearchEngine, str], str]


def query_category(engine: SearchEngine, text: str) -> str:
    """What kind of query this is: layout, typo, act_number or clean."""
    vocab = engine.vocabulary()
    if engine.speller.layout(text, vocab):
        return "layout"
    if engine.speller.typos(text, vocab):
        return "typo"
    try:
        if parse_query(text, engine.analyzer).act_numbers:
            return "act_number"
    except QueryError:
        return "invalid"
    return "clean"


def evaluate(corpus: Path, queries: Path, categorize: Categorizer | None = query_category) -> Report:
    judgements = load_judgements(queries)
    docs = []
    for item in read_documents(corpus):
        if isinstance(item, LineError):
            # A bad line is reported and left out; the rest of the corpus is still scored.
            print(f"пропущено: {item}", file=sys.stderr)
            if item.line == 0:
                raise EvaluationError(str(item))
            continue
        docs.append(item)
    with tempfile.TemporaryDirectory(prefix="munnav-eval-") as tmp:
        root = Path(tmp)
        engine = SearchEngine(Store(root / "store.sqlite3"), EmbeddedBackend(root / "index"))
        try:
            engine.import_documents(docs)
            return Report([_score(engine, j, categorize) for j in judgements])
        finally:
            engine.close()


def _score(engine: SearchEngine, j: Judgement, categorize: Categorizer | None) -> QueryScore:
    category = categorize(engine, j.query) if categorize else "clean"
    facets = {k: v for k, v in j.filters.items() if k in FILTER_FIELDS}
    others = {k: set(v) for k, v in j.filters.items() if k not in FILTER_FIELDS}
    relevant = {d for d, g in j.relevant.items() if g >= RELEVANT_GRADE}
    judged = len(relevant)
    query = SearchQuery(text=j.query, filters=facets, per_page=RETRIEVE, with_facets=False)
    try:
        ranked = _ranked_ids(engine, query, others)
        matched = _matched_ids(engine, query, others)
    except QueryError as exc:
        return QueryScore(j.qid, j.query, 0.0, 0.0, 0.0, category, error=str(exc), judged=judged)
    return QueryScore(
        j.qid, j.query, ndcg_at_k(ranked, j.relevant), recall_at_k(ranked, j.relevant),
        reciprocal_rank(ranked, j.relevant), category, top=ranked[:K],
        matched=len(matched), judged=judged, judged_matched=len(matched & relevant),
    )


def _matched_ids(engine: SearchEngine, query: SearchQuery, others: dict[str, set[str]]) -> set[str]:
    """Every document of the matched set (the list a user would page through)."""
    found: set[str] = set()
    page = 1
    while True:
        result = engine.search(replace(query, page=page, per_page=MAX_PER_PAGE, sort="newest"))
        found.update(h.id for h in result.hits if not others or _passes(h.document.to_dict(), others))
        if page >= min(result.pages, MAX_PAGE):
            return found
        page += 1


def _ranked_ids(engine: SearchEngine, query: SearchQuery, others: dict[str, set[str]]) -> list[str]:
    """Ranked ids; filters on fields that are not facets are applied to the documents."""
    if not others:
        return [h.id for h in engine.search(query).hits]
    ranked: list[str] = []
    for page in range(1, POST_FILTER_PAGES + 1):
        result = engine.search(replace(query, page=page))
        ranked += [h.id for h in result.hits if _passes(h.document.to_dict(), others)]
        if len(ranked) >= RETRIEVE or page >= result.pages:
            break
    return ranked[:RETRIEVE]


def _passes(doc: dict[str, Any], filters: dict[str, set[str]]) -> bool:
    for name, wanted in filters.items():
        value = doc.get(name)
        values = {str(v) for v in value} if isinstance(value, list) else {str(value)} if value is not None else set()
        if not values & wanted:
            return False
    return True


def format_table(report: Report) -> str:
    lines = [f"{'qid':<8} {'nDCG@10':>7} {'R@10':>5} {'RR':>5} {'найдено':>7} {'релев.':>7} {'в нём':>5} {'точн.':>5}  запрос"]
    for s in report.scores:
        note = f"  [{s.error}]" if s.error else ""
        lines.append(
            f"{s.qid:<8} {s.ndcg:7.3f} {s.recall:5.2f} {s.rr:5.2f} {s.matched:7d} {s.judged:7d} {s.judged_matched:5d}"
            f" {s.set_precision:5.2f}  {s.query}{note}"
        )
    groups = report.by_category()
    if len(groups) > 1:
        lines.append("")
        for name, rows in sorted(groups.items()):
            lines.append(f"категория {name}: запросов {len(rows)}, nDCG@10={report.mean('ndcg', rows):.3f}")
    return "\n".join(lines)
