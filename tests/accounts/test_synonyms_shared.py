"""Two hosts on one database: a dictionary applied in the console of one reaches the other.

Each app stands for a host: its own data dir, its own copy of the shipped
``synonyms/`` files and its own analyzer; only the database is shared. The
second host notices the edit at its next check of the store's synonyms
version (a clock the test moves), without a restart; no file is written.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from search_app.query import SearchQuery
from search_app.web import create_app
from search_app.web.engine_ext import get_engine
from tests.accounts.conftest import PASSWORD, ROLE_EMAILS, csrf_token, sign_in

PROJECT_SYNONYMS = Path(__file__).resolve().parents[2] / "synonyms"
RULE = "коммуналка => жилищно-коммунальное хозяйство"
EXPANDED = ("жилищный", "коммунальный", "хозяйство")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def hosts(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, Flask, Clock]]:
    monkeypatch.delenv("MUNNAV_SMTP_URL", raising=False)
    clock = Clock()
    apps = []
    for host in ("a", "b"):
        synonyms = Path(shutil.copytree(PROJECT_SYNONYMS, tmp_path / host / "synonyms"))
        apps.append(create_app({
            "DATA_DIR": str(tmp_path / host / "data"), "DATABASE_URL": store_url, "TESTING": True,
            "ELASTICSEARCH_URL": "", "SYNONYMS_DIR": str(synonyms), "SYNONYMS_CLOCK": clock,
        }))
    with apps[0].app_context():
        from search_app.web.services import accounts

        accounts().create(None, ROLE_EMAILS["editor"], PASSWORD, ["editor"])
    yield apps[0], apps[1], clock
    for app in apps:
        app.extensions["munnav"].close()


def alternatives(app: Flask, text: str) -> set[tuple[str, ...]]:
    """How the app's search expands ``text`` (what it would look for)."""
    with app.app_context():
        plan = get_engine().plan(SearchQuery(text=text))
    return {alt for clause in plan.parsed.clauses for alt in clause.alternatives}


def test_an_edit_applied_on_one_host_reaches_the_other_within_the_check_interval(hosts) -> None:
    a, b, clock = hosts
    files = {p: p.read_text(encoding="utf-8") for app in (a, b) for p in Path(app.config["SYNONYMS_DIR"]).glob("*.txt")}
    assert EXPANDED not in alternatives(b, "коммуналка")  # b has checked the store once, just now
    client = a.test_client()
    assert sign_in(client, ROLE_EMAILS["editor"]).status_code == 302
    text = (PROJECT_SYNONYMS / "municipal.txt").read_text(encoding="utf-8") + f"\n{RULE}\n"
    applied = client.post("/editor/synonyms/municipal.txt",
                          data={"csrf_token": csrf_token(client, "/reset"), "text": text, "apply": "1", "confirm": "y"})
    assert applied.status_code == 302
    assert EXPANDED in alternatives(a, "коммуналка")  # the host that took the edit: at once
    clock.now += 4
    assert EXPANDED not in alternatives(b, "коммуналка")  # the other: not before its next check
    clock.now += 2
    assert EXPANDED in alternatives(b, "коммуналка")  # and then without a restart
    assert {p: p.read_text(encoding="utf-8") for p in files} == files  # no file written, on either host

    # Reset on a: the shipped dictionary again on both hosts; the edit stays in the history.
    history = client.get("/editor/synonyms/municipal.txt/history").get_data(as_text=True)
    assert "применён, строк" in history and "Вернуть поставляемый словарь" in history
    reset = client.post("/editor/synonyms/municipal.txt/reset",
                        data={"csrf_token": csrf_token(client, "/reset"), "reset-confirm": "y"})
    assert reset.status_code == 302
    clock.now += 6
    assert EXPANDED not in alternatives(b, "коммуналка") and EXPANDED not in alternatives(a, "коммуналка")
    page = client.get("/editor/synonyms/municipal.txt/history").get_data(as_text=True)
    assert "возвращён поставляемый" in page and "Вернуть поставляемый словарь" not in page


def test_history_shows_what_an_edit_changed_and_opens_it_for_a_rollback(hosts) -> None:
    a, _, _ = hosts
    client = a.test_client()
    assert sign_in(client, ROLE_EMAILS["editor"]).status_code == 302
    shipped = (PROJECT_SYNONYMS / "municipal.txt").read_text(encoding="utf-8")
    for extra in (RULE, "дворовый проезд, внутриквартальный проезд"):
        response = client.post("/editor/synonyms/municipal.txt", data={
            "csrf_token": csrf_token(client, "/reset"), "text": shipped + f"\n{extra}\n", "apply": "1", "confirm": "y"})
        assert response.status_code == 302
    with a.app_context():
        from search_app.web.console_synonyms import editor

        first, second = sorted(v.id for v in editor().history("municipal.txt"))
    shown = client.get(f"/editor/synonyms/municipal.txt/history?v={second}").get_data(as_text=True)
    assert "-коммуналка =&gt; жилищно-коммунальное хозяйство" in shown
    assert "+дворовый проезд, внутриквартальный проезд" in shown
    reopened = client.get(f"/editor/synonyms/municipal.txt?from={first}").get_data(as_text=True)
    assert "коммуналка =&gt; жилищно-коммунальное хозяйство" in reopened and "внутриквартальный" not in reopened
    assert client.get("/editor/synonyms/municipal.txt?from=999999").status_code == 404
    unconfirmed = client.post("/editor/synonyms/municipal.txt/reset", data={"csrf_token": csrf_token(client, "/reset")})
    assert unconfirmed.status_code == 302 and "внутриквартальный" in client.get("/editor/synonyms/municipal.txt").get_data(as_text=True)
