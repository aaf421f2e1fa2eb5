"""Alerts on the web: private feeds of saved searches and one-click unsubscribe.

Thin views over ``AlertService``: they validate input, call one method and
render; the service owns every table.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.exceptions import NotFound

from search_app.alerts.saved_query import query_state
from search_app.alerts.service import AlertService
from search_app.alerts.tokens import TokenError, unsubscribe_user
from search_app.web.engine_ext import get_engine
from search_app.web.login import csrf_exempt
from search_app.web.pages import atom_response

bp = Blueprint("alerts", __name__)


def alert_service() -> AlertService:
    engine = get_engine()
    return AlertService(engine.store.engine, engine)


@bp.get("/feeds/searches/<token>.atom")
def saved_search_feed(token: str) -> Response:
    """A saved search's Atom feed, reachable without an account by its unguessable token."""
    search = alert_service().search_by_feed_token(token)
    if search is None:
        raise NotFound("Лента не найдена: возможно, её адрес был заменён или отозван.")
    return atom_response(query_state(search.query), f"Муниципальный навигатор: {search.name}")


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
@csrf_exempt
def unsubscribe(token: str) -> tuple[str, int]:
    """GET asks to confirm; POST (the form, or a mail client's RFC 8058 one-click) unsubscribes.

    The signed token is what authenticates the request, so the POST carries no
    CSRF token (a mail client cannot have one): it can only ever switch the
    letters of the user it names off.
    """
    secret = current_app.secret_key
    if not secret:
        abort(404)
    try:
        user_id = unsubscribe_user(str(secret), token)
    except TokenError as exc:
        return render_template("alerts/unsubscribe.html", error=str(exc), done=False), 400
    if request.method == "POST":
        alert_service().set_email(user_id, False)
        return render_template("alerts/unsubscribe.html", error=None, done=True), 200
    return render_template("alerts/unsubscribe.html", error=None, done=False), 200
