"""``/editor/``: the editors' console (approvals here; sources, index, documents, synonyms beside)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for

from search_app.accounts.permissions import may
from search_app.web.account_forms import ActionForm
from search_app.web.engine_ext import get_engine
from search_app.web.login import authorize, requires, signed_in
from search_app.web.services import accounts, console

bp = Blueprint("editor", __name__, url_prefix="/editor")


@bp.get("/")
@requires("console.view")
def dashboard() -> str:
    conflicts = get_engine().store.conflicts() if may(signed_in(), "document.override") else {}
    return render_template("editor/dashboard.html", pending=accounts().pending_approval(),
                           active=console().jobs.recent(100, active_only=True), conflicts=len(conflicts))


@bp.get("/approvals")
@requires("console.view")
def approvals() -> str:
    return render_template("editor/approvals.html", pending=accounts().pending_approval(),
                           action_form=ActionForm(formdata=None))


@bp.post("/approvals/<int:user_id>")
@requires("console.view")
def approve(user_id: int) -> Response:
    target = accounts().get(user_id)
    if target is None or target.deleted_at:
        abort(404)
    authorize("account.approve", target)
    if not target.is_approved:
        accounts().approve(signed_in(), target)
        flash(f"Учётная запись {target.email} одобрена.")
    return redirect(url_for("editor.approvals"))
