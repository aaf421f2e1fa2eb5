"""Sign-in, sign-out, sign-up with e-mail confirmation, password reset."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from search_app.accounts.links import LinkInvalid
from search_app.accounts.service import SignInFailed, sign_in_external
from search_app.mail import MailError, Message
from search_app.web.account_forms import ResetForm, ResetRequestForm, SignInForm, SignUpForm
from search_app.web.limits import limit
from search_app.web.login import end_session, redirect_back, signed_in, start_session
from search_app.web.public import public_url
from search_app.web.services import accounts, mailer
from search_app.web.signin_methods import external_methods

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

SIGNIN_RATE = "10 per minute; 50 per hour"  # per client address
SIGNIN_EMAIL_RATE = "5 per minute; 30 per hour"  # per address signed in to (distributed guessing)
SIGNUP_RATE = "5 per hour"
RESET_RATE = "5 per hour"


def _send(to: str, subject: str, text: str) -> None:
    try:
        mailer().send(Message(to=to, subject=subject, text=text))
    except MailError:
        # The page must not tell whether an address exists; the failure is for the log.
        log.exception("mail not sent")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    if signed_in():
        return redirect_back(url_for("account.profile"))
    form = SignInForm()
    if form.is_submitted():
        with limit(SIGNIN_RATE, scope="signin-address", shared=True), \
                limit(SIGNIN_EMAIL_RATE, key=lambda: (request.form.get("email") or "").strip().lower(),
                      scope="signin-email"):
            error = None
            if form.validate():
                try:
                    user = accounts().authenticate(form.email.data, form.password.data)
                except SignInFailed as exc:
                    error = str(exc)
                else:
                    start_session(user)
                    accounts().record_sign_in(user, "password")
                    return redirect_back(url_for("account.profile"))
            return render_template("auth/login.html", form=form, error=error,
                                   methods=external_methods().values()), 400 if error or form.errors else 200
    form.next.data = request.args.get("next", "")
    return render_template("auth/login.html", form=form, error=None, methods=external_methods().values())


@bp.post("/logout")
def logout() -> Response:
    user = signed_in()
    if user:
        accounts().record_sign_out(user)
    end_session()
    flash("Вы вышли из учётной записи.")
    return redirect(url_for("pages.home"))


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Response | tuple[str, int] | str:
    if signed_in():
        return redirect(url_for("account.profile"))
    form = SignUpForm()
    if form.is_submitted():
        with limit(SIGNUP_RATE, scope="signup"):
            if not form.validate():
                return render_template("auth/signup.html", form=form), 400
            result = accounts().sign_up(
                form.email.data, form.password.data, form.name.data, form.municipality.data, form.region.data,
            )
            user = result.user
            if result.created or not user.is_confirmed:
                link = public_url("auth.confirm", token=accounts().confirm_token(user))
                _send(form.email.data, "Подтвердите адрес электронной почты",
                      "Вы зарегистрировались в «Муниципальном навигаторе».\n"
                      f"Чтобы подтвердить адрес, откройте ссылку (действует 3 дня):\n{link}\n\n"
                      "Если вы не регистрировались, просто удалите это письмо.")
            else:
                _send(form.email.data, "Попытка регистрации",
                      "Кто-то пытался зарегистрироваться с вашим адресом, но учётная запись уже есть.\n"
                      f"Если вы забыли пароль, восстановите его: {public_url('auth.reset_request')}")
            # The same answer whether the address was new or not (no enumeration).
            return render_template("auth/check_mail.html", purpose="signup")
    return render_template("auth/signup.html", form=form)


@bp.get("/confirm/<token>")
def confirm(token: str) -> Response | tuple[str, int]:
    try:
        user = accounts().confirm(token)
    except LinkInvalid as exc:
        return render_template("auth/link_invalid.html", message=str(exc)), 400
    if user.is_approved:
        flash("Адрес подтверждён. Войдите в систему.")
    else:
        flash("Адрес подтверждён. Войдите в систему; сообщать о проблемах и задавать вопросы юристам "
              "можно будет после одобрения учётной записи редактором.")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> str | tuple[str, int]:
    form = ResetRequestForm()
    if form.is_submitted():
        with limit(RESET_RATE, scope="reset"):
            if not form.validate():
                return render_template("auth/reset_request.html", form=form), 400
            found = accounts().reset_token_for(form.email.data)
            if found is not None:
                link = public_url("auth.reset", token=found[1])
                _send(form.email.data, "Восстановление пароля",
                      f"Чтобы задать новый пароль, откройте ссылку (действует 1 час, один раз):\n{link}\n\n"
                      "Если вы не просили сменить пароль, просто удалите это письмо.")
            return render_template("auth/check_mail.html", purpose="reset")
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Response | str | tuple[str, int]:
    try:
        accounts().check_reset_token(token)
    except LinkInvalid as exc:
        return render_template("auth/link_invalid.html", message=str(exc)), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts().reset_password(token, form.password.data)
        except LinkInvalid as exc:
            return render_template("auth/link_invalid.html", message=str(exc)), 400
        end_session()
        flash("Пароль изменён. Войдите с новым паролем.")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.get("/login/<name>")
def external_begin(name: str) -> Response:
    method = external_methods().get(name) or abort(404)
    return method.begin(public_url("auth.external_finish", name=name))


@bp.get("/login/<name>/callback")
def external_finish(name: str) -> Response | tuple[str, int]:
    method = external_methods().get(name) or abort(404)
    with limit(SIGNIN_RATE, scope="signin-address", shared=True):
        try:
            user = sign_in_external(accounts(), method.finish())
        except SignInFailed as exc:
            return render_template("auth/link_invalid.html", message=str(exc)), 400
    start_session(user)
    accounts().record_sign_in(user, name)
    return redirect(url_for("account.profile"))
