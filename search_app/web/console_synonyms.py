"""``/editor/synonyms``: the dictionaries of ``synonyms/``, validated by line, previewed, applied."""

from __future__ import annotations

from pathlib import Path

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
from search_app.synonyms_editor import MAX_BYTES, SynonymsEditError, SynonymsEditor
from search_app.web.engine_ext import get_engine
from search_app.web.login import accepts_large_body, requires, signed_in
from search_app.web.services import db

bp = Blueprint("editor_syn", __name__, url_prefix="/editor/synonyms")


class SynonymsForm(FlaskForm):
    text = TextAreaField("Словарь", validators=[Length(max=2_000_000)])
    query = StringField("Запрос для проверки", validators=[Length(max=300)])
    confirm = BooleanField("Применить: поиск начнёт разворачивать запросы по новому словарю")


def editor() -> SynonymsEditor:
    directory = current_app.config.get("SYNONYMS_DIR")
    return SynonymsEditor(get_engine().analyzer, Path(directory) if directory else None)


@bp.get("/")
@requires("console.view")
def dictionaries() -> str:
    return render_template("editor/synonyms.html", names=editor().names())


@bp.route("/<name>", methods=["GET", "POST"])
@accepts_large_body(4 * MAX_BYTES)  # a whole dictionary is larger than other forms
@requires("synonyms.edit")
def dictionary(name: str) -> Response | tuple[str, int]:
    service = editor()
    try:
        current = service.read(name)
    except SynonymsEditError:
        abort(404)
    form = SynonymsForm()
    if request.method == "GET":
        form.text.data = current
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
    service.apply(name, text)
    user = signed_in()
    assert user is not None
    with db().begin() as conn:
        audit.record(conn, user.id, "synonyms.apply", f"synonyms:{name}",
                     before={"lines": len(current.splitlines())}, after={"lines": len(text.splitlines())})
    flash("Словарь применён. Этот процесс уже разворачивает запросы по нему; остальные процессы сервера — "
          "после перезапуска (munnav serve). Многословные синонимы ищутся быстрее после munnav reindex.")
    return redirect(url_for("editor_syn.dictionary", name=name))


def _page(service: SynonymsEditor, name: str, form: SynonymsForm, errors: list, preview: tuple | None) -> str:
    return render_template("editor/synonym_file.html", name=name, form=form, errors=errors, preview=preview,
                           lines=(form.text.data or "").splitlines())
