"""``/editor/index``: the index in service, store vs index counts, reindex and rollback (queued, confirmed)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for

from search_app.web.account_forms import ConfirmForm
from search_app.web.engine_ext import get_engine
from search_app.web.login import requires, signed_in
from search_app.web.services import console

bp = Blueprint("editor_index", __name__, url_prefix="/editor")
MESSAGES = {
    "reindex": "Переиндексация поставлена в очередь.",
    "rollback": "Откат к предыдущему индексу поставлен в очередь.",
}


def _page(status: int = 200, **forms: ConfirmForm) -> tuple[str, int]:
    forms = {"reindex": ConfirmForm(formdata=None, prefix="reindex"),
             "rollback": ConfirmForm(formdata=None, prefix="rollback")} | forms
    return render_template("editor/index.html", state=console().index_state(get_engine()), forms=forms), status


@bp.get("/index")
@requires("console.view")
def index() -> tuple[str, int]:
    return _page()


@bp.post("/index/<any(reindex, rollback):kind>")
@requires("index.manage")
def queue(kind: str) -> Response | tuple[str, int]:
    form = ConfirmForm(prefix=kind)
    if not form.validate():
        return _page(400, **{kind: form})
    user = signed_in()
    assert user is not None
    job, created = console().enqueue(user, kind)
    flash(MESSAGES[kind] if created else "Такое задание уже в очереди или выполняется.")
    return redirect(url_for("editor_runs.job", job_id=job.id))
