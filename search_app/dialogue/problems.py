"""Reports and problems: what officials write, how reports join problems, what editors do to them.

``ProblemService`` is the one object views call; it never renders and never
checks roles (the views ask the authorisation functions first). Every
report waits for an editor (``pending``); only published reports count in
the public aggregates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, delete, func, select, update

from ingest.clock import now_iso, today
from ingest.database import SQLITE_BEGIN
from search_app.accounts import audit
from search_app.analysis.analyzer import Analyzer, get_analyzer
from search_app.dialogue.clustering import (
    THRESHOLD,
    best_match,
    dice,
    problem_signature,
    report_terms,
    term_weights,
)
from search_app.dialogue.report_rollups import counted
from search_app.dialogue.rollups import bump_reports
from search_app.dialogue.tables import problem_regions, problems, reports

TITLE_LENGTH = 120
TEXT_LENGTH = 4000
MIN_TEXT = 15
SEPARATOR = "|"
OPEN = ("new", "published")


class DialogueError(ValueError):
    """A request the dialogue cannot carry out; the message is for the user."""


@dataclass(frozen=True)
class Reporter:
    """Who reports, as the service needs them: the account and its municipality (from the profile)."""

    id: int
    municipality: str
    region: str


@dataclass(frozen=True)
class Problem:
    id: int
    title: str
    topic: str
    status: str
    reason: str
    merged_into: int | None
    answer: str
    reports: int
    municipalities: int
    regions: int
    created_at: str


@dataclass(frozen=True)
class Report:
    id: int
    problem_id: int | None
    reporter_id: int | None
    municipality: str
    region: str
    topic: str
    text: str
    status: str
    reason: str
    deflected_by: str
    created_at: str


def _problem(row: object) -> Problem:
    m = row._mapping  # type: ignore[attr-defined]
    return Problem(m["id"], m["title"], m["topic"], m["status"], m["reason"], m["merged_into"], m["answer"],
                   m["reports"], m["municipalities"], m["regions"], m["created_at"])


def _report(row: object) -> Report:
    m = row._mapping  # type: ignore[attr-defined]
    return Report(m["id"], m["problem_id"], m["reporter_id"], m["municipality"], m["region"], m["topic"], m["text"],
                  m["status"], m["reason"], m["deflected_by"], m["created_at"])


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def title_of(text: str) -> str:
    """A problem's first title: the report's first sentence, cut at a word."""
    first = " ".join(text.split())
    for stop in (". ", "! ", "? ", "\n"):
        first = first.split(stop, 1)[0]
    if len(first) <= TITLE_LENGTH:
        return first.rstrip(".")
    return first[:TITLE_LENGTH].rsplit(" ", 1)[0] + "…"


def region_counts(problem_id: int, places: Sequence[tuple[str, str]]) -> list[dict[str, object]]:
    """Rows of ``problem_regions``: municipalities and reports of a problem per region."""
    per_region: dict[str, tuple[set[str], int]] = {}
    for region, municipality in places:
        names, n = per_region.get(region, (set(), 0))
        names.add(municipality)
        per_region[region] = (names, n + 1)
    return [{"problem_id": problem_id, "region": region, "municipalities": len(names), "reports": n}
            for region, (names, n) in per_region.items()]


def _terms(value: str) -> frozenset[str]:
    return frozenset(t for t in value.split(SEPARATOR) if t)


class ProblemService:
    def __init__(self, engine: Engine, analyzer: Analyzer | None = None) -> None:
        self.engine = engine
        self.analyzer = analyzer or get_analyzer()

    # -- officials -------------------------------------------------------------

    def submit(self, reporter: Reporter, text: str, topic: str) -> Report:
        """Store a report in the problem it resembles most (or a new one); it waits for an editor."""
        text = " ".join(text.split())
        if len(text) < MIN_TEXT:
            raise DialogueError(f"Опишите проблему подробнее (не меньше {MIN_TEXT} символов).")
        if len(text) > TEXT_LENGTH:
            raise DialogueError(f"Описание длиннее {TEXT_LENGTH} символов: сократите его.")
        if not topic:
            raise DialogueError("Выберите тему.")
        terms = report_terms(text, self.analyzer)
        with self.engine.begin() as conn:
            problem_id = self._matching_problem(conn, terms, topic)
            if problem_id is None:
                problem_id = self._new_problem(conn, title_of(text), topic, terms)
            report_id = self._insert_report(conn, reporter, problem_id, topic, text, terms)
            self._refresh(conn, [problem_id])
        return self.report(report_id)

    def deflect(self, reporter: Reporter, text: str, topic: str, doc_id: str) -> Report:
        """A report the official closed as «solved by this page»: kept (and counted as deflected), in no problem."""
        if not doc_id:
            raise DialogueError("Не указана страница, которая решила вопрос.")
        text = " ".join(text.split())[:TEXT_LENGTH]
        with self.engine.begin() as conn:
            report_id = self._insert_report(conn, reporter, None, topic, text, frozenset(),
                                            status="deflected", deflected_by=doc_id)
        return self.report(report_id)

    def add_me_too(self, reporter: Reporter, problem_id: int) -> Report:
        """«У нас тоже»: the reporter's municipality joins a published problem (once)."""
        problem = self.problem(problem_id)
        if problem is None or problem.status != "published":
            raise DialogueError("Эта проблема не опубликована.")
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(reports).where(reports.c.problem_id == problem_id,
                                      reports.c.municipality == reporter.municipality,
                                      reports.c.region == reporter.region,
                                      reports.c.status.in_(("pending", "published")))
            ).first()
            if existing is not None:
                return _report(existing)
            report_id = self._insert_report(conn, reporter, problem_id, problem.topic, "", frozenset())
            self._refresh(conn, [problem_id])
        return self.report(report_id)

    def reports_of(self, reporter_id: int) -> list[Report]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(reports).where(reports.c.reporter_id == reporter_id)
                                .order_by(reports.c.id.desc()))
            return [_report(r) for r in rows]

    # -- reading ---------------------------------------------------------------

    def problem(self, problem_id: int) -> Problem | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(problems).where(problems.c.id == problem_id)).first()
        return _problem(row) if row is not None else None

    def report(self, report_id: int) -> Report:
        with self.engine.connect() as conn:
            return _report(conn.execute(select(reports).where(reports.c.id == report_id)).one())

    def reports_in(self, problem_id: int) -> list[Report]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(reports).where(reports.c.problem_id == problem_id).order_by(reports.c.id))
            return [_report(r) for r in rows]

    def regions_of(self, problem_id: int) -> list[tuple[str, int]]:
        """Regions of a problem's published reports with their number of municipalities."""
        c = reports.c
        stmt = (select(c.region, func.count(func.distinct(c.municipality)))
                .where(c.problem_id == problem_id, c.status == "published")
                .group_by(c.region).order_by(func.count(func.distinct(c.municipality)).desc(), c.region))
        with self.engine.connect() as conn:
            return [(r, n) for r, n in conn.execute(stmt)]

    def similar(self, text: str, topic: str, limit: int = 3) -> list[Problem]:
        """Published problems of the topic that a report with ``text`` resembles, most similar first."""
        terms = report_terms(text, self.analyzer)
        with self.engine.connect() as conn:
            rows = conn.execute(select(problems).where(problems.c.status == "published", problems.c.topic == topic)
                                .order_by(problems.c.municipalities.desc()).limit(2000)).all()
            weight = term_weights(_terms(t) for (t,) in conn.execute(
                select(reports.c.terms).where(reports.c.topic == topic, reports.c.terms != "")))
        scored = [(dice(terms, _terms(r.signature), weight), r) for r in rows]
        ranked = sorted((x for x in scored if x[0] >= THRESHOLD), key=lambda x: (-x[0], x[1].id))
        return [_problem(r) for _score, r in ranked[:limit]]

    def published(self, topic: str = "", limit: int = 50) -> list[Problem]:
        stmt = select(problems).where(problems.c.status == "published")
        if topic:
            stmt = stmt.where(problems.c.topic == topic)
        stmt = stmt.order_by(problems.c.municipalities.desc(), problems.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [_problem(r) for r in conn.execute(stmt)]

    def queue(self, limit: int = 50) -> list[tuple[Problem, list[Report]]]:
        """Problems with reports waiting for an editor, oldest first, with those reports."""
        with self.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(
                select(reports.c.problem_id).where(reports.c.status == "pending", reports.c.problem_id.is_not(None))
                .group_by(reports.c.problem_id).order_by(func.min(reports.c.id)).limit(limit))]
            found = {r.id: _problem(r) for r in conn.execute(select(problems).where(problems.c.id.in_(ids)))}
            pending: dict[int, list[Report]] = {i: [] for i in ids}
            for row in conn.execute(select(reports).where(reports.c.problem_id.in_(ids), reports.c.status == "pending")
                                    .order_by(reports.c.id)):
                pending[row.problem_id].append(_report(row))
        return [(found[i], pending[i]) for i in ids if i in found]

    # -- editors ---------------------------------------------------------------

    def publish(self, problem_id: int, actor_id: int | None = None) -> Problem:
        """Publish a problem and its waiting reports."""
        problem = self._open_problem(problem_id)
        with self._moderating() as conn, counted(conn, [problem.id]):
            audit.record(conn, actor_id, "problem.publish", f"problem:{problem.id}", {"status": problem.status},
                         {"status": "published"})
            conn.execute(update(problems).where(problems.c.id == problem.id)
                         .values(status="published", updated_at=now_iso()))
            conn.execute(update(reports).where(reports.c.problem_id == problem.id, reports.c.status == "pending")
                         .values(status="published"))
            self._refresh(conn, [problem.id])
        return self._get(problem.id)

    def reject(self, problem_id: int, reason: str, actor_id: int | None = None) -> Problem:
        """Reject a problem's waiting reports with a reason the reporters see; a problem left with no
        published report is rejected as a whole."""
        reason = " ".join(reason.split())
        if not reason:
            raise DialogueError("Укажите причину отклонения: её увидит автор обращения.")
        problem = self._open_problem(problem_id)
        with self._moderating() as conn, counted(conn, [problem.id]):
            audit.record(conn, actor_id, "problem.reject", f"problem:{problem.id}", None, {"reason": reason})
            conn.execute(update(reports).where(reports.c.problem_id == problem.id, reports.c.status == "pending")
                         .values(status="rejected", reason=reason))
            if problem.reports == 0:
                conn.execute(update(problems).where(problems.c.id == problem.id)
                             .values(status="rejected", reason=reason, updated_at=now_iso()))
            self._refresh(conn, [problem.id])
        return self._get(problem.id)

    def merge(self, source_id: int, target_id: int, actor_id: int | None = None) -> Problem:
        """Move every report of ``source`` into ``target``; reports joining a published problem are published."""
        if source_id == target_id:
            raise DialogueError("Проблему нельзя объединить с ней самой.")
        source, target = self._open_problem(source_id), self._open_problem(target_id)
        with self._moderating() as conn, counted(conn, [source.id, target.id]):
            audit.record(conn, actor_id, "problem.merge", f"problem:{source.id}", None, {"into": target.id})
            conn.execute(update(reports).where(reports.c.problem_id == source.id).values(problem_id=target.id))
            if target.status == "published":
                conn.execute(update(reports).where(reports.c.problem_id == target.id, reports.c.status == "pending")
                             .values(status="published"))
            conn.execute(update(problems).where(problems.c.id == source.id)
                         .values(status="merged", merged_into=target.id, updated_at=now_iso()))
            self._refresh(conn, [source.id, target.id])
        return self._get(target.id)

    def split(self, problem_id: int, report_ids: Iterable[int], title: str = "", actor_id: int | None = None) -> Problem:
        """Move some reports of a problem into a new problem of the same topic (waiting for an editor)."""
        problem = self._open_problem(problem_id)
        ids = set(report_ids)
        current = [r for r in self.reports_in(problem.id) if r.status in ("pending", "published")]
        members = [r for r in current if r.id in ids]
        if not members or len(members) == len(current):
            raise DialogueError("Выберите часть обращений проблемы: не все и не ни одного.")
        first = next((r.text for r in members if r.text), problem.title)
        with self._moderating() as conn, counted(conn, [problem.id]) as scope:
            new_id = self._new_problem(conn, " ".join(title.split()) or title_of(first), problem.topic, frozenset())
            scope.also(new_id)
            audit.record(conn, actor_id, "problem.split", f"problem:{problem.id}", None,
                         {"new": new_id, "reports": sorted(r.id for r in members)})
            conn.execute(update(reports).where(reports.c.id.in_([r.id for r in members]))
                         .values(problem_id=new_id, status="pending"))
            self._refresh(conn, [problem.id, new_id])
        return self._get(new_id)

    def set_answer(self, problem_id: int, doc_id: str, actor_id: int | None = None) -> Problem:
        """Link the document (solution, measure, practice) that answers the problem; empty unlinks."""
        problem = self._open_problem(problem_id)
        with self.engine.begin() as conn:
            audit.record(conn, actor_id, "problem.answer", f"problem:{problem.id}", {"answer": problem.answer},
                         {"answer": doc_id.strip()})
            conn.execute(update(problems).where(problems.c.id == problem.id)
                         .values(answer=doc_id.strip(), updated_at=now_iso()))
            bump_reports(conn)
        return self._get(problem.id)

    def retitle(self, problem_id: int, title: str, actor_id: int | None = None) -> Problem:
        title = " ".join(title.split())
        if not title or len(title) > 300:
            raise DialogueError("Название проблемы: от 1 до 300 символов.")
        problem = self._open_problem(problem_id)
        with self.engine.begin() as conn:
            audit.record(conn, actor_id, "problem.retitle", f"problem:{problem.id}", {"title": problem.title},
                         {"title": title})
            conn.execute(update(problems).where(problems.c.id == problem.id).values(title=title, updated_at=now_iso()))
            bump_reports(conn)
        return self._get(problem.id)

    # -- inside ----------------------------------------------------------------

    def _moderating(self) -> AbstractContextManager[Connection]:
        """A transaction that changes which reports are published (SQLite: holds the write lock from BEGIN)."""
        return self.engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}).begin()

    def _get(self, problem_id: int) -> Problem:
        problem = self.problem(problem_id)
        if problem is None:
            raise DialogueError(f"Проблема № {problem_id} не найдена.")
        return problem

    def _open_problem(self, problem_id: int) -> Problem:
        problem = self._get(problem_id)
        if problem.status not in OPEN:
            raise DialogueError(f"Проблема № {problem_id} закрыта (объединена или отклонена).")
        return problem

    def _matching_problem(self, conn: Connection, terms: frozenset[str], topic: str) -> int | None:
        candidates = [(r.id, topic, _terms(r.signature)) for r in conn.execute(
            select(problems.c.id, problems.c.signature).where(problems.c.status.in_(OPEN), problems.c.topic == topic))]
        if not candidates:
            return None
        weight = term_weights(_terms(t) for (t,) in conn.execute(
            select(reports.c.terms).where(reports.c.topic == topic, reports.c.terms != "")))
        return best_match(terms, topic, candidates, weight)

    def _new_problem(self, conn: Connection, title: str, topic: str, terms: frozenset[str]) -> int:
        now = now_iso()
        return conn.execute(problems.insert().values(
            title=title, topic=topic, signature=SEPARATOR.join(sorted(terms)), created_at=now, updated_at=now,
        )).inserted_primary_key[0]

    def _insert_report(self, conn: Connection, reporter: Reporter, problem_id: int | None, topic: str, text: str,
                       terms: frozenset[str], status: str = "pending", deflected_by: str = "") -> int:
        if not reporter.municipality or not reporter.region:
            raise DialogueError("В профиле не указаны муниципалитет и регион: заполните их, чтобы сообщать о проблемах.")
        bump_reports(conn)
        return conn.execute(reports.insert().values(
            problem_id=problem_id, reporter_id=reporter.id, municipality=reporter.municipality,
            region=reporter.region, topic=topic, text=text, terms=SEPARATOR.join(sorted(terms)), status=status,
            deflected_by=deflected_by, created_at=now_iso(), day=today().isoformat(), week=monday(today()).isoformat(),
        )).inserted_primary_key[0]

    def _refresh(self, conn: Connection, problem_ids: Sequence[int]) -> None:
        """Recount a problem's published reports (in all and per region) and rebuild its clustering signature."""
        bump_reports(conn)
        c = reports.c
        for problem_id in problem_ids:
            members = conn.execute(select(c.municipality, c.region, c.status, c.terms, c.day).where(
                c.problem_id == problem_id, c.status.in_(("pending", "published")))).all()
            published = [m for m in members if m.status == "published"]
            counts: Counter[str] = Counter()
            texts = [m for m in members if m.terms]
            for m in texts:
                counts.update(_terms(m.terms))
            days = sorted(m.day for m in published)
            conn.execute(update(problems).where(problems.c.id == problem_id).values(
                reports=len(published),
                municipalities=len({(m.region, m.municipality) for m in published}),
                regions=len({m.region for m in published}),
                first_day=days[0] if days else "",
                last_day=days[-1] if days else "",
                signature=SEPARATOR.join(sorted(problem_signature(counts, len(texts)))),
            ))
            conn.execute(delete(problem_regions).where(problem_regions.c.problem_id == problem_id))
            rows = region_counts(problem_id, [(m.region, m.municipality) for m in published])
            if rows:
                conn.execute(problem_regions.insert(), rows)
