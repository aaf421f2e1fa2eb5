"""The kept counts of published reports equal a recount of the reports, after any moderation."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select, update

from ingest.clock import today
from search_app.dialogue.analytics import Analytics, Filters
from search_app.dialogue.districts import district_of
from search_app.dialogue.problems import ProblemService, Reporter
from search_app.dialogue.tables import reports

REPORTERS = [Reporter(1, "Кунгурский муниципальный округ", "Пермский край"),
             Reporter(2, "Чайковский городской округ", "Пермский край"),
             Reporter(3, "Череповецкий муниципальный район", "Вологодская область"),
             Reporter(4, "Тотемский муниципальный округ", "Вологодская область")]
TEXTS = [("Ямы на дорогах местного значения, нет средств на ремонт асфальта", "дороги"),
         ("Разбитый асфальт на сельских дорогах, ремонт дорог не финансируется", "дороги"),
         ("Аварийный мост через реку закрыт, школьный автобус ездит в объезд", "дороги"),
         ("Не хватает учителей математики в сельской школе", "образование"),
         ("Протекает крыша многоквартирного дома, управляющая компания бездействует", "ЖКХ")]
TODAY = date(2026, 12, 6)


def spread_days(db: Engine, rng: random.Random) -> None:
    """Give the reports days over two years (they were all written today)."""
    with db.begin() as conn:
        for (report_id,) in conn.execute(select(reports.c.id)).all():
            day = TODAY - timedelta(days=rng.randrange(730))
            conn.execute(update(reports).where(reports.c.id == report_id).values(
                day=day.isoformat(), week=(day - timedelta(days=day.weekday())).isoformat()))


def recount(db: Engine, f: Filters) -> Counter[tuple[str, str]]:
    """Published reports of the period by topic and region (by federal district when no region is chosen)."""
    c = reports.c
    where = [c.status == "published", c.day >= f.start.isoformat(), c.day <= f.end.isoformat()]
    if f.region:
        where.append(c.region == f.region)
    if f.topic:
        where.append(c.topic == f.topic)
    with db.connect() as conn:
        rows = conn.execute(select(c.topic, c.region, func.count()).where(*where).group_by(c.topic, c.region))
        counts: Counter[tuple[str, str]] = Counter()
        for topic, region, n in rows:
            counts[(topic, region if f.region else district_of(region))] += n
        return counts


def test_counts_follow_publish_merge_split_reject(db: Engine) -> None:
    from search_app.dialogue.tables import report_counts

    rng = random.Random(3)
    service = ProblemService(db)
    submitted = [service.submit(rng.choice(REPORTERS), *rng.choice(TEXTS)) for _ in range(40)]
    # Counts are kept from the first publication on; days are spread before any report is published.
    spread_days(db, rng)
    problem_ids = sorted({r.problem_id for r in submitted})
    for pid in problem_ids[::2]:
        service.publish(pid)
    open_ids = [pid for pid in problem_ids if service.problem(pid).status in ("new", "published")]
    service.merge(open_ids[1], open_ids[0])
    victim = next(pid for pid in problem_ids if len([r for r in service.reports_in(pid)
                                                      if r.status == "published"]) >= 2)
    service.split(victim, [service.reports_in(victim)[0].id])
    for pid in problem_ids:
        problem = service.problem(pid)
        if problem.status == "new":
            service.reject(pid, "Не относится к вопросам местного значения")
            break
    service.add_me_too(REPORTERS[3], open_ids[0])
    service.publish(open_ids[0])

    with db.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(report_counts).where(report_counts.c.reports < 0)) == 0
    for _ in range(40):
        start = TODAY - timedelta(days=rng.randrange(760))
        end = min(TODAY, start + timedelta(days=rng.randrange(400)))
        region = rng.choice(["", "Пермский край", "Вологодская область"])
        topic = rng.choice(["", "дороги", "ЖКХ"])
        f = Filters(start, end, region, topic)
        kept = Counter({(t, r): n for t, r, n in Analytics(db).report_counts(f)})
        assert kept == recount(db, f), f
        assert sum(Analytics(db).reports_by_topic(f).values()) == sum(kept.values())
    whole = Filters(TODAY - timedelta(days=800), TODAY)
    assert sum(recount(db, whole).values()) > 10  # the test saw real numbers


def test_growth_reads_the_same_reports_by_week_and_by_month(db: Engine) -> None:
    rng = random.Random(5)
    service = ProblemService(db)
    for _ in range(30):
        service.submit(rng.choice(REPORTERS), *rng.choice(TEXTS))
    spread_days(db, rng)
    for problem in {r.problem_id for r in service.reports_of(1) + service.reports_of(2) + service.reports_of(3)
                    + service.reports_of(4)}:
        service.publish(problem)
    for _ in range(20):
        start = TODAY - timedelta(days=rng.randrange(700))
        end = min(TODAY, start + timedelta(days=rng.randrange(300)))
        region = rng.choice(["", "Пермский край"])
        totals = {}
        for unit in ("week", "month"):
            table = Analytics(db).growth(Filters(start, end, region, "", unit))
            totals[unit] = {row.label: sum(row.values) for row in table.rows}
        expected = Counter(t for (t, _r), n in recount(db, Filters(start, end, region)).items() for _ in range(n))
        assert totals["week"] == totals["month"] == dict(expected), (start, end, region)


@pytest.mark.postgresql
def test_two_editors_publishing_one_problem_at_once_count_it_once(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both read the counts before either publishes; the problem's row lock makes the second wait."""
    from ingest.database import make_engine
    from search_app.dialogue import report_rollups

    db = make_engine(postgres_url)
    service = ProblemService(db)
    first = service.submit(REPORTERS[0], *TEXTS[0])
    service.submit(REPORTERS[1], *TEXTS[1])
    both_read = threading.Barrier(2)
    reads = threading.local()
    real = report_rollups.published_cells

    def read_then_wait(conn, problem_ids):  # noqa: ANN001, ANN202
        cells = real(conn, problem_ids)
        if not getattr(reads, "done", False):  # the read before the change: wait for the other editor
            reads.done = True
            try:
                both_read.wait(timeout=1.0)
            except threading.BrokenBarrierError:
                pass  # the other editor is held by the lock: go on alone
        return cells

    monkeypatch.setattr(report_rollups, "published_cells", read_then_wait)
    editors = [threading.Thread(target=ProblemService(db).publish, args=(first.problem_id,)) for _ in range(2)]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join()
    written = today()
    period = Filters(written - timedelta(days=1), written, "Пермский край")
    kept = Counter({(t, r): n for t, r, n in Analytics(db).report_counts(period)})
    db.dispose()
    assert kept == Counter({("дороги", "Пермский край"): 2})


