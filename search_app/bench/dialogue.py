"""``munnav bench --dialogue``: the problem field over a million searches and 100 000 reports.

Fills a temporary data dir (or the database of ``MUNNAV_DATABASE_URL``, which
must be empty) with synthetic search events and reports, rolls the events up
once (as ``munnav dialogue rollup`` from cron would), then times /dialogue and
its CSV in process over several filter sets. The index holds the sample
corpus: the supply side of the page needs one.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ingest.document import Document
from ingest.jsonl import read_documents
from search_app.bench.report import Latency
from search_app.dialogue import report_rollups, rollups
from search_app.dialogue.clustering import report_terms
from search_app.dialogue.districts import districts
from search_app.dialogue.problems import SEPARATOR, monday, region_counts, title_of
from search_app.dialogue.search_log import minute_of
from search_app.dialogue.tables import problem_regions, problems, reports, search_events
from search_app.dialogue.topics import load_topics, topic_suggester
from search_app.settings import setting

BATCH = 20_000
DAYS = 365
REGION_SHARE = 0.3  # searches with a region filter
PREFIXES = ("", "субсидия на", "грант", "как", "порядок", "закон о", "программа", "конкурс", "нормативы", "проблема")
MUNICIPALITIES_PER_REGION = 25
PROBLEMS = 3000
REQUESTS = 20  # per page, filter set and state (cold, warm)


@dataclass
class DialogueBench:
    events: int
    reports: int
    database: str = ""
    fill_s: float = 0.0
    rollup_s: float = 0.0
    pages: dict[str, Latency] = field(default_factory=dict)

    @property
    def p95_ms(self) -> float:
        """The worst p95 of the pages computed afresh (a report changed, searches rolled up, first view)."""
        return max((lat.p95_ms for name, lat in self.pages.items() if not name.endswith("[повтор]")), default=0.0)

    @property
    def warm_p95_ms(self) -> float:
        return max((lat.p95_ms for name, lat in self.pages.items() if name.endswith("[повтор]")), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in asdict(self).items() if k != "pages"},
                "pages": {k: asdict(v) for k, v in self.pages.items()}, "p95_ms": self.p95_ms,
                "warm_p95_ms": self.warm_p95_ms}

    def render(self) -> str:
        lines = [f"Муниципальный диалог: {self.events:,} событий поиска, {self.reports:,} обращений ({self.database})"
                 .replace(",", " "),
                 f"заполнение: {self.fill_s:.1f} с; суточные сводки из всех событий: {self.rollup_s:.1f} с",
                 f"{'страница':<58} {'n':>4} {'p50, мс':>8} {'p95, мс':>8} {'макс.':>8}"]
        for name, lat in self.pages.items():
            lines.append(f"{name:<58} {lat.count:>4} {lat.p50_ms:>8.1f} {lat.p95_ms:>8.1f} {lat.max_ms:>8.1f}")
        return "\n".join(lines)

    def summary_line(self) -> str:
        return (f"dialogue_events={self.events} dialogue_reports={self.reports} rollup_s={self.rollup_s:.1f} "
                f"dialogue_p95_ms={self.p95_ms:.1f} dialogue_warm_p95_ms={self.warm_p95_ms:.1f}")


def _queries(rng: random.Random) -> list[tuple[str, str]]:
    """(query, topic) pairs: topic terms with the words officials put before them."""
    suggester = topic_suggester()
    out = []
    for topic in load_topics():
        for term in (topic.name, *topic.terms):
            for prefix in PREFIXES:
                text = f"{prefix} {term}".strip().lower()
                out.append((text, suggester.suggest(text) or ""))
    rng.shuffle(out)
    return out


def fill_events(engine: Engine, n: int, today: dt.date, rng: random.Random) -> None:
    queries = _queries(rng)
    weights = [1 / (i + 1) for i in range(len(queries))]  # a few queries are asked a lot (Zipf)
    regions = [r for rs in districts().values() for r in rs]
    start = dt.datetime.combine(today - dt.timedelta(days=DAYS - 1), dt.time(), tzinfo=dt.UTC)
    for offset in range(0, n, BATCH):
        size = min(BATCH, n - offset)
        picked = rng.choices(queries, weights, k=size)
        rows = []
        for query, topic in picked:
            results = 0 if rng.random() < 0.08 else rng.randint(1, 300)
            rows.append({
                "minute": minute_of(start + dt.timedelta(seconds=rng.randrange(DAYS * 86_400))),
                "query": query, "corrected": "", "facets": "", "topic": topic,
                "region": rng.choice(regions) if rng.random() < REGION_SHARE else "",
                "searches": 1 if rng.random() < 0.9 else rng.randint(2, 5), "results": results,
                "clicked": "", "clicks": 1 if results and rng.random() < 0.4 else 0,
            })
        with engine.begin() as conn:
            conn.execute(search_events.insert(), rows)


def fill_reports(engine: Engine, n: int, today: dt.date, rng: random.Random) -> None:
    """Reports spread over ``PROBLEMS`` problems (a few large, most small), 90 % published."""
    from search_app.analysis.analyzer import get_analyzer

    analyzer = get_analyzer()
    topics = load_topics()
    places = [(f"Муниципалитет {i} ({region})", region) for rs in districts().values() for region in rs
              for i in range(MUNICIPALITIES_PER_REGION)]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    plan = []
    for pid in range(1, PROBLEMS + 1):
        topic = rng.choice(topics)
        text = f"{rng.choice(topic.terms or (topic.name,)).capitalize()}: проблема № {pid} требует решения"
        plan.append((pid, topic.name, text, "|".join(sorted(report_terms(text, analyzer)))))
    weights = [1 / (i + 1) ** 0.8 for i in range(PROBLEMS)]
    members: dict[int, list[tuple[str, str]]] = {pid: [] for pid, *_ in plan}
    days: dict[int, list[str]] = {pid: [] for pid in members}
    published: dict[int, int] = dict.fromkeys(members, 0)
    rows = []
    for number in range(n):
        pid, topic, text, terms = rng.choices(plan, weights)[0]
        municipality, region = rng.choice(places)
        roll = rng.random()
        status = "published" if roll < 0.9 else "pending" if roll < 0.98 else "deflected"
        day = today - dt.timedelta(days=rng.randrange(DAYS))
        if status == "published":
            members[pid].append((region, municipality))
            days[pid].append(day.isoformat())
            published[pid] += 1
        rows.append({"problem_id": pid if status != "deflected" else None, "reporter_id": number % 5000 + 1,
                     "municipality": municipality, "region": region, "topic": topic, "text": text, "terms": terms,
                     "status": status, "reason": "", "deflected_by": "", "created_at": now,
                     "day": day.isoformat(), "week": monday(day).isoformat()})
    with engine.begin() as conn:
        conn.execute(problems.insert(), [
            {"id": pid, "title": title_of(text), "topic": topic, "status": "published", "reason": "",
             "answer": "" if pid % 3 else "sample-doc", "signature": terms.replace("|", SEPARATOR),
             "reports": published[pid], "municipalities": len(set(members[pid])),
             "regions": len({r for r, _m in members[pid]}), "first_day": min(days[pid], default=""),
             "last_day": max(days[pid], default=""), "created_at": now, "updated_at": now}
            for pid, topic, text, terms in plan])
        conn.execute(problem_regions.insert(), [row for pid in members for row in region_counts(pid, members[pid])])
        for offset in range(0, len(rows), BATCH):
            conn.execute(reports.insert(), rows[offset : offset + BATCH])
        report_rollups.add(conn, Counter((r["day"], r["topic"], r["region"]) for r in rows
                                         if r["status"] == "published"))


def _sample_documents() -> Iterator[Document]:
    for path in sorted(Path(setting("sample_dir")).glob("*.jsonl")):
        for item in read_documents(path):
            if isinstance(item, Document):
                yield item


PAGES: tuple[tuple[str, str], ...] = (
    ("/dialogue (последний год)", "/dialogue"),
    ("/dialogue?format=csv", "/dialogue?format=csv"),
    ("/dialogue, регион + по неделям", "/dialogue?region=Вологодская область&by=week"),
    ("/dialogue, тема, 90 дней", "/dialogue?topic=дороги&from={d90}"),
    ("/dialogue?format=csv, регион, тема", "/dialogue?format=csv&region=Пермский край&topic=ЖКХ"),
    ("/dialogue/gaps?format=csv", "/dialogue/gaps?format=csv"),
)


def _report_changed(db: Engine) -> None:
    with db.begin() as conn:
        rollups.bump_reports(conn)


def _searches_rolled_up(db: Engine, today: dt.date) -> None:
    """A search arrives and the rollups take it in (as the refresh every few minutes does)."""
    with db.begin() as conn:
        conn.execute(search_events.insert(), [{
            "minute": minute_of(dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)), "query": "субсидия",
            "corrected": "", "facets": "", "region": "", "topic": "", "searches": 1, "results": 5, "clicked": "",
            "clicks": 0}])
    rollups.refresh(db)


def run_dialogue_bench(events: int, reports_n: int, log: Callable[[str], None], requests: int = REQUESTS,
                       seed: int = 20) -> DialogueBench:
    from ingest.clock import today as clock_today
    from search_app.engine import SearchEngine
    from search_app.web import create_app, dialogue_views

    rng = random.Random(seed)
    today = clock_today()
    with tempfile.TemporaryDirectory(prefix="munnav-dialogue-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        engine = SearchEngine.open(data_dir)
        try:
            result = DialogueBench(events, reports_n, engine.store.engine.dialect.name)
            log("образцовый корпус в индекс…")
            engine.import_documents(_sample_documents())
            db = engine.store.engine
            started = time.perf_counter()
            log(f"события поиска: {events}…")
            fill_events(db, events, today, rng)
            log(f"обращения: {reports_n}…")
            fill_reports(db, reports_n, today, rng)
            result.fill_s = time.perf_counter() - started
            started = time.perf_counter()
            rollups.refresh(db)
            result.rollup_s = time.perf_counter() - started
        finally:
            engine.close()
        # The download limit is counted (its cost is part of a CSV's time), never reached.
        app = create_app({"DATA_DIR": str(data_dir), "TESTING": True,
                          "DIALOGUE_DOWNLOAD_RATE_LIMIT": "1000000 per minute"})
        client = app.test_client()
        db = app.extensions["munnav"].engine.store.engine
        d90 = (today - dt.timedelta(days=89)).isoformat()
        changes: dict[str, Callable[[], None]] = {
            "после обращения": lambda: _report_changed(db),
            "после сводки поисков": lambda: _searches_rolled_up(db, today),
            "первый показ": dialogue_views.forget_tables,
            "повтор": lambda: None,
        }
        for name, url in PAGES:
            url = url.format(d90=d90)
            assert client.get(url).status_code == 200, url  # warm: analyzer, index readers, rollup check
            # Cold states: the page's tables computed again because a report changed, because new
            # searches were rolled up, or because nobody opened this page yet; then the same page again.
            for label, change in changes.items():
                times = []
                for _ in range(requests):
                    change()
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url}: {response.status_code}")
                result.pages[f"{name} [{label}]"] = Latency.of(times)
                log(f"{name} [{label}]: p95 {result.pages[f'{name} [{label}]'].p95_ms:.0f} мс")
        app.extensions["munnav"].close()
    return result
