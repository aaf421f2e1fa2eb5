"""Reports and moderation in the Municipal Dialogue: who may do what, and what each step changes."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.accounts import audit
from search_app.accounts.service import AccountService
from search_app.dialogue.problems import ProblemService, Reporter
from tests.accounts.conftest import ROLE_EMAILS, csrf_token, sign_in

TEXT = "Аварийный мост через реку закрыт, школьный автобус ездит в объезд сорок километров"


@pytest.fixture
def problems(app: Flask) -> ProblemService:
    return ProblemService(app.extensions["munnav"].engine.store.engine)


@pytest.fixture
def official(web_service: AccountService, people: dict[str, int]) -> int:
    user = web_service.get(people["official"])
    web_service.update_profile(user, "Служащая", "Сокольский муниципальный округ", "Вологодская область")
    return people["official"]


def _post(client: FlaskClient, path: str, data: dict[str, object], page: str) -> object:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def test_anonymous_sees_aggregates_only(client: FlaskClient, problems: ProblemService) -> None:
    assert client.get("/dialogue").status_code == 200
    assert client.get("/dialogue/heat?format=json").status_code == 200
    for path in ("/dialogue/report", "/dialogue/mine", "/editor/dialogue/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    report = problems.submit(Reporter(1, "Кунгур", "Пермский край"), TEXT, "дороги")
    assert client.post(f"/editor/dialogue/{report.problem_id}/publish").status_code in (302, 400)
    assert problems.problem(report.problem_id).status == "new"  # nothing changed


@pytest.mark.parametrize("role", ["official", "lawyer", "admin"])
def test_only_editors_moderate(client: FlaskClient, people: dict[str, int], problems: ProblemService,
                               role: str) -> None:
    report = problems.submit(Reporter(1, "Кунгур", "Пермский край"), TEXT, "дороги")
    sign_in(client, ROLE_EMAILS[role])
    assert client.get("/editor/dialogue/").status_code == 403
    token = csrf_token(client, "/account")
    response = client.post(f"/editor/dialogue/{report.problem_id}/publish", data={"csrf_token": token})
    assert response.status_code == 403
    assert problems.problem(report.problem_id).status == "new"


def test_only_approved_officials_report(client: FlaskClient, people: dict[str, int]) -> None:
    for role in ("editor", "lawyer"):
        sign_in(client, ROLE_EMAILS[role])
        assert client.get("/dialogue/report").status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    sign_in(client, "pending@mo.example.ru")
    assert client.get("/dialogue/report").status_code == 403


def test_official_reports_sees_matches_and_follows_status(client: FlaskClient, official: int,
                                                          problems: ProblemService) -> None:
    sign_in(client, ROLE_EMAILS["official"])
    checked = _post(client, "/dialogue/report", {"text": "Как создать ТОС в поселении", "topic": "", "check": "1"},
                    "/dialogue/report")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "Возможно, это уже решено" in html and "Как создать ТОС" in html  # the solution of the fixture corpus
    assert re.search(r'<option selected value="ТОС">|<option value="ТОС" selected>', html)  # topic suggested
    empty = _post(client, "/dialogue/report", {"text": "ямы", "topic": "дороги", "send": "1"}, "/dialogue/report")
    assert empty.status_code == 400 and "символов" in empty.get_data(as_text=True)
    sent = _post(client, "/dialogue/report", {"text": TEXT, "topic": "дороги", "send": "1"}, "/dialogue/report")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/dialogue/mine")
    mine = client.get("/dialogue/mine").get_data(as_text=True)
    assert "на рассмотрении у редактора" in mine and "Аварийный мост" in mine
    report = problems.reports_of(official)[0]
    assert (report.municipality, report.region) == ("Сокольский муниципальный округ", "Вологодская область")


def test_deflected_report_counts_as_solved(client: FlaskClient, official: int, problems: ProblemService) -> None:
    sign_in(client, ROLE_EMAILS["official"])
    response = _post(client, "/dialogue/report/solved", {"text": "Как создать ТОС", "topic": "ТОС", "doc_id": "s-tos"},
                     "/dialogue/report")
    assert response.status_code == 302 and response.headers["Location"].endswith("/documents/s-tos")
    assert [(r.status, r.deflected_by) for r in problems.reports_of(official)] == [("deflected", "s-tos")]


def test_editor_merges_into_a_published_problem_and_the_counter_rises(
        client: FlaskClient, people: dict[str, int], problems: ProblemService) -> None:
    existing = problems.submit(Reporter(50, "Кунгур", "Пермский край"), TEXT, "дороги").problem_id
    problems.publish(existing)
    new = problems.submit(Reporter(51, "Тотьма", "Вологодская область"),
                          "Деревянный мост аварийный, нужен капитальный ремонт моста", "дороги").problem_id
    if new == existing:  # clustered already: split it off, as an editor would
        new = problems.split(existing, [problems.reports_of(51)[0].id]).id
    before = client.get("/dialogue/largest?format=json").get_json()["tables"][0]["rows"]
    sign_in(client, ROLE_EMAILS["editor"])
    queue = client.get("/editor/dialogue/").get_data(as_text=True)
    assert "Деревянный мост" in queue
    merged = _post(client, f"/editor/dialogue/{new}/merge", {"target": existing}, "/editor/dialogue/")
    assert merged.status_code == 302
    after = client.get("/dialogue/largest?format=json").get_json()["tables"][0]["rows"]
    count = {r["Проблема"]: r["Муниципалитетов"] for r in after}
    assert count[problems.problem(existing).title] == 1 + {r["Проблема"]: r["Муниципалитетов"] for r in before}[
        problems.problem(existing).title]
    bad = _post(client, f"/editor/dialogue/{existing}/merge", {"target": existing}, "/editor/dialogue/")
    assert bad.status_code == 400
    rejected = _post(client, f"/editor/dialogue/{existing}/reject", {"reason": ""}, "/editor/dialogue/")
    assert rejected.status_code == 400


def test_moderation_is_in_the_audit_log(client: FlaskClient, people: dict[str, int], problems: ProblemService) -> None:
    problem = problems.submit(Reporter(1, "Кунгур", "Пермский край"), TEXT, "дороги").problem_id
    sign_in(client, ROLE_EMAILS["editor"])
    _post(client, f"/editor/dialogue/{problem}/publish", {}, "/editor/dialogue/")
    assert problems.problem(problem).status == "published"
    entries, total = audit.entries(problems.engine, audit.AuditFilter(action="problem.publish"))
    assert total == 1 and entries[0].actor_id == people["editor"] and entries[0].target == f"problem:{problem}"
