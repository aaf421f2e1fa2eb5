"""HTML pages: each view validates input, builds one context, renders it."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from ingest.clock import today
from ingest.document import KIND_LABELS
from search_app.query import FacetValue, QueryError, SearchQuery, SearchResult
from search_app.web.clients import current_client
from search_app.web.document_context import document_context
from search_app.web.document_page import breadcrumbs, deadline_line, facts
from search_app.web.engine_ext import get_engine
from search_app.web.export import csv_rows
from search_app.web.facets import value_label
from search_app.web.feeds import atom_feed, opensearch_description
from search_app.web.limits import TOO_MANY_DOWNLOADS, limit
from search_app.web.pagination import paginate
from search_app.web.params import parse_search
from search_app.web.public import public_request_url, public_url
from search_app.web.search_page import search_context
from search_app.web.urlstate import UrlState

bp = Blueprint("pages", __name__)

FEDERAL = "Российская Федерация"
HOME_LIST_SIZE = 5
NOW_PER_PAGE = 20
SOLUTIONS_LIMIT = 1000


def request_state() -> UrlState:
    return UrlState.from_pairs(request.args.items(multi=True))


def doc_url(doc_id: str, external: bool = False) -> str:
    if external:
        return public_url("pages.document", doc_id=doc_id)
    return url_for("pages.document", doc_id=doc_id)


@bp.get("/")
def home() -> str:
    engine = get_engine()
    overview = engine.search(SearchQuery(per_page=1, facet_size=200))
    closing = engine.search(SearchQuery(
        filters={"kind": ("competition",)}, open_now=True, sort="deadline", per_page=HOME_LIST_SIZE, with_facets=False,
    ))
    newest = engine.search(SearchQuery(
        filters={"kind": ("measure",)}, open_now=True, sort="newest", per_page=HOME_LIST_SIZE, with_facets=False,
    ))
    counts = {v.value: v.count for v in overview.facets.get("kind", [])}
    return render_template(
        "home.html",
        total=overview.total,
        kind_counts=[(kind, counts.get(kind, 0)) for kind in KIND_LABELS],
        topics=overview.facets.get("topics", [])[:18],
        closing=closing.hits,
        newest=newest.hits,
    )


def _run_search(state: UrlState) -> tuple[SearchQuery | None, SearchResult | None, str | None]:
    try:
        query = parse_search(state, current_app.config["PER_PAGE"])
        engine = get_engine()
        result = engine.search(query)
    except QueryError as exc:
        return None, None, str(exc)
    if query.text and query.page == 1:
        # What people search for feeds the problem field's analytics and «popular queries» in autocomplete.
        filters = [(name, value) for name, values in query.filters.items() for value in values]
        engine.recorder.search(query.text, result.total, result.searched_text, filters, current_client())
    return query, result, None


@bp.get("/search")
def search() -> tuple[str, int]:
    state = request_state()
    query, result, error = _run_search(state)
    ctx = search_context(state, url_for("pages.search"), query, result, error)
    return render_template("search.html", **ctx), 400 if error else 200


def feed_title(query: SearchQuery) -> str:
    parts = [f"«{query.text}»"] if query.text else []
    for field, values in query.filters.items():
        parts.append(", ".join(value_label(field, v) for v in values))
    return "Муниципальный навигатор: " + ("; ".join(parts) if parts else "новые документы")


@bp.get("/search.atom")
def search_atom() -> Response:
    return atom_response(request_state())


def atom_response(state: UrlState, title: str | None = None) -> Response:
    """The Atom feed of the search ``state`` describes, newest first."""
    query = parse_search(state, current_app.config["PER_PAGE"])
    query = replace(query, sort="newest", page=1, per_page=current_app.config["FEED_SIZE"], with_facets=False)
    result = get_engine().search(query)
    body = atom_feed(
        result,
        title or feed_title(query),
        self_url=public_request_url(),
        html_url=state.without("page").url(public_url("pages.search")),
        doc_url=lambda doc_id: doc_url(doc_id, external=True),
    )
    return Response(body, mimetype="application/atom+xml")


def export_row_limit() -> int:
    """Rows one CSV export may hold: ``EXPORT_LIMIT`` signed in, fewer anonymously."""
    signed_in = current_user.is_authenticated
    return int(current_app.config["EXPORT_LIMIT" if signed_in else "EXPORT_LIMIT_ANONYMOUS"])


@bp.get("/search.csv")
def search_csv() -> Response:
    with limit(current_app.config["EXPORT_RATE_LIMIT"], scope="export-csv", message=TOO_MANY_DOWNLOADS):
        pass  # counted on entry: a refused export costs no search
    query = parse_search(request_state(), current_app.config["PER_PAGE"])
    engine = get_engine()
    row_limit = export_row_limit()
    rows = csv_rows(query, engine.search, lambda doc_id: doc_url(doc_id, external=True), row_limit)
    filename = f"munnav-{today().isoformat()}.csv"
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Export-Row-Limit": str(row_limit)},
    )


def count_click(doc_id: str) -> None:
    """A result opened from a search page counts as a click of that search (the referrer says which)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or referrer.path != url_for("pages.search"):
        return
    query = parse_qs(referrer.query).get("q", [""])[0]
    if query:
        get_engine().recorder.click(query, doc_id, current_client())


