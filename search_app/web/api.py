"""JSON API ``/api/v1``: the same models the pages render; errors as ``{"error": "…"}``."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for

from ingest.document import KIND_LABELS
from search_app.query import QueryError
from search_app.web.document_context import document_context
from search_app.web.engine_ext import get_engine
from search_app.web.login import token_user
from search_app.web.openapi import OPENSEARCH_SUGGESTIONS, openapi_document
from search_app.web.params import parse_search
from search_app.web.public import public_root
from search_app.web.urlstate import UrlState

bp = Blueprint("api", __name__)

SUGGEST_DEFAULT = 8
SUGGEST_MAX = 20


@bp.get("/search")
def search() -> Response:
    state = UrlState.from_pairs(request.args.items(multi=True))
    query = parse_search(state, current_app.config["PER_PAGE"])
    return jsonify(get_engine().search(query).to_dict(doc_page_url))


def doc_page_url(doc_id: str) -> str:
    """A hit's ``url``: the document's page here (its source is ``source_url``)."""
    return url_for("pages.document", doc_id=doc_id, _external=True)


@bp.get("/documents/<path:doc_id>")
def document(doc_id: str) -> Response:
    engine = get_engine()
    doc = engine.get(doc_id)
    if doc is None:
        abort(404, description=f"Документ {doc_id[:200]!r} не найден.")
    return jsonify(document_context(doc).data)


@bp.get("/suggest")
def suggest() -> Response:
    text = request.args.get("q", "")
    raw_limit = request.args.get("limit", "")
    try:
        limit = int(raw_limit) if raw_limit else SUGGEST_DEFAULT
    except ValueError:
        raise QueryError(f"limit: ожидается целое число от 1 до {SUGGEST_MAX}.") from None
    if not 1 <= limit <= SUGGEST_MAX:
        raise QueryError(f"limit: ожидается целое число от 1 до {SUGGEST_MAX}.")
    items = [
        {**item, "kind_label": KIND_LABELS.get(item["kind"], "Запрос")}
        for item in (get_engine().suggest(text, limit) if text.strip() else [])
    ]
    if request.args.get("format") == "opensearch":
        response = jsonify([text, [i["text"] for i in items]])
        response.mimetype = OPENSEARCH_SUGGESTIONS  # as opensearch.xml announces it
        return response
    return jsonify({"query": text, "suggestions": items})


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(public_root() + "/api/v1"))


@bp.get("/me")
def me() -> Response | tuple[Response, int]:
    """Who the bearer token belongs to: the API is anonymous except for writes, which need a token."""
    user = token_user()
    if user is None:
        return jsonify({"error": "Нужен токен: заголовок Authorization: Bearer <токен>."}), 401
    return jsonify({"id": user.id, "email": user.email, "roles": sorted(user.roles)})
