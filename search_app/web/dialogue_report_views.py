"""Officials report problems (/dialogue/report), follow their reports (/dialogue/mine), join problems.

While writing, the official sees what the base already offers for the text
(solutions, measures, practices, consultations) and the published problems
it resembles; a page that solves it closes the report as deflected, a
problem that is theirs too takes «у нас тоже» instead of a duplicate.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from search_app.dialogue.problems import DialogueError, ProblemService, Reporter
from search_app.dialogue.topics import topic_suggester
from search_app.query import QueryError, SearchQuery
from search_app.web.account_forms import ActionForm
from search_app.web.dialogue_forms import DeflectForm, ReportForm
from search_app.web.engine_ext import get_engine
from search_app.web.login import requires, signed_in

bp = Blueprint("dialogue_report", __name__)

MATCH_KINDS = ("solution", "measure", "competition", "practice", "consultation")
MATCHES = 5

STATUS_LABELS = {
    "pending": "на рассмотрении у редактора",
    "published": "опубликовано",
    "rejected": "отклонено",
    "deflected": "решено найденной страницей",
}


def service() -> ProblemService:
    engine = get_engine()
    return ProblemService(engine.store.engine, engine.analyzer)


def reporter() -> Reporter:
    user = signed_in()
    assert user is not None  # @requires signed the user in
    return Reporter(user.id, user.municipality, user.region)


def matching_documents(text: str) -> list[object]:
    """What the base already has for the text: «maybe this is already solved»."""
    try:
        result = get_engine().similar(SearchQuery(text=text[:500], filters={"kind": MATCH_KINDS}, per_page=MATCHES,
                                                  with_facets=False))
    except QueryError:
        return []
    return list(result.hits)


@bp.route("/dialogue/report", methods=["GET", "POST"])
@requires("problem.report")
def report() -> Response | str:
    form = ReportForm()
    names = topic_suggester().names
    form.topic.choices = [("", "— выберите тему —"), *[(t, t) for t in names]]
    matches: list[object] = []
    similar: list[object] = []
    error = None
    failed = False
    if request.method == "POST":
        valid = form.validate()
        if form.send.data and valid:
            try:
                created = service().submit(reporter(), form.text.data, form.topic.data)
            except DialogueError as exc:
                error = str(exc)
            else:
                flash(f"Обращение № {created.id} отправлено: его рассмотрит редактор.")
                return redirect(url_for("dialogue_report.mine"))
        failed = not valid or error is not None
    if form.text.data and len(form.text.data) >= 3:
        if not form.topic.data:
            form.topic.data = topic_suggester().suggest(form.text.data) or ""
        matches = matching_documents(form.text.data)
        if form.topic.data:
            similar = service().similar(form.text.data, form.topic.data)
    status = 400 if failed else 200
    return render_template("dialogue/report.html", form=form, matches=matches, similar=similar, error=error,
                           deflect_form=DeflectForm(formdata=None), action_form=ActionForm(formdata=None)), status


@bp.post("/dialogue/report/solved")
@requires("problem.report")
def solved() -> Response:
    form = DeflectForm()
    if not form.validate():
        abort(400, description="Не указана страница, которая решила вопрос.")
    try:
        service().deflect(reporter(), form.text.data or "", form.topic.data or "", form.doc_id.data)
    except DialogueError as exc:
        abort(400, description=str(exc))
    flash("Хорошо, что решение нашлось. Мы учли, что эта страница помогла.")
    return redirect(url_for("pages.document", doc_id=form.doc_id.data))


@bp.post("/dialogue/problems/<int:problem_id>/me-too")
@requires("problem.report")
def me_too(problem_id: int) -> Response:
    if not ActionForm().validate():
        abort(400)
    try:
        service().add_me_too(reporter(), problem_id)
    except DialogueError as exc:
        abort(400, description=str(exc))
    flash("Отмечено: у вашего муниципалитета эта проблема тоже есть. Редактор учтёт отметку.")
    return redirect(url_for("dialogue.problem", problem_id=problem_id))


@bp.get("/dialogue/mine")
@requires("problem.report")
def mine() -> str:
    user = signed_in()
    assert user is not None
    return render_template("dialogue/mine.html", reports=service().reports_of(user.id), labels=STATUS_LABELS)
