"""The user's own account: what is stored, profile, password, API tokens, deletion."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from search_app.accounts.model import ROLES
from search_app.accounts.passwords import WeakPassword
from search_app.accounts.service import AccountError
from search_app.web.account_forms import (
    ActionForm,
    DeleteAccountForm,
    PasswordChangeForm,
    ProfileForm,
    TokenForm,
)
from search_app.web.login import end_session, requires, signed_in
from search_app.web.services import accounts

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status: int = 200, new_token: str | None = None, **submitted: FlaskForm) -> tuple[str, int]:
    """The profile page; ``submitted`` holds the form that was posted (with its errors)."""
    user = signed_in()
    assert user is not None
    forms = {
        "profile": ProfileForm(formdata=None, obj=user),
        "password": PasswordChangeForm(formdata=None),
        "token": TokenForm(formdata=None),
        "delete": DeleteAccountForm(formdata=None),
    } | submitted
    return render_template(
        "account/profile.html",
        user=user,
        role_labels=[ROLES[r] for r in sorted(user.roles)],
        forms=forms,
        action_form=ActionForm(formdata=None),
        tokens=accounts().tokens(user),
        new_token=new_token,
    ), status


@bp.get("")
@requires("account.view")
def profile() -> tuple[str, int]:
    return _page()


@bp.post("")
@requires("account.view")
def update_profile() -> Response | tuple[str, int]:
    form = ProfileForm()
    if not form.validate():
        return _page(400, profile=form)
    user = signed_in()
    assert user is not None
    accounts().update_profile(user, form.name.data, form.municipality.data, form.region.data)
    flash("Профиль сохранён.")
    return redirect(url_for("account.profile"))


@bp.post("/password")
@requires("account.view")
def change_password() -> Response | tuple[str, int]:
    form = PasswordChangeForm()
    if not form.validate():
        return _page(400, password=form)
    user = signed_in()
    assert user is not None
    try:
        accounts().change_password(user, form.current.data, form.password.data)
    except (AccountError, WeakPassword) as exc:
        form.current.errors = [str(exc)]
        return _page(400, password=form)
    end_session()  # every session of this user has ended with the old password
    flash("Пароль изменён. Войдите с новым паролем.")
    return redirect(url_for("auth.login"))


@bp.post("/tokens")
@requires("account.view")
def create_token() -> Response | tuple[str, int]:
    form = TokenForm()
    if not form.validate():
        return _page(400, token=form)
    user = signed_in()
    assert user is not None
    secret = accounts().create_token(user, form.name.data)
    return _page(201, new_token=secret)


@bp.post("/tokens/<int:token_id>/revoke")
@requires("account.view")
def revoke_token(token_id: int) -> Response:
    user = signed_in()
    assert user is not None
    if accounts().revoke_token(user, token_id):
        flash("Токен отозван.")
    return redirect(url_for("account.profile"))


@bp.post("/delete")
@requires("account.view")
def delete() -> Response | tuple[str, int]:
    form = DeleteAccountForm()
    if not form.validate():
        return _page(400, delete=form)
    user = signed_in()
    assert user is not None
    accounts().delete_account(user)
    end_session()
    flash("Учётная запись удалена. Ваши опубликованные материалы остались на портале без вашего имени.")
    return redirect(url_for("pages.home"))
