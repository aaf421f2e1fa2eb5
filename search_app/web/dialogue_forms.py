"""Forms of «Муниципальный диалог» (Flask-WTF: CSRF token, server-side validation, normalised input)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from search_app.dialogue.problems import MIN_TEXT, TEXT_LENGTH

REQUIRED = "Заполните это поле."


def _squash(value: str | None) -> str:
    return " ".join((value or "").split())


class ReportForm(FlaskForm):
    text = TextAreaField("Опишите проблему", filters=[_squash], validators=[
        DataRequired(REQUIRED),
        Length(min=MIN_TEXT, max=TEXT_LENGTH, message=f"От {MIN_TEXT} до {TEXT_LENGTH} символов."),
    ])
    topic = SelectField("Тема", validate_choice=True)  # required to send (the service says so), not to look
    check = SubmitField("Найти похожие решения")
    send = SubmitField("Отправить обращение")


class DeflectForm(FlaskForm):
    """«Это решает мою проблему»: the report is closed by a page found while writing it."""

    text = HiddenField(filters=[_squash])
    topic = HiddenField()
    doc_id = HiddenField(validators=[DataRequired()])


class RejectForm(FlaskForm):
    reason = StringField("Причина отклонения", filters=[_squash],
                         validators=[DataRequired("Укажите причину: её увидит автор."), Length(max=500)])


class MergeForm(FlaskForm):
    target = IntegerField("Объединить с проблемой №", validators=[
        InputRequired("Укажите номер проблемы."), NumberRange(min=1, message="Номер — целое число больше нуля.")])


class SplitForm(FlaskForm):
    report_ids = StringField("Номера обращений через запятую", filters=[_squash],
                             validators=[DataRequired(REQUIRED), Length(max=2000)])
    title = StringField("Название новой проблемы", filters=[_squash], validators=[Length(max=300)])

    def ids(self) -> list[int]:
        return [int(part) for part in self.report_ids.data.replace(",", " ").split() if part.isdigit()]


class AnswerForm(FlaskForm):
    doc_id = StringField("Документ-ответ (идентификатор; пусто — снять)", filters=[_squash],
                         validators=[Length(max=300)])
