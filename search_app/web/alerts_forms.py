"""Forms of the alerts pages (Flask-WTF: CSRF token, server-side validation)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from search_app.alerts.periods import DAILY, FREQUENCIES, FREQUENCY_LABELS
from search_app.alerts.service import MAX_NAME

FREQUENCY_CHOICES = [SelectChoice(f, FREQUENCY_LABELS[f].capitalize()) for f in FREQUENCIES]


def _strip(value: str | None) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


class SaveSearchForm(FlaskForm):
    """«Сохранить поиск»: the search page's address and a name (empty: made from the query)."""

    url = HiddenField("Адрес поиска", filters=[_strip], validators=[DataRequired("Не указан адрес поиска.")])
    name = StringField("Название", filters=[_strip], validators=[Length(max=MAX_NAME)])
    frequency = SelectField("Письма", choices=FREQUENCY_CHOICES, default=DAILY)


class EditSearchForm(FlaskForm):
    name = StringField("Название", filters=[_strip], validators=[DataRequired("Укажите название."), Length(max=MAX_NAME)])
    frequency = SelectField("Письма", choices=FREQUENCY_CHOICES)
