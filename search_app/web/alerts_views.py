"""Alerts on the web: saved searches, followed documents, notifications, feeds, unsubscribe.

Thin views over ``AlertService``: they validate the form, call one method and
render or redirect. The service only ever shows a user their own rows, so a
search of someone else's is simply not found (404).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import NotFound

from ingest.clock import today
from search_app.alerts.model import AlertError, SavedSearch
from search_app.alerts.saved_query import query_state
from search_app.alerts.service import AlertService
from search_app.alerts.tokens import TokenError, unsubscribe_user
from search_app.query import QueryError
from search_app.web.account_forms import ActionForm
from search_app.web.alerts_forms import EditSearchForm, SaveSearchForm
from search_app.web.engine_ext import get_engine
from search_app.web.login import csrf_exempt, redirect_back, requires, signed_in
from search_app.web.pages import atom_response

bp = Blueprint("alerts", __name__)


def alert_service() -> AlertService:
    engine = get_engine()
    return AlertService(engine.store.engine, engine)


def _user_id() -> int:
    user = signed_in()
    assert user is not None  # @requires let only signed-in users in
    return user.id


def _own(search_id: int) -> SavedSearch:
    search = alert_service().saved_search(_user_id(), search_id)
    if search is None:
        abort(404, description="Сохранённый поиск не найден.")
    return search


# -- saved searches -------------------------------------------------------------------

def _searches_page(status: int = 200, save_form: SaveSearchForm | None = None) -> tuple[str, int]:
    service, user_id = alert_service(), _user_id()
    searches = service.searches(user_id)
    counts = service.new_counts(searches, today())
    rows = [
        {"search": s, "new": counts.get(s.id, 0),
         "form": EditSearchForm(formdata=None, data={"name": s.name, "frequency": s.frequency}, prefix=f"s{s.id}")}
        for s in searches
    ]
    return render_template(
        "alerts/searches.html",
        rows=rows,
        save_form=save_form or SaveSearchForm(formdata=None),
        action_form=ActionForm(formdata=None),
        email_on=service.email_enabled(user_id),
    ), status


@bp.get("/account/searches")
@requires("search.save")
def searches() -> tuple[str, int]:
    return _searches_page()


@bp.post("/account/searches")
@requires("search.save")
def save_search() -> Response | tuple[str, int]:
    form = SaveSearchForm()
    if not form.validate():
        return _searches_page(400, form)
    try:
        search = alert_service().save_search(_user_id(), form.url.data, form.name.data, form.frequency.data)
    except (QueryError, AlertError) as exc:
        form.url.errors = [str(exc)]
        return _searches_page(400, form)
    flash(f"Поиск «{search.name}» сохранён. Новые документы по нему будут в уведомлениях и письмах.")
    return redirect(url_for("alerts.searches"))


@bp.post("/account/searches/<int:search_id>")
@requires("search.save")
def update_search(search_id: int) -> Response | tuple[str, int]:
    _own(search_id)
    form = EditSearchForm(prefix=f"s{search_id}")
    if not form.validate():
        flash("; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(url_for("alerts.searches"))
    try:
        alert_service().update_search(_user_id(), search_id, form.name.data, form.frequency.data)
    except AlertError as exc:
        flash(str(exc))
    else:
        flash("Изменения сохранены.")
    return redirect(url_for("alerts.searches"))


@bp.post("/account/searches/<int:search_id>/delete")
@requires("search.save")
def delete_search(search_id: int) -> Response:
    _action(lambda: alert_service().delete_search(_user_id(), search_id))
    flash("Поиск удалён.")
    return redirect(url_for("alerts.searches"))


@bp.post("/account/searches/<int:search_id>/feed")
@requires("search.save")
def renew_feed(search_id: int) -> Response:
    _action(lambda: alert_service().renew_feed_token(_user_id(), search_id))
    flash("Выдан новый адрес ленты; прежний больше не работает.")
    return redirect(url_for("alerts.searches"))


@bp.post("/account/searches/<int:search_id>/feed/revoke")
@requires("search.save")
def revoke_feed(search_id: int) -> Response:
    _action(lambda: alert_service().revoke_feed(_user_id(), search_id))
    flash("Лента отключена.")
    return redirect(url_for("alerts.searches"))


@bp.get("/account/searches/<int:search_id>/open")
@requires("search.save")
def open_search(search_id: int) -> Response:
    """Show the search; its «new» counter starts again from now."""
    search = _own(search_id)
    alert_service().mark_seen(_user_id(), search_id)
    return redirect(search.search_path)


@bp.post("/account/email")
@requires("search.save")
def set_email() -> Response:
    on = request.form.get("on") == "1"
    alert_service().set_email(_user_id(), on)
    flash("Письма включены." if on else "Письма отключены; уведомления остаются на странице уведомлений.")
    return redirect(url_for("alerts.searches"))


def _action(do: Callable[[], object]) -> None:
    """A button's post (its CSRF token is checked by the app): 404 if ``do`` found nothing to change."""
    if not do():
        abort(404, description="Сохранённый поиск не найден.")


# -- following documents and notifications ------------------------------------------------

@bp.post("/documents/<path:doc_id>/follow")
@requires("document.follow")
def follow(doc_id: str) -> Response:
    if get_engine().get(doc_id) is None:
        abort(404, description="Документ не найден.")
    try:
        alert_service().follow(_user_id(), doc_id)
    except AlertError as exc:
        flash(str(exc))
    else:
        flash("Документ отслеживается: напоминания о сроке и изменения — в уведомлениях и письмах.")
    return redirect(url_for("pages.document", doc_id=doc_id))


@bp.post("/documents/<path:doc_id>/unfollow")
@requires("document.follow")
def unfollow(doc_id: str) -> Response:
    alert_service().unfollow(_user_id(), doc_id)
    flash("Документ больше не отслеживается.")
    return redirect_back(url_for("pages.document", doc_id=doc_id))


@bp.get("/account/notifications")
@requires("search.save")
def notifications() -> str:
    service, user_id = alert_service(), _user_id()
    followed = service.follows(user_id)
    docs = get_engine().store.get_many(f.doc_id for f in followed)
    return render_template(
        "alerts/notifications.html",
        items=service.notifications(user_id),
        followed=[(f, docs.get(f.doc_id)) for f in followed],
        action_form=ActionForm(formdata=None),
    )


# -- the editors' console ---------------------------------------------------------------

@bp.get("/editor/mail")
@requires("console.view")
def delivery_problems() -> str:
    """Letters the SMTP server has not taken: retrying, or given up after every attempt."""
    return render_template("alerts/delivery.html", problems=alert_service().delivery_problems())


# -- without an account -----------------------------------------------------------------

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
    try:
        user_id = unsubscribe_user(str(current_app.secret_key), token)
    except TokenError as exc:
        return render_template("alerts/unsubscribe.html", error=str(exc), done=False), 400
    if request.method == "POST":
        alert_service().set_email(user_id, False)
        return render_template("alerts/unsubscribe.html", error=None, done=True), 200
    return render_template("alerts/unsubscribe.html", error=None, done=False), 200


@bp.app_context_processor
def following() -> dict[str, Callable[[str], bool]]:
    """``is_following(doc_id)`` for the document page's «Отслеживать» button."""

    def is_following(doc_id: str) -> bool:
        user = signed_in()
        return user is not None and alert_service().is_following(user.id, doc_id)

    return {"is_following": is_following}
