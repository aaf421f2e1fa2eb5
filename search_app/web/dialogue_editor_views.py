"""``/editor/dialogue``: editors publish, merge, split, reject problems and link their answers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from search_app.dialogue.problems import DialogueError, Problem, ProblemService
from search_app.web.account_forms import ActionForm
from search_app.web.dialogue_forms import AnswerForm, MergeForm, RejectForm, SplitForm
from search_app.web.engine_ext import get_engine
from search_app.web.login import requires, signed_in

bp = Blueprint("dialogue_editor", __name__, url_prefix="/editor/dialogue")


def service() -> ProblemService:
    engine = get_engine()
    return ProblemService(engine.store.engine, engine.analyzer)


def actor_id() -> int | None:
    user = signed_in()
    return user.id if user is not None else None


@bp.get("/")
@requires("problem.moderate")
def queue() -> str:
    return render_template(
        "editor/dialogue.html", queue=service().queue(), action_form=ActionForm(formdata=None),
        reject_form=RejectForm(formdata=None), merge_form=MergeForm(formdata=None),
        split_form=SplitForm(formdata=None), answer_form=AnswerForm(formdata=None),
    )


def _act(form: FlaskForm, change: Callable[[], Problem], done: str) -> Response:
    if not form.validate():
        message = next(iter(e for errors in form.errors.values() for e in errors), "Проверьте форму.")
        abort(400, description=str(message))
    try:
        problem = change()
    except DialogueError as exc:
        abort(400, description=str(exc))
    flash(done.format(id=problem.id, title=problem.title))
    return redirect(url_for("dialogue_editor.queue"))


@bp.post("/<int:problem_id>/publish")
@requires("problem.moderate")
def publish(problem_id: int) -> Response:
    return _act(ActionForm(), lambda: service().publish(problem_id, actor_id()), "Проблема № {id} опубликована.")


@bp.post("/<int:problem_id>/reject")
@requires("problem.moderate")
def reject(problem_id: int) -> Response:
    form = RejectForm()
    return _act(form, lambda: service().reject(problem_id, form.reason.data, actor_id()),
                "Обращения проблемы № {id} отклонены.")


@bp.post("/<int:problem_id>/merge")
@requires("problem.moderate")
def merge(problem_id: int) -> Response:
    form = MergeForm()
    return _act(form, lambda: service().merge(problem_id, form.target.data, actor_id()),
                "Обращения перенесены в проблему № {id} «{title}».")


@bp.post("/<int:problem_id>/split")
@requires("problem.moderate")
def split(problem_id: int) -> Response:
    form = SplitForm()
    return _act(form, lambda: service().split(problem_id, form.ids(), form.title.data, actor_id()),
                "Выделена новая проблема № {id}.")


@bp.post("/<int:problem_id>/answer")
@requires("problem.moderate")
def answer(problem_id: int) -> Response:
    form = AnswerForm()

    def link() -> Problem:
        if form.doc_id.data and get_engine().get(form.doc_id.data) is None:
            raise DialogueError(f"Документа «{form.doc_id.data}» нет в базе.")
        return service().set_answer(problem_id, form.doc_id.data, actor_id())

    return _act(form, link, "Ответ на проблему № {id} сохранён.")
