"""Forms of the account pages (Flask-WTF: CSRF token, server-side validation, normalised input)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from search_app.accounts.model import ROLES, normalise_email
from search_app.accounts.passwords import MAX_LENGTH, MIN_LENGTH

REQUIRED = "Заполните это поле."
EMAIL = "Введите адрес электронной почты, например name@mo.gov.ru."


def _strip(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


def _email(value: str | None) -> str:
    return normalise_email(value) if isinstance(value, str) else ""


def email_field() -> StringField:
    return StringField("Электронная почта", filters=[_email], validators=[
        DataRequired(REQUIRED), Length(max=254), Email(EMAIL, check_deliverability=False),
    ])


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField("Пароль", validators=[
            InputRequired(REQUIRED),
            Length(MIN_LENGTH, MAX_LENGTH, f"Пароль — от {MIN_LENGTH} до {MAX_LENGTH} символов."),
        ]),
        PasswordField("Пароль ещё раз", validators=[
            InputRequired(REQUIRED), EqualTo("password", "Пароли не совпадают."),
        ]),
    )


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField("Пароль", validators=[InputRequired(REQUIRED), Length(max=MAX_LENGTH)])
    next = HiddenField()


class SignUpForm(FlaskForm):
    email = email_field()
    password, password_again = new_password_fields()
    name = StringField("Имя и фамилия", filters=[_strip], validators=[DataRequired(REQUIRED), Length(max=200)])
    municipality = StringField("Муниципальное образование", filters=[_strip],
                               validators=[DataRequired(REQUIRED), Length(max=300)])
    region = StringField("Регион", filters=[_strip], validators=[DataRequired(REQUIRED), Length(max=200)])
    consent = BooleanField("Согласен на обработку персональных данных, указанных в форме",
                           validators=[DataRequired("Без согласия регистрация невозможна.")])


class ResetRequestForm(FlaskForm):
    email = email_field()


class ResetForm(FlaskForm):
    password, password_again = new_password_fields()


class ProfileForm(FlaskForm):
    name = StringField("Имя и фамилия", filters=[_strip], validators=[Length(max=200)])
    municipality = StringField("Муниципальное образование", filters=[_strip], validators=[Length(max=300)])
    region = StringField("Регион", filters=[_strip], validators=[Length(max=200)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Текущий пароль", validators=[InputRequired(REQUIRED), Length(max=MAX_LENGTH)])
    password, password_again = new_password_fields()


DELETE_WORD = "удалить"


class DeleteAccountForm(FlaskForm):
    confirm = StringField(f"Введите слово «{DELETE_WORD}»", filters=[_strip])

    def validate_confirm(self, field: StringField) -> None:
        if (field.data or "").lower() != DELETE_WORD:
            raise ValidationError(f"Чтобы удалить учётную запись, введите «{DELETE_WORD}».")


class TokenForm(FlaskForm):
    name = StringField("Название токена", filters=[_strip], validators=[DataRequired(REQUIRED), Length(max=100)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    roles = MultiCheckboxField("Роли", choices=[SelectChoice(key, label) for key, label in ROLES.items()])


class AllowlistForm(FlaskForm):
    domains = TextAreaField("Домены (по одному в строке)", validators=[Length(max=20_000)])


class ConfirmForm(FlaskForm):
    """A consequential action: the box must be ticked (checked on the server)."""

    confirm = BooleanField("Да, я понимаю последствия", validators=[
        DataRequired("Отметьте подтверждение, чтобы продолжить."),
    ])
