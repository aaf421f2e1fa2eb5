"""``/legal/``: ask a lawyer (officials), the lawyers' queue, the asker's answers.

Thin views: validate the form, call ``ConsultationService``, render. Who may
do what is decided by ``may`` (``legal.ask``, ``legal.answer``); a private
answer is shown to its asker and to lawyers only.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from search_app.consultations.citations_form import read_cites
from search_app.consultations.forms import AnswerForm, AskForm, TakeForm
from search_app.consultations.model import Question, anonymised, may_read_answer
from search_app.consultations.picker import CitationError, check_citation, parse_citation
from search_app.consultations.service import ConsultationService, QueueError
from search_app.mail import MailError, Message
from search_app.query import QueryError, SearchQuery
from search_app.web.engine_ext import act_index, get_engine
from search_app.web.login import requires, signed_in
from search_app.web.services import accounts, db, mailer

bp = Blueprint("legal", __name__, url_prefix="/legal")
log = logging.getLogger("munnav.legal")
SIMILAR_LIMIT = 5


def service() -> ConsultationService:
    return ConsultationService(db(), publish=get_engine().import_documents)


def similar_consultations(text: str, limit: int = SIMILAR_LIMIT) -> list:
    """Answered consultations close to what is being asked (the ask page, as one types)."""
    if not text.strip():
        return []
    try:
        result = get_engine().search(SearchQuery(text=text[:300], filters={"kind": ("consultation",)},
                                                 per_page=limit, with_facets=False))
    except QueryError:
        return []
    return result.hits


@bp.app_context_processor
def unread_answers() -> dict[str, object]:
    """``legal_unread()`` in every template: new answers for the signed-in asker (the nav badge)."""

    def legal_unread() -> int:
        user = signed_in()
        return ConsultationService(db()).unread_count(user.id) if user is not None else 0

    return {"legal_unread": legal_unread}


# -- officials ---------------------------------------------------------------


@bp.route("/ask", methods=["GET", "POST"])
@requires("legal.ask")
def ask() -> str | Response:
    form = AskForm()
    user = signed_in()
    assert user is not None
    if form.validate_on_submit():
        question = service().ask(user.id, form.title.data, form.text.data, user.municipality, user.region,
                                 bool(form.disclose_municipality.data))
        flash("Вопрос отправлен юристам. Статус и ответ — на странице «Мои вопросы».")
        return redirect(url_for("legal.mine", question_id=question.id))
    similar = similar_consultations(f"{form.title.data or ''} {form.text.data or ''}")
    return render_template("legal/ask.html", form=form, similar=similar), 400 if form.errors else 200


@bp.get("/similar")
@requires("legal.ask")
def similar() -> Response:
    """JSON for the ask page's «похожие консультации» as the question is typed."""
    hits = similar_consultations(request.args.get("q", ""))
    return jsonify([{"id": h.id, "title": h.document.title, "snippet": h.snippet,
                     "url": url_for("pages.document", doc_id=h.id)} for h in hits])


@bp.get("/my")
@requires("account.view")
def my_questions() -> str:
    user = signed_in()
    assert user is not None
    return render_template("legal/my.html", questions=service().asked_by(user.id))


@bp.get("/my/<int:question_id>")
@requires("account.view")
def mine(question_id: int) -> str:
    user = signed_in()
    assert user is not None
    question = service().get(question_id)
    if question is None or question.asker_id != user.id:
        abort(404)
    service().mark_seen(question)
    return render_template("legal/question.html", question=question, asker_view=True)


# -- lawyers -----------------------------------------------------------------


@bp.get("/questions")
@requires("legal.answer")
def queue() -> str:
    user = signed_in()
    assert user is not None
    return render_template("legal/queue.html", queue=service().queue(user.id), answered=service().answered(),
                           take_form=TakeForm(formdata=None))


@bp.get("/questions/<int:question_id>")
@requires("legal.answer")
def question(question_id: int) -> str:
    found = _question_or_404(question_id)
    return _render_question(found, AnswerForm(formdata=None, public_text=_public_text(found)))


@bp.post("/questions/<int:question_id>/take")
@requires("legal.answer")
def take(question_id: int) -> Response:
    user = signed_in()
    assert user is not None
    _question_or_404(question_id)
    if TakeForm().validate_on_submit():
        try:
            service().take(question_id, user.id)
        except QueueError as exc:
            flash(str(exc))
    return redirect(url_for("legal.question", question_id=question_id))


@bp.post("/questions/<int:question_id>/answer")
@requires("legal.answer")
def answer(question_id: int) -> str | Response | tuple[str, int]:
    user = signed_in()
    assert user is not None
    found = _question_or_404(question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_question(found, form), 400
    cited = read_cites(form.cites.data, act_index().acts)
    if cited.errors:
        form.cites.errors = list(cited.errors)
        return _render_question(found, form, cited.warnings), 400
    try:
        answered = service().answer(question_id, user.id, form.answer.data, cited.cites,
                                    form.public_text.data or _public_text(found), form.visibility.data)
    except QueueError as exc:
        flash(str(exc))
        return redirect(url_for("legal.question", question_id=question_id))
    _notify(answered)
    if answered.document_id:
        flash("Ответ опубликован как консультация.")
        return redirect(url_for("pages.document", doc_id=answered.document_id))
    flash("Ответ отправлен автору вопроса.")
    return redirect(url_for("legal.queue"))


@bp.get("/cites/check")
@requires("legal.answer")
def check_cite() -> Response:
    """The citation picker as the lawyer types: what the base says of «ст. 17 131-ФЗ»."""
    try:
        check = check_citation(parse_citation(request.args.get("q", "")), act_index().acts)
    except CitationError as exc:
        return jsonify({"level": "danger", "message": str(exc), "accepted": False})
    return jsonify({"level": check.level, "message": check.message, "accepted": check.accepted,
                    "cite": check.cite.to_dict()})


def _question_or_404(question_id: int) -> Question:
    found = service().get(question_id)
    if found is None:
        abort(404)
    user = signed_in()
    assert user is not None
    if not may_read_answer(found, user.id, is_lawyer=True):
        abort(404)
    return found


def _public_text(question: Question) -> str:
    """The question as it would be published: without the asker's name (and municipality)."""
    asker = accounts().get(question.asker_id)
    name = asker.name if asker else ""
    return anonymised(question.text, name, question.municipality, question.disclose_municipality)


def _render_question(question: Question, form: AnswerForm, warnings: tuple[str, ...] = ()) -> str:
    user = signed_in()
    assert user is not None
    return render_template("legal/question.html", question=question, asker_view=False, form=form,
                           take_form=TakeForm(formdata=None), warnings=warnings, lawyer_id=user.id)


def _notify(question: Question) -> None:
    """E-mail the asker when SMTP is set; their page always shows the answer as new."""
    if not mailer().configured:
        return
    asker = accounts().get(question.asker_id)
    if asker is None or not asker.email or asker.deleted_at:
        return
    link = url_for("legal.mine", question_id=question.id, _external=True)
    where = "Ответ опубликован обезличенно и доступен всем служащим." if question.status == "published" else (
        "Ответ виден только вам.")
    try:
        mailer().send(Message(
            to=asker.email, subject=f"Юрист ответил на ваш вопрос: {question.title}",
            text=f"Здравствуйте!\n\nЮрист ответил на ваш вопрос «{question.title}». {where}\n\n{link}\n",
        ))
    except MailError:
        log.warning("письмо об ответе на вопрос %s не отправлено", question.id)
