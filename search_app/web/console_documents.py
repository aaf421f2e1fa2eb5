"""``/editor/documents``: write and edit documents by hand, withdraw and restore, version history;
editors' corrections of documents from sources and the conflicts a source's change raises."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from ingest.document import KIND_LABELS, ValidationError
from ingest.outcome import Outcome
from search_app.accounts.permissions import may
from search_app.editorial import (
    HAND_KINDS,
    DocumentEditor,
    StepRefMissing,
    diff_documents,
    value_text,
)
from search_app.query import SearchQuery
from search_app.web.account_forms import ActionForm, ConfirmForm
from search_app.web.document_forms import MAX_STEPS, DocumentForm
from search_app.web.engine_ext import get_engine
from search_app.web.login import redirect_back, requires, signed_in
from search_app.web.services import accounts

bp = Blueprint("editor_docs", __name__, url_prefix="/editor/documents")
FIELD_LABELS = {"id": "Идентификатор", "kind": "Вид", "title": "Заголовок", "summary": "Кратко", "body": "Текст",
                "topics": "Темы", "regions": "Регионы", "municipality": "Муниципалитет", "published": "Дата публикации",
                "deadline": "Срок подачи заявок"}
# Labels of the other fields a correction may show (FORMAT.md).
OTHER_LABELS = {"steps": "Шаги", "status": "Статус", "url": "Адрес", "issuer": "Кто выпустил", "audience": "Для кого",
                "amount_min": "Сумма от", "amount_max": "Сумма до", "doc_number": "Номер", "doc_type": "Вид акта",
                "source": "Источник"}


def editor() -> DocumentEditor:
    return DocumentEditor(get_engine())


@bp.get("/")
@requires("console.view")
def documents() -> str:
    text = request.args.get("q", "")[:200]
    found = []
    if text.strip():
        found = get_engine().search(SearchQuery(text=text, per_page=20, with_facets=False, verbatim=True)).hits
    service = editor()
    conflicts = len(service.store.conflicts()) if may(signed_in(), "document.override") else 0
    return render_template("editor/documents.html", q=text, found=found, hand_made=service.hand_made(),
                           conflicts=conflicts)


def _save(form: DocumentForm, new: bool, doc_id: str | None = None) -> Response | tuple[str, int]:
    if "add_step" in request.form:
        if len(form.steps) < MAX_STEPS:
            form.steps.append_entry()
        return _form_page(form, new, doc_id), 200
    if not form.validate():
        return _form_page(form, new, doc_id), 400
    service = editor()
    extra: dict = {}
    before = None
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
        doc, outcome = service.save(user, form.record(extra, before), new=new)
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
    service = editor()
    from_source = bool(doc_id) and service.from_source(doc_id or "")
    corrected = [o.field for o in service.overrides(doc_id)] if from_source and doc_id else []
    return render_template("editor/document_form.html", form=form, new=new, doc_id=doc_id, kinds=KIND_LABELS,
                           from_source=from_source, corrected=corrected, labels=_labels())


def _labels() -> dict[str, str]:
    return {**OTHER_LABELS, **FIELD_LABELS}


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
    overrides = service.overrides(doc_id) if may(signed_in(), "document.override") else []
    return render_template("editor/history.html", doc=doc, versions=versions, shown=shown,
                           withdrawn=service.is_withdrawn(doc_id), labels=_labels(),
                           from_source=service.from_source(doc_id), overrides=overrides,
                           editors=_editor_names(o.editor_id for o in overrides), value_text=value_text,
                           action_form=ActionForm(formdata=None),
                           forms={"withdraw": ConfirmForm(formdata=None, prefix="withdraw"),
                                  "restore": ConfirmForm(formdata=None, prefix="restore")})


def _editor_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Who made each correction, as the console names people (a deleted account has no name)."""
    names: dict[int, str] = {}
    for user_id in {i for i in ids if i is not None}:
        user = accounts().get(user_id)
        names[user_id] = (user.name or user.email or "удалённая учётная запись") if user else "—"
    return names


@bp.get("/conflicts")
@requires("document.override")
def conflicts() -> str:
    """Documents whose source changed a field an editor had corrected."""
    found = editor().conflicts()
    return render_template("editor/conflicts.html", conflicts=found, labels=_labels(), value_text=value_text,
                           editors=_editor_names(o.editor_id for c in found for o in c.overrides),
                           action_form=ActionForm(formdata=None))


@bp.post("/<path:doc_id>/overrides/<field>/<any(keep, drop):choice>")
@requires("document.override")
def resolve(doc_id: str, field: str, choice: str) -> Response:
    """Keep a correction over the source's new value, or publish the source's value again."""
    service = editor()
    if service.get(doc_id) is None:
        abort(404)
    if not ActionForm().validate():
        abort(400, description="Форма устарела: обновите страницу и повторите.")
    user = signed_in()
    assert user is not None
    label = _labels().get(field, field)
    if choice == "keep":
        done = service.keep_override(user, doc_id, field)
        message = f"Исправление поля «{label}» оставлено; источник больше не расходится с ним."
    else:
        done = service.drop_override(user, doc_id, field)
        message = f"Поле «{label}» снова берётся из источника."
    flash(message if done else "Ничего не изменилось.")
    return redirect_back(url_for("editor_docs.history", doc_id=doc_id))


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
