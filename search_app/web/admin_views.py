"""``/admin/``: accounts (roles, approve, disable), the allowlist, the audit log."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from search_app.accounts import audit
from search_app.accounts.model import ROLES, User
from search_app.accounts.service import AccountError, UserFilter
from search_app.web.account_forms import ActionForm, AllowlistForm, RolesForm
from search_app.web.listing import page_links, page_number
from search_app.web.login import authorize, requires, signed_in
from search_app.web.services import accounts, db

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
STATUSES = {"": "все", "pending": "ждут одобрения", "unconfirmed": "адрес не подтверждён",
            "active": "активные", "disabled": "отключённые"}


@bp.get("/")
@requires("admin.view")
def users() -> str:
    flt = UserFilter(
        role=request.args.get("role", "") if request.args.get("role", "") in ROLES else "",
        status=request.args.get("status", "") if request.args.get("status", "") in STATUSES else "",
        text=request.args.get("q", "")[:200],
    )
    page = page_number()
    found, total = accounts().list(flt, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template("admin/users.html", users=found, total=total, flt=flt, roles=ROLES, statuses=STATUSES,
                           pages=page_links(page, total, PER_PAGE))


def _target(user_id: int) -> User:
    user = accounts().get(user_id)
    if user is None or user.deleted_at:
        abort(404)
    return user


@bp.get("/users/<int:user_id>")
@requires("admin.view")
def user(user_id: int) -> str:
    target = _target(user_id)
    entries, _ = audit.entries(db(), audit.AuditFilter(target=f"user:{user_id}"), limit=20)
    return render_template("admin/user.html", target=target, roles=ROLES, entries=entries,
                           roles_form=RolesForm(formdata=None, roles=sorted(target.roles)),
                           action_form=ActionForm(formdata=None))


@bp.post("/users/<int:user_id>/roles")
@requires("admin.view")
def set_roles(user_id: int) -> Response:
    target = _target(user_id)
    authorize("account.manage", target)
    form = RolesForm()
    if not form.validate():
        abort(400, "Неизвестная роль.")
    try:
        accounts().set_roles(signed_in(), target, form.roles.data or [])
    except AccountError as exc:
        abort(400, str(exc))
    flash("Роли сохранены.")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/<any(approve, disable, enable):change>")
@requires("admin.view")
def change(user_id: int, change: str) -> Response:
    target = _target(user_id)
    authorize("account.approve" if change == "approve" else "account.manage", target)
    getattr(accounts(), change)(signed_in(), target)
    flash({"approve": "Учётная запись одобрена.", "disable": "Учётная запись отключена.",
           "enable": "Учётная запись включена."}[change])
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/settings", methods=["GET", "POST"])
@requires("settings.edit")
def settings() -> Response | tuple[str, int]:
    form = AllowlistForm()
    if form.is_submitted():
        if not form.validate():
            return render_template("admin/settings.html", form=form), 400
        accounts().set_allowlist(signed_in(), form.domains.data or "")
        flash("Список доменов сохранён.")
        return redirect(url_for("admin.settings"))
    form.domains.data = "\n".join(accounts().allowlist())
    return render_template("admin/settings.html", form=form), 200


def _audit_filter() -> audit.AuditFilter:
    actor = request.args.get("actor", "")
    since, until = request.args.get("since", "")[:10], request.args.get("until", "")[:10]
    for value in (since, until):
        if value and not _is_date(value):
            abort(400, "Дата — в виде ГГГГ-ММ-ДД.")
    return audit.AuditFilter(
        action=request.args.get("action", "")[:50],
        actor_id=int(actor) if actor.isdigit() else None,
        target=request.args.get("target", "")[:300],
        since=since, until=until,
    )


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@bp.get("/audit")
@requires("audit.view")
def audit_log() -> str:
    flt = _audit_filter()
    page = page_number()
    entries, total = audit.entries(db(), flt, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template("admin/audit.html", entries=entries, total=total, flt=flt,
                           actions=audit.actions_in_use(db()), labels=audit.ACTION_LABELS,
                           pages=page_links(page, total, PER_PAGE))


@bp.get("/audit.csv")
@requires("audit.view")
def audit_csv() -> Response:
    flt = _audit_filter()
    return Response(stream_with_context(audit.csv_lines(db(), flt)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})
