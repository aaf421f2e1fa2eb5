"""The benchmark report: percentiles per class, ratios, text and JSON renderings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from search_app.bench.queries import CLASS_LABELS, CLASSES
from search_app.bench.runners import IngestResult, QueryTiming

TARGETS: dict[str, float] = {
    "index_docs_per_s": 3000.0,
    "ratio": 2.0,
    "p95_ms_100k": 10.0,
    "p95_ms_1m": 30.0,
    "web_rps": 300.0,
    "web_p95_ms": 25.0,
}


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (``p`` in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class Latency:
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Latency:
        return cls(
            len(values), round(percentile(values, 50), 3), round(percentile(values, 95), 3),
            round(percentile(values, 99), 3), round(max(values, default=0.0), 3),
        )


@dataclass(frozen=True)
class ClassReport:
    name: str
    label: str
    product: Latency
    raw: Latency
    ratio_p95: float
    # The raw search plus tantivy's terms aggregations of the facet fields: how
    # far the product is from the engine doing its share of the facet work.
    raw_facets: Latency
    ratio_facets_p95: float
    mean_total: float  # average hit count: shows what the class really asks for
    examples: list[str]


@dataclass(frozen=True)
class WebEndpoint:
    path: str
    requests: int
    errors: int
    seconds: float
    rps: float
    latency: Latency
    clients: int
    error_kinds: dict[str, int] = field(default_factory=dict)  # HTTP status or exception → count


@dataclass(frozen=True)
class StoreRun:
    """The same corpus with the store in one database: ingest speed and search p95."""

    database: str
    docs_per_s: float
    p95_ms: float

    @classmethod
    def of(cls, database: str, report: BenchReport) -> StoreRun:
        return cls(database, round(report.ingest.docs_per_s, 1), report.p95_ms)


@dataclass
class BenchReport:
    docs: int
    queries: int
    ingest: IngestResult
    classes: list[ClassReport]
    load: dict[str, Any] = field(default_factory=dict)  # load average at start and end
    web: list[WebEndpoint] = field(default_factory=list)
    web_error: str | None = None
    notes: list[str] = field(default_factory=list)
    stores: list[StoreRun] = field(default_factory=list)  # SQLite, then --database-url

    @property
    def p95_ms(self) -> float:
        """The worst class's p95 (every class must meet the target)."""
        return max((c.product.p95_ms for c in self.classes), default=0.0)

    @property
    def raw_p95_ms(self) -> float:
        return max((c.raw.p95_ms for c in self.classes), default=0.0)

    @property
    def ratio(self) -> float:
        """The worst class's product/raw p95 ratio."""
        return max((c.ratio_p95 for c in self.classes), default=0.0)

    @property
    def web_rps(self) -> float | None:
        return self.web[0].rps if self.web else None

    def summary_line(self) -> str:
        web = f"{self.web_rps:.0f}" if self.web_rps is not None else "-"
        line = (
            f"docs={self.docs} index_docs_per_s={self.ingest.docs_per_s:.0f} p95_ms={self.p95_ms:.2f} "
            f"raw_p95_ms={self.raw_p95_ms:.2f} ratio={self.ratio:.2f} web_rps={web}"
        )
        for store in self.stores[1:]:
            name = store.database.lower()
            line += f" {name}_docs_per_s={store.docs_per_s:.0f} {name}_p95_ms={store.p95_ms:.2f}"
        return line

    def to_dict(self) -> dict[str, Any]:
        ingest = asdict(self.ingest)
        ingest["docs_per_s"] = round(self.ingest.docs_per_s, 1)
        return {
            "docs": self.docs,
            "queries": self.queries,
            "ingest": ingest,
            "classes": {c.name: asdict(c) for c in self.classes},
            "web": {w.path: asdict(w) for w in self.web},
            "web_error": self.web_error,
            "load": self.load,
            "targets": TARGETS,
            "notes": self.notes,
            "stores": [asdict(s) for s in self.stores],
            "summary": {
                "p95_ms": self.p95_ms, "raw_p95_ms": self.raw_p95_ms, "ratio": self.ratio,
                "index_docs_per_s": round(self.ingest.docs_per_s, 1), "web_rps": self.web_rps,
            },
        }