@bp.get("/documents/<path:doc_id>")
def document(doc_id: str) -> str:
    engine = get_engine()
    doc = engine.get(doc_id)
    if doc is None:
        abort(404, description="Документ не найден: возможно, он удалён или ссылка неверна.")
    count_click(doc.id)
    ctx = document_context(doc)
    return render_template(
        "solution.html" if doc.kind == "solution" else "document.html",
        doc=doc,
        data=ctx.data,
        facts=facts(doc, today(), outdated=ctx.outdated),
        deadline=deadline_line(doc, today()),
        finished=ctx.data["finished"],
        steps=ctx.steps,
        related=ctx.related,
        cited=ctx.cited,
        outdated=ctx.outdated,
        explanations=ctx.explanations,
        explanations_url=url_for("pages.search", kind="consultation", cites=ctx.cites_key) if ctx.cites_key else "",
        breadcrumbs=breadcrumbs(doc, url_for("pages.search"), url_for("pages.solutions")),
    )


@bp.get("/solutions")
def solutions() -> str:
    engine = get_engine()
    docs = []
    page = 1
    while len(docs) < SOLUTIONS_LIMIT:
        result = engine.search(SearchQuery(filters={"kind": ("solution",)}, sort="newest", page=page, per_page=100,
                                           with_facets=False))
        docs += [h.document for h in result.hits]
        if page >= result.pages:
            break
        page += 1
    by_topic: dict[str, list] = {}
    for doc in docs:
        for topic in doc.topics or ("Другое",):
            by_topic.setdefault(topic, []).append(doc)
    groups = sorted(by_topic.items(), key=lambda item: (-len(item[1]), item[0].lower()))
    return render_template("solutions.html", groups=groups, total=len(docs))


def _choices(values: list[FacetValue], selected: str) -> list[tuple[str, int, bool]]:
    return [(v.value, v.count, v.value == selected) for v in sorted(values, key=lambda v: v.value)]


@bp.get("/now")
def now() -> tuple[str, int]:
    """«Что можно получить сейчас»: open measures and competitions for a region and audience."""
    state = UrlState.from_pairs(request.args.items(multi=True))
    region, audience = state.get("region"), state.get("audience")
    page_raw = state.get("page") or "1"
    engine = get_engine()
    base = SearchQuery(filters={"kind": ("measure", "competition")}, open_now=True, sort="deadline", facet_size=300)
    options = engine.search(replace(base, per_page=1))
    filters: dict[str, tuple[str, ...]] = {"kind": ("measure", "competition")}
    if region:
        filters["regions"] = (region,) if region == FEDERAL else (region, FEDERAL)
    if audience:
        filters["audience"] = (audience,)
    error = None
    result = None
    try:
        page = int(page_raw)
        query = replace(base, filters=filters, page=page, per_page=NOW_PER_PAGE, with_facets=False).validated()
        result = engine.search(query)
    except (ValueError, QueryError) as exc:
        error = str(exc) if isinstance(exc, QueryError) else "Номер страницы должен быть целым числом."
    search_pairs = [("kind", "measure"), ("kind", "competition"), ("sort", "deadline")]
    search_pairs += [("region", r) for r in filters.get("regions", ())]
    search_pairs += [("audience", a) for a in filters.get("audience", ())]
    pagination = None
    if result is not None:
        pagination = paginate(
            result.query.page, result.pages,
            lambda n: state.replace("page", str(n) if n > 1 else None).url(url_for("pages.now")),
        )
    return render_template(
        "now.html",
        regions=_choices(options.facets.get("regions", []), region),
        audiences=_choices(options.facets.get("audience", []), audience),
        region=region,
        audience=audience,
        result=result,
        error=error,
        pagination=pagination,
        search_url=UrlState.from_pairs(search_pairs).url(url_for("pages.search")),
    ), 400 if error else 200


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    search_url = public_url("pages.search") + "?q={searchTerms}"
    suggest_url = public_url("api.suggest") + "?format=opensearch&q={searchTerms}"
    icon = public_url("static", filename="img/favicon.svg")
    return Response(opensearch_description(search_url, suggest_url, icon),
                    mimetype="application/opensearchdescription+xml")


@bp.get("/healthz")
def healthz() -> dict[str, object]:
    engine = get_engine()
    return {"status": "ok", "documents": engine.store.count(), "today": today().isoformat()}
