"""``/editor/documents``: write and edit documents by hand, withdraw and restore, version history."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from ingest.document import KIND_LABELS, ValidationError
from ingest.outcome import Outcome
from search_app.editorial import HAND_KINDS, DocumentEditor, StepRefMissing, diff_documents
from search_app.query import SearchQuery
from search_app.web.account_forms import ConfirmForm
from search_app.web.document_forms import MAX_STEPS, DocumentForm
from search_app.web.engine_ext import get_engine
from search_app.web.login import requires, signed_in

bp = Blueprint("editor_docs", __name__, url_prefix="/editor/documents")
FIELD_LABELS = {"id": "Идентификатор", "kind": "Вид", "title": "Заголовок", "summary": "Кратко", "body": "Текст",
                "topics": "Темы", "regions": "Регионы", "municipality": "Муниципалитет", "published": "Дата публикации"}


def editor() -> DocumentEditor:
    return DocumentEditor(get_engine())


@bp.get("/")
@requires("console.view")
def documents() -> str:
    text = request.args.get("q", "")[:200]
    found = []
    if text.strip():
        found = get_engine().search(SearchQuery(text=text, per_page=20, with_facets=False, verbatim=True)).hits
    return render_template("editor/documents.html", q=text, found=found, hand_made=editor().hand_made())


def _save(form: DocumentForm, new: bool, doc_id: str | None = None) -> Response | tuple[str, int]:
    if "add_step" in request.form:
        if len(form.steps) < MAX_STEPS:
            form.steps.append_entry()
        return _form_page(form, new, doc_id), 200
    if not form.validate():
        return _form_page(form, new, doc_id), 400
    service = editor()
    extra: dict = {}
    if not new:
        before = service.get(doc_id or "")
        assert before is not None
        extra = {k: v for k, v in before.to_dict().items() if k not in FIELD_LABELS and k != "steps"}
        if form.id.data != doc_id:
            form.id.errors = ["Идентификатор документа не меняется."]
            return _form_page(form, new, doc_id), 400
    user = signed_in()
    assert user is not None
    try:
        doc, outcome = service.save(user, form.record(extra), new=new)
    except StepRefMissing as exc:
        form.show_missing_refs(exc.missing)
        return _form_page(form, new, doc_id), 400
    except ValidationError as exc:
        field = getattr(form, exc.field, None)
        if field is not None and isinstance(field.errors, list | tuple) and exc.field != "steps":
            field.errors = [*field.errors, exc.reason]
        else:
            form.form_errors.append(str(exc))
        return _form_page(form, new, doc_id), 400
    flash("Документ сохранён." if outcome != Outcome.UNCHANGED else "Изменений нет.")
    return redirect(url_for("editor_docs.history", doc_id=doc.id))


def _form_page(form: DocumentForm, new: bool, doc_id: str | None) -> str:
    return render_template("editor/document_form.html", form=form, new=new, doc_id=doc_id, kinds=KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@requires("document.edit")
def create() -> Response | str | tuple[str, int]:
    form = DocumentForm()
    if request.method == "POST":
        return _save(form, new=True)
    if request.args.get("kind") in ("solution", "practice"):
        form.kind.data = request.args["kind"]
    return _form_page(form, True, None)


@bp.route("/<path:doc_id>/edit", methods=["GET", "POST"])
@requires("document.edit")
def edit(doc_id: str) -> Response | str | tuple[str, int]:
    doc = editor().get(doc_id) or abort(404)
    form = DocumentForm()
    if doc.kind not in HAND_KINDS:  # any document may be corrected; its kind stays what it is
        form.kind.choices = [SelectChoice(doc.kind, KIND_LABELS.get(doc.kind, doc.kind))]
    if request.method == "POST":
        return _save(form, new=False, doc_id=doc_id)
    form.fill(doc)
    return _form_page(form, False, doc_id)


@bp.get("/<path:doc_id>/history")
@requires("console.view")
def history(doc_id: str) -> str:
    service = editor()
    doc = service.get(doc_id) or abort(404)
    versions = service.versions(doc_id)
    chosen = request.args.get("v", "")
    shown = None
    if versions:
        index = len(versions) - 1
        if chosen:
            numbers = [v.version for v in versions]
            if not chosen.isdigit() or int(chosen) not in numbers:
                abort(400, "Такой версии у документа нет.")
            index = numbers.index(int(chosen))
        previous = versions[index - 1].document if index > 0 else None
        shown = (versions[index], diff_documents(previous, versions[index].document))
    return render_template("editor/history.html", doc=doc, versions=versions, shown=shown,
                           withdrawn=service.is_withdrawn(doc_id), labels=FIELD_LABELS,
                           forms={"withdraw": ConfirmForm(formdata=None, prefix="withdraw"),
                                  "restore": ConfirmForm(formdata=None, prefix="restore")})


@bp.post("/<path:doc_id>/<any(withdraw, restore):change>")
@requires("document.withdraw")
def change(doc_id: str, change: str) -> Response:
    service = editor()
    if service.get(doc_id) is None:
        abort(404)
    form = ConfirmForm(prefix=change)
    if not form.validate():
        flash("Отметьте подтверждение, чтобы продолжить.")
        return redirect(url_for("editor_docs.history", doc_id=doc_id))
    user = signed_in()
    assert user is not None
    done = getattr(service, change)(user, doc_id)
    messages = {"withdraw": "Документ снят: его больше нет в поиске, но он хранится и может быть восстановлен.",
                "restore": "Документ восстановлен и снова находится поиском."}
    flash(messages[change] if done else "Ничего не изменилось.")
    return redirect(url_for("editor_docs.history", doc_id=doc_id))