def class_reports(timings: Sequence[QueryTiming]) -> list[ClassReport]:
    out: list[ClassReport] = []
    for name in CLASSES:
        mine = [t for t in timings if t.query.cls == name]
        product = Latency.of([t.product_ms for t in mine])
        raw = Latency.of([t.raw_ms for t in mine])
        raw_facets = Latency.of([t.raw_facets_ms for t in mine])
        examples = list(dict.fromkeys(_describe(t) for t in mine))[:3]
        out.append(ClassReport(
            name=name, label=CLASS_LABELS[name], product=product, raw=raw,
            ratio_p95=_ratio(product.p95_ms, raw.p95_ms),
            raw_facets=raw_facets, ratio_facets_p95=_ratio(product.p95_ms, raw_facets.p95_ms),
            mean_total=round(sum(t.product_total for t in mine) / len(mine), 1) if mine else 0.0,
            examples=examples,
        ))
    return out


def _ratio(product_ms: float, raw_ms: float) -> float:
    return round(product_ms / raw_ms, 2) if raw_ms else 0.0


def _describe(t: QueryTiming) -> str:
    filters = " ".join(f"{k}={'|'.join(v)}" for k, v in t.query.filters.items())
    return f"{t.query.text} [{filters}]" if filters else t.query.text


def render_text(report: BenchReport) -> str:
    ing = report.ingest
    lines = [
        f"Документов: {report.docs}; запросов: {report.queries}; нагрузка (loadavg): {report.load}",
        f"Загрузка (хранилище + анализ + индексация + сброс на диск): {ing.docs_per_s:.0f} док/с "
        f"({ing.seconds:.1f} с; генерация корпуса ещё {ing.generate_seconds:.1f} с, не учтена)",
        f"Память: до загрузки {ing.rss_before_mb:.0f} МБ, пик процесса {ing.peak_rss_mb:.0f} МБ; "
        f"индекс {ing.index_bytes / 2**20:.1f} МБ, хранилище {ing.store_bytes / 2**20:.1f} МБ",
        "",
        f"{'класс':<42} {'p50':>8} {'p95':>8} {'p99':>8} | {'raw p50':>8} {'raw p95':>8} {'raw p99':>8} | "
        f"{'p95/raw':>7} | {'raw+ф p95':>9} {'p95/(raw+ф)':>11} | {'найдено':>9}",
    ]
    for c in report.classes:
        p, r = c.product, c.raw
        lines.append(
            f"{c.label:<42} {p.p50_ms:>8.2f} {p.p95_ms:>8.2f} {p.p99_ms:>8.2f} | {r.p50_ms:>8.2f} {r.p95_ms:>8.2f} "
            f"{r.p99_ms:>8.2f} | {c.ratio_p95:>7.2f} | {c.raw_facets.p95_ms:>9.2f} {c.ratio_facets_p95:>11.2f} | "
            f"{c.mean_total:>9.0f}"
        )
    lines.append(
        "raw+ф — тот же «голый» запрос плюс агрегации tantivy по полям фасетов (как они проиндексированы, "
        "без дизъюнктивных счётчиков и оформления)"
    )
    for w in report.web:
        lines.append(
            f"Веб {w.path}: {w.rps:.0f} запр/с, p50 {w.latency.p50_ms:.1f} мс, p95 {w.latency.p95_ms:.1f} мс "
            f"({w.requests} запросов, {w.clients} клиентов, ошибок {w.errors} {w.error_kinds or ''})"
        )
    if len(report.stores) > 1:
        base = report.stores[0]
        lines += ["", f"{'хранилище':<12} {'загрузка, док/с':>16} {'поиск p95, мс':>14} {'p95 к SQLite':>13}"]
        for store in report.stores:
            ratio = store.p95_ms / base.p95_ms if base.p95_ms else 0.0
            lines.append(f"{store.database:<12} {store.docs_per_s:>16.0f} {store.p95_ms:>14.2f} {ratio:>13.2f}")
    lines.extend(f"Примечание: {n}" for n in report.notes)
    return "\n".join(lines)
