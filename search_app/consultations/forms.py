"""Forms of the legal-advice pages (Flask-WTF: CSRF token, server-side validation)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from search_app.consultations.model import (
    ANSWER_LIMIT,
    PRIVATE,
    PUBLIC,
    QUESTION_LIMIT,
    TITLE_LIMIT,
)

REQUIRED = "Заполните это поле."


def _strip(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


class AskForm(FlaskForm):
    title = StringField("Коротко: о чём вопрос", filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=TITLE_LIMIT, message=f"Не длиннее {TITLE_LIMIT} символов.")])
    text = TextAreaField("Вопрос подробно", filters=[_strip], validators=[
        DataRequired(REQUIRED),
        Length(min=20, max=QUESTION_LIMIT, message=f"От 20 до {QUESTION_LIMIT} символов: опишите ситуацию."),
    ])
    disclose_municipality = BooleanField("Можно указать моё муниципальное образование, если ответ опубликуют")


class TakeForm(FlaskForm):
    """Only the CSRF token: «Взять в работу»."""


class AnswerForm(FlaskForm):
    public_text = TextAreaField("Вопрос для публикации", filters=[_strip], validators=[
        Length(max=QUESTION_LIMIT, message=f"Не длиннее {QUESTION_LIMIT} символов.")])
    answer = TextAreaField("Ответ", filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=ANSWER_LIMIT, message=f"Не длиннее {ANSWER_LIMIT} символов.")])
    cites = TextAreaField("Нормы, на которые опирается ответ — по одной в строке", filters=[_strip],
                          validators=[DataRequired("Укажите хотя бы одну норму, например «ст. 17 131-ФЗ».")])
    visibility = RadioField("Как ответить", default=PUBLIC, choices=[
        SelectChoice(PUBLIC, "Опубликовать обезличенно: ответ найдут другие служащие"),
        SelectChoice(PRIVATE, "Ответить лично: ответ увидит только автор вопроса"),
    ], validators=[DataRequired(REQUIRED)])