def test_recount_command_restores_counts_that_drifted(db: Engine, store_url: str, tmp_path,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from search_app.cli import main
    from search_app.dialogue.tables import report_counts

    rng = random.Random(11)
    service = ProblemService(db)
    for _ in range(12):
        service.submit(rng.choice(REPORTERS), *rng.choice(TEXTS))
    spread_days(db, rng)
    for problem_id in {r.problem_id for n in range(1, 5) for r in service.reports_of(n)}:
        service.publish(problem_id)
    whole = Filters(TODAY - timedelta(days=800), TODAY)
    with db.begin() as conn:  # a district moved in federal_districts.toml, say: the kept rows are stale
        conn.execute(update(report_counts).values(reports=report_counts.c.reports + 7))
    assert Counter({(t, r): n for t, r, n in Analytics(db).report_counts(whole)}) != recount(db, whole)
    monkeypatch.setenv("MUNNAV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MUNNAV_DATABASE_URL", store_url)
    result = CliRunner().invoke(main, ["dialogue", "recount-reports"])
    assert result.exit_code == 0, result.output
    assert f"опубликованных обращений {sum(recount(db, whole).values())}" in result.output
    assert Counter({(t, r): n for t, r, n in Analytics(db).report_counts(whole)}) == recount(db, whole)
