"""«Муниципальный диалог»: the public problem field (/dialogue), its charts, tables and downloads.

Every table behind a chart is at the section's address in three renderings
(HTML, ``format=csv``, ``format=json``); the chart itself is an SVG at the
same address with ``.svg``. Filters (period, region, topic, weekly/monthly)
live in the URL. Only aggregates are public: no official's name anywhere.

The csv/json downloads are rate-limited per address (``DIALOGUE_DOWNLOAD_RATE_LIMIT``,
counters shared by every process: ``web/limits.py``); the HTML pages and the
charts are not: they show the same numbers, cost the same tables (cached), and
one page view loads five charts.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)

from ingest.clock import today
from search_app.dialogue import charts, maintenance, rollups
from search_app.dialogue.aggregates import Supply, largest_table, unanswered_table
from search_app.dialogue.analytics import Analytics, FilterError, Filters
from search_app.dialogue.datatable import Table, csv_text, heat_level
from search_app.dialogue.districts import FEDERAL_LEVEL, all_regions
from search_app.dialogue.problems import ProblemService
from search_app.dialogue.topics import topic_suggester
from search_app.query import SearchQuery
from search_app.web.engine_ext import get_engine
from search_app.web.limits import TOO_MANY_DOWNLOADS, limit

bp = Blueprint("dialogue", __name__)

SECTIONS = ("heat", "growth", "largest", "unanswered", "demand", "gaps")
SECTION_KEYS = "heat,growth,largest,unanswered,demand,gaps"
CHARTED = ("growth", "largest", "unanswered", "demand", "gaps")
_refreshing = threading.Lock()


def analytics() -> Analytics:
    return Analytics(get_engine().store.engine)


def problem_service() -> ProblemService:
    return ProblemService(get_engine().store.engine, get_engine().analyzer)


def fresh_rollups() -> None:
    """Refresh the search rollups when nothing did for ``maintenance.EVERY`` seconds (the scheduler's
    job does it on a cluster); one visitor at a time per process, the others never wait."""
    engine = get_engine().store.engine
    refreshed = rollups.state(engine)[1]
    if refreshed is not None and not older_than(refreshed, maintenance.EVERY):
        return
    if not _refreshing.acquire(blocking=False):
        return
    try:
        get_engine().flush_logs()
        maintenance.run_pass(engine, log=get_engine().recorder.search_log)
    finally:
        _refreshing.release()


def older_than(moment: str, seconds: float) -> bool:
    """Whether the ISO 8601 UTC ``moment`` lies more than ``seconds`` in the past."""
    return (dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(moment)).total_seconds() > seconds


def limit_downloads() -> None:
    """Count a csv/json download before its tables are built (429 beyond); one count for every route."""
    if request.args.get("format") in ("csv", "json"):
        with limit(current_app.config["DIALOGUE_DOWNLOAD_RATE_LIMIT"], scope="dialogue-download",
                   message=TOO_MANY_DOWNLOADS, shared=True):
            pass


def parse_filters() -> Filters:
    try:
        f = Filters.parse(request.args, today())
    except FilterError as exc:
        abort(400, description=str(exc))
    if f.topic and f.topic not in topic_suggester().names:
        abort(400, description=f"Неизвестная тема: «{f.topic[:60]}».")
    if f.region and f.region not in all_regions():
        abort(400, description=f"Неизвестный регион: «{f.region[:60]}».")
    return f


def supply(f: Filters) -> dict[str, Supply]:
    """Documents the base offers per topic: open measures and competitions, solutions, practices."""
    engine = get_engine()
    regions = {"regions": (f.region, FEDERAL_LEVEL)} if f.region else {}

    def per_topic(kinds: tuple[str, ...], open_now: bool) -> dict[str, int]:
        query = SearchQuery(filters={"kind": kinds, **regions}, open_now=open_now, per_page=1, facet_size=500)
        return {v.value: v.count for v in engine.search(query).facets.get("topics", [])}

    measures = per_topic(("measure", "competition"), True)
    solutions = per_topic(("solution",), False)
    practices = per_topic(("practice",), False)
    return {t: Supply(measures.get(t, 0), solutions.get(t, 0), practices.get(t, 0))
            for t in {*measures, *solutions, *practices}}


def problem_link(problem_id: int) -> str:
    return url_for("dialogue.problem", problem_id=problem_id)


BUILDERS: dict[str, Callable[[Analytics, Filters], Table]] = {
    "heat": lambda a, f: a.heat(f),
    "growth": lambda a, f: a.growth(f),
    "largest": lambda a, f: largest_table([replace(p, link=problem_link(p.id)) for p in a.problem_stats(f)]),
    "unanswered": lambda a, f: unanswered_table(
        [replace(p, link=problem_link(p.id)) for p in a.problem_stats(f, unanswered=True)]),
    "demand": lambda a, f: a.demand(f, supply(f)),
    "gaps": lambda a, f: a.gaps(f),
}


# What each table is computed from: the reports (and problems), the search rollups, the index.
SEARCHES, REPORTS, INDEX = rollups.NAME, rollups.REPORTS, "index"
SOURCES: dict[str, tuple[str, ...]] = {
    "heat": (REPORTS,), "growth": (REPORTS,), "largest": (REPORTS,), "unanswered": (REPORTS,),
    "demand": (SEARCHES, REPORTS, INDEX), "gaps": (SEARCHES,),
}

# Tables computed for a filter set, kept while the data they came from is unchanged (the
# version of each of its sources is part of the key: the rollups' bookmark, the reports'
# change counter, the index generation and the day): every visitor of the same page reads
# them from memory, and a new report does not recompute the tables of searches.
CACHE_SIZE = 256
_cache: OrderedDict[tuple[object, ...], Table] = OrderedDict()
_cache_lock = threading.Lock()


def forget_tables() -> None:
    """Empty the page cache (every table is computed at its next view)."""
    with _cache_lock:
        _cache.clear()


def source_versions(a: Analytics) -> dict[str, object]:
    versions: dict[str, object] = dict(rollups.version(a.engine))
    versions[INDEX] = (get_engine().backend.generation(), today())
    return versions


def build(keys: tuple[str, ...], f: Filters) -> list[Table]:
    fresh_rollups()
    a = analytics()
    versions = source_versions(a)
    tables = []
    for key in keys:
        cache_key = (str(a.engine.url), key, f, *(versions.get(source) for source in SOURCES[key]))
        with _cache_lock:
            table = _cache.get(cache_key)
            if table is not None:
                _cache.move_to_end(cache_key)
        if table is None:
            table = BUILDERS[key](a, f)
            with _cache_lock:
                _cache[cache_key] = table
                while len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
        tables.append(table)
    return tables


def chart_svg(table: Table) -> bytes:
    if table.key == "growth":
        return charts.line_chart(table)
    if table.key == "demand":
        return charts.grouped_bar_chart(table, (0, 1))
    return charts.bar_chart(table)


def _filters_json(f: Filters) -> dict[str, str]:
    return {"from": f.start.isoformat(), "to": f.end.isoformat(), "region": f.region, "topic": f.topic, "by": f.unit}


def _args(f: Filters) -> dict[str, str]:
    return {k: v for k, v in _filters_json(f).items() if v}


def _render(tables: list[Table], f: Filters, template: str, **context: object) -> Response | str:
    fmt = request.args.get("format", "html")
    if fmt == "csv":
        name = tables[0].key if len(tables) == 1 else "dialogue"
        return Response(csv_text(tables), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="munnav-{name}-{f.end}.csv"'})
    if fmt == "json":
        return jsonify({"filters": _filters_json(f), "rollups_refreshed_at": analytics().freshness(),
                        "tables": [t.as_json() for t in tables]})
    if fmt != "html":
        abort(400, description="Формат: html, csv или json.")
    return render_template(
        template, tables=tables, filters=f, args=_args(f), freshness=analytics().freshness(),
        topics=topic_suggester().names, regions=all_regions(), charted=CHARTED, heat_level=heat_level,
        **context,
    )


@bp.get("/dialogue")
def field() -> Response | str:
    f = parse_filters()
    limit_downloads()
    return _render(build(SECTIONS, f), f, "dialogue/field.html")


@bp.get("/dialogue/print")
def printable() -> Response | str:
    f = parse_filters()
    limit_downloads()
    return _render(build(SECTIONS, f), f, "dialogue/print.html")


@bp.get(f"/dialogue/<any({SECTION_KEYS}):key>")
def section(key: str) -> Response | str:
    f = parse_filters()
    limit_downloads()
    return _render(build((key,), f), f, "dialogue/section.html")


@bp.get(f"/dialogue/<any({SECTION_KEYS}):key>.svg")
def chart(key: str) -> Response:
    f = parse_filters()
    svg = chart_svg(build((key,), f)[0])
    response = Response(svg, mimetype="image/svg+xml")
    # The SVG is its own document: its styles are inline, it runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/dialogue/problems/<int:problem_id>")
def problem(problem_id: int) -> Response | str:
    service = problem_service()
    found = service.problem(problem_id)
    if found is not None and found.status == "merged" and found.merged_into:
        return Response(status=301, headers={"Location": problem_link(found.merged_into)})
    if found is None or found.status != "published":
        abort(404, description="Проблема не найдена или ещё не опубликована.")
    answer = get_engine().get(found.answer) if found.answer else None
    data = {"id": found.id, "title": found.title, "topic": found.topic, "municipalities": found.municipalities,
            "regions": found.regions, "answer": found.answer or None,
            "by_region": [{"region": r, "municipalities": n} for r, n in service.regions_of(found.id)]}
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("dialogue/problem.html", problem=found, data=data, answer=answer)
