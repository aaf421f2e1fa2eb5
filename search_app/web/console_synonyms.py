"""``/editor/synonyms``: the dictionaries in service, validated by line, previewed, applied.

An applied dictionary goes to the store, so every process of every host
expands with it within ``SYNONYMS_CHECK_SECONDS``; the files of ``synonyms/``
stay the shipped defaults a dictionary can be reset to.
"""

from __future__ import annotations

import difflib
import logging

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
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length

from search_app.accounts import audit
from search_app.backends.base import BackendError
from search_app.synonyms_editor import MAX_BYTES, SynonymsEditError, SynonymsEditor
from search_app.web.account_forms import ConfirmForm
from search_app.web.engine_ext import get_engine, holder
from search_app.web.login import accepts_large_body, requires, signed_in
from search_app.web.services import db

bp = Blueprint("editor_syn", __name__, url_prefix="/editor/synonyms")
log = logging.getLogger(__name__)


class SynonymsForm(FlaskForm):
    text = TextAreaField("Словарь", validators=[Length(max=2_000_000)])
    query = StringField("Запрос для проверки", validators=[Length(max=300)])
    confirm = BooleanField("Применить: поиск начнёт разворачивать запросы по новому словарю")


def editor() -> SynonymsEditor:
    return SynonymsEditor(holder().analyzer, db())


def opened(name: str) -> tuple[SynonymsEditor, str]:
    """The editor and the dictionary ``name`` in service; 404 when there is no such dictionary."""
    service = editor()
    try:
        return service, service.read(name)
    except SynonymsEditError:
        abort(404)


@bp.get("/")
@requires("console.view")
def dictionaries() -> str:
    service = editor()
    return render_template("editor/synonyms.html", names=service.names(), edited=service.edited())


@bp.route("/<name>", methods=["GET", "POST"])
@accepts_large_body(4 * MAX_BYTES)  # a whole dictionary is larger than other forms
@requires("synonyms.edit")
def dictionary(name: str) -> Response | tuple[str, int]:
    service, current = opened(name)
    form = SynonymsForm()
    if request.method == "GET":
        form.text.data = current
        restored = request.args.get("from", type=int)
        if restored is not None:
            version = service.version(name, restored)
            if version is None:
                abort(404)
            form.text.data = version.text if version.text is not None else service.shipped(name) or ""
        return _page(service, name, form, [], None), 200
    if not form.validate():
        return _page(service, name, form, [], None), 400
    text = (form.text.data or "").replace("\r\n", "\n")
    errors = service.check(name, text)
    preview = service.preview(name, text, form.query.data) if form.query.data and not errors else None
    if "apply" not in request.form or errors:
        return _page(service, name, form, errors, preview), 400 if errors else 200
    if not form.confirm.data:
        form.confirm.errors = ["Отметьте подтверждение, чтобы применить словарь."]
        return _page(service, name, form, errors, preview), 400
    user = signed_in()
    assert user is not None
    with db().begin() as conn:
        version = service.apply(conn, name, text, user.id)
        audit.record(conn, user.id, "synonyms.apply", f"synonyms:{name}",
                     before={"lines": len(current.splitlines())},
                     after={"lines": len(text.splitlines()), "version": version})
    _in_service(service)
    return redirect(url_for("editor_syn.dictionary", name=name))


@bp.post("/<name>/reset")
@requires("synonyms.edit")
def reset(name: str) -> Response:
    service, _ = opened(name)
    form = ConfirmForm(prefix="reset")
    if not form.validate():
        flash("Отметьте подтверждение, чтобы вернуть поставляемый словарь.")
        return redirect(url_for("editor_syn.history", name=name))
    user = signed_in()
    assert user is not None
    try:
        with db().begin() as conn:
            version = service.reset(conn, name, user.id)
            if version is not None:
                audit.record(conn, user.id, "synonyms.reset", f"synonyms:{name}", after={"version": version})
    except SynonymsEditError as exc:
        flash(f"Нельзя вернуть: {exc}.")
        return redirect(url_for("editor_syn.history", name=name))
    if version is None:
        flash("Словарь не правился: в работе и так поставляемый файл.")
    else:
        _in_service(service)
    return redirect(url_for("editor_syn.history", name=name))


@bp.get("/<name>/history")
@requires("synonyms.edit")
def history(name: str) -> str:
    service, _ = opened(name)
    versions = service.history(name)
    shown = None
    wanted = request.args.get("v", type=int)
    if wanted is not None:
        version = service.version(name, wanted)
        if version is None:
            abort(404)
        before, after = service.texts_around(version)
        diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "было", "стало", lineterm="", n=1)
        shown = (version, list(diff)[2:])
    return render_template("editor/synonym_history.html", name=name, versions=versions, shown=shown,
                           edited=name in service.edited(), has_file=service.shipped(name) is not None,
                           reset_form=ConfirmForm(formdata=None, prefix="reset"))


def _in_service(service: SynonymsEditor) -> None:
    """This process at once, the others at their next check; then the message that says so."""
    service.in_service_now()
    seconds = current_app.config["SYNONYMS_CHECK_SECONDS"]
    message = (f"Словарь применён. Все процессы и серверы поиска разворачивают запросы по нему "
               f"не позже чем через {seconds:g} с. Многословные синонимы ищутся быстрее после munnav reindex.")
    put_synonyms = getattr(get_engine().backend, "put_synonyms", None)
    if put_synonyms is not None:
        try:
            put_synonyms()
        except BackendError as exc:
            log.warning("synonyms set not uploaded to Elasticsearch: %s", exc)
            message += " Набор синонимов Elasticsearch не обновлён: выполните munnav reindex --synonyms-only."
    flash(message)


def _page(service: SynonymsEditor, name: str, form: SynonymsForm, errors: list, preview: tuple | None) -> str:
    return render_template("editor/synonym_file.html", name=name, form=form, errors=errors, preview=preview,
                           lines=(form.text.data or "").splitlines(), edited=name in service.edited())
