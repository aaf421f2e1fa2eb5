"""``/editor/sources``, ``/editor/runs``, ``/editor/jobs``: what the crawlers did, and "run now"."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from ingest.jobs import KINDS, STATE_LABELS
from search_app.web.account_forms import ActionForm
from search_app.web.listing import page_links, page_number
from search_app.web.login import requires, signed_in, wants_json
from search_app.web.services import console

bp = Blueprint("editor_runs", __name__, url_prefix="/editor")
PER_PAGE = 30
RUN_STATUSES = {"": "все", "ok": "успешно", "partial": "частично", "failed": "ошибка"}


@bp.get("/sources")
@requires("console.view")
def sources() -> str:
    return render_template("editor/sources.html", rows=console().sources(), action_form=ActionForm(formdata=None))


@bp.post("/sources/<name>/run")
@requires("source.run")
def run_source(name: str) -> Response:
    service = console()
    if service.source(name) is None:
        abort(404, f"Источника «{name[:100]}» нет в реестре.")
    user = signed_in()
    assert user is not None
    job, created = service.enqueue(user, "crawl", {"source": name})
    flash(f"Сбор «{name}» поставлен в очередь." if created else f"Сбор «{name}» уже в очереди или выполняется.")
    return redirect(url_for("editor_runs.job", job_id=job.id))


@bp.get("/runs")
@requires("console.view")
def runs() -> str:
    source = request.args.get("source", "")[:100]
    status = request.args.get("status", "")
    if status not in RUN_STATUSES:
        abort(400, "Неизвестный статус запуска.")
    page = page_number()
    found, total = console().runs.page(source=source or None, status=status or None,
                                       limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    names = sorted(console().registry())
    return render_template("editor/runs.html", runs=found, total=total, source=source, status=status,
                           statuses=RUN_STATUSES, names=names, pages=page_links(page, total, PER_PAGE))


@bp.get("/runs/<int:run_id>")
@requires("console.view")
def run(run_id: int) -> str:
    report = console().runs.get(run_id)
    if report is None:
        abort(404)
    return render_template("editor/run.html", run=report)


@bp.get("/jobs")
@requires("console.view")
def jobs() -> Response | str:
    recent = console().jobs.recent(50)
    if wants_json():
        return jsonify({"jobs": [j.to_dict() for j in recent]})
    return render_template("editor/jobs.html", jobs=recent, kinds=KINDS, states=STATE_LABELS)


@bp.get("/jobs/<int:job_id>")
@requires("console.view")
def job(job_id: int) -> Response | str:
    found = console().jobs.get(job_id)
    if found is None:
        abort(404)
    if wants_json():
        return jsonify(found.to_dict())
    return render_template("editor/job.html", job=found,
                           poll=current_app.config.get("JOB_POLL_MS", 2000))
