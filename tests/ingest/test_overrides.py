"""An editor's correction of a crawled document survives the source's next crawls.

Saved pages of a contest list on the local fixture server, the real pipeline,
store (SQLite, then PostgreSQL) and embedded index; the editor works through
``DocumentEditor``, the service behind the console.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.outcome import Outcome
from ingest.pipeline import Pipeline
from ingest.store import Store
from search_app.accounts import audit
from search_app.accounts.links import LinkSigner
from search_app.accounts.model import User
from search_app.accounts.service import AccountService
from search_app.backends.embedded import EmbeddedBackend
from search_app.editorial import DocumentEditor
from search_app.engine import SearchEngine
from search_app.query import SearchQuery
from tests.ingest.conftest import FIXTURES, make_source
from tests.ingest.server import FixtureServer, Reply
from tests.ingest.test_connectors import registry_options

LIST = "/public/contest/list"
SOURCE_SUMMARY = "Гранты некоммерческим организациям, в том числе ТОС, на социально значимые проекты."
EDITOR_SUMMARY = "Гранты ТОС на благоустройство; заявки принимает губернаторская комиссия."


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from search_app.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def engine(store_url: str, tmp_path: Path) -> Iterator[SearchEngine]:
    eng = SearchEngine(Store(store_url), EmbeddedBackend(tmp_path / "index"))
    yield eng
    eng.close()


@pytest.fixture
def editor(engine: SearchEngine) -> User:
    return AccountService(engine.store.engine, LinkSigner("secret")).create(None, "editor@example.ru", "pass word 1", ["editor"])


def contests_page(**replacements: str) -> Reply:
    """The saved contest list (windows-1251), with some of its text changed by the source."""
    html = (FIXTURES / "competitions_page1.html").read_bytes().decode("cp1251")
    for old, new in replacements.items():
        assert old in html
        html = html.replace(old, new)
    return Reply(html.encode("cp1251"), content_type="text/html")


def serve(server: FixtureServer, **replacements: str) -> None:
    server.add(f"{LIST}?page=1", contests_page(**replacements))
    server.add(f"{LIST}?page=2", Reply((FIXTURES / "competitions_empty.html").read_bytes(), content_type="text/html"))


def crawl(engine: SearchEngine, server: FixtureServer) -> dict:
    report = Pipeline(engine).run(make_source("contests", "html_list", server.base, "competition",
                                              registry_options("pgrants-competitions")))
    assert report.status == "ok", report.errors
    return {**report.counts, **report.counters}


def first_contest(engine: SearchEngine) -> Document:
    docs = engine.store.get_many(engine.store.ids_for_source("contests"), include_withdrawn=True)
    return next(d for d in docs.values() if d.title == "Первый конкурс 2025 года")


def correct(engine: SearchEngine, editor: User, **fields: object) -> Document:
    """What the console's edit form does: the document with some fields changed, saved."""
    before = first_contest(engine)
    doc, _ = DocumentEditor(engine).save(editor, {**before.to_dict(), **fields}, new=False)
    return doc


def found(engine: SearchEngine, text: str) -> list[str]:
    return [h.document.id for h in engine.search(SearchQuery(text=text, verbatim=True)).hits]


def test_a_correction_survives_recrawls_with_unchanged_and_changed_other_fields(engine, editor, server) -> None:
    serve(server)
    crawl(engine, server)
    original = first_contest(engine)
    assert original.deadline == dt.date(2025, 3, 15) and original.summary == SOURCE_SUMMARY
    correct(engine, editor, deadline="2025-04-15", summary=EDITOR_SUMMARY, topics=["ТОС", "гранты"])

    again = crawl(engine, server)  # the source did not change
    assert again["unchanged"] == 2 and again["updated"] == 0 and "import/conflicts" not in again
    doc = first_contest(engine)
    assert (doc.deadline, doc.summary, doc.topics) == (dt.date(2025, 4, 15), EDITOR_SUMMARY, ("ТОС", "гранты"))

    serve(server, **{"До 10 млн рублей": "До 12 млн рублей"})  # another field changes at the source
    report = crawl(engine, server)
    assert report["updated"] == 1 and "import/conflicts" not in report
    doc = first_contest(engine)
    assert doc.amount_max == 12_000_000  # the source's change is published…
    assert engine.store.source_record(doc.id) == replace(doc, deadline=original.deadline, summary=original.summary,
                                                         topics=original.topics)
    assert (doc.deadline, doc.summary, doc.topics) == (dt.date(2025, 4, 15), EDITOR_SUMMARY, ("ТОС", "гранты"))
    assert engine.store.versions(doc.id)[-1].document == doc  # …and the history holds what was published
    assert found(engine, "губернаторская") == [doc.id]  # the index has the correction
    assert engine.store.conflicts() == {}


def test_the_source_changing_a_corrected_field_is_a_conflict_until_the_correction_is_kept(
    engine, editor, server
) -> None:
    serve(server)
    crawl(engine, server)
    doc_id = correct(engine, editor, deadline="2025-04-15").id

    serve(server, **{"15.03.2025": "31.03.2025"})  # the source moves the deadline the editor corrected
    report = crawl(engine, server)
    assert report["import/conflicts"] == 1
    assert report["unchanged"] == 2  # what is published did not change…
    assert first_contest(engine).deadline == dt.date(2025, 4, 15)  # …the correction holds
    assert engine.store.source_record(doc_id).deadline == dt.date(2025, 3, 31)  # the source's record is kept
    [override] = engine.store.conflicts()[doc_id]
    assert (override.field, override.source_value, override.source_new, override.value) == (
        "deadline", "2025-03-15", "2025-03-31", "2025-04-15")
    assert override.editor_id == editor.id
    assert "import/conflicts" not in crawl(engine, server)  # the same news is raised once

    assert DocumentEditor(engine).keep_override(editor, doc_id, "deadline")
    assert engine.store.conflicts() == {}
    assert first_contest(engine).deadline == dt.date(2025, 4, 15)
    assert "import/conflicts" not in crawl(engine, server)  # kept over 31.03: no longer news
    serve(server, **{"15.03.2025": "10.04.2025"})
    assert crawl(engine, server)["import/conflicts"] == 1  # a further change is news again
    assert engine.store.conflicts()[doc_id][0].source_value == "2025-03-31"
    entries, _ = audit.entries(engine.store.engine, audit.AuditFilter(action="document.override_keep"))
    assert entries[0].actor_id == editor.id and entries[0].target == f"document:{doc_id}"
    assert entries[0].before["source_new"] == "2025-03-31" and entries[0].after["source_value"] == "2025-03-31"


def test_resolving_a_conflict_either_way_publishes_and_indexes_the_chosen_value(engine, editor, server) -> None:
    serve(server)
    crawl(engine, server)
    doc_id = correct(engine, editor, summary=EDITOR_SUMMARY).id
    source_new = "Конкурс отменён решением организатора."
    serve(server, **{SOURCE_SUMMARY: source_new})
    assert crawl(engine, server)["import/conflicts"] == 1
    assert found(engine, "губернаторская") == [doc_id] and found(engine, "отменён") == []

    assert DocumentEditor(engine).keep_override(editor, doc_id, "summary")
    assert first_contest(engine).summary == EDITOR_SUMMARY
    assert found(engine, "губернаторская") == [doc_id] and found(engine, "отменён") == []

    serve(server, **{SOURCE_SUMMARY: "Конкурс перенесён на следующий год."})
    assert crawl(engine, server)["import/conflicts"] == 1
    assert DocumentEditor(engine).drop_override(editor, doc_id, "summary")  # «взять значение источника»
    doc = first_contest(engine)
    assert doc.summary == "Конкурс перенесён на следующий год." and engine.store.overrides_of(doc_id) == []
    assert found(engine, "перенесён") == [doc_id] and found(engine, "губернаторская") == []
    assert engine.store.versions(doc_id)[-1].document == doc
    assert engine.store.conflicts() == {}
    assert "import/conflicts" not in crawl(engine, server)
    entries, _ = audit.entries(engine.store.engine, audit.AuditFilter(action="document.override_drop"))
    assert entries[0].before["value"] == EDITOR_SUMMARY
    assert entries[0].after == {"field": "summary", "value": "Конкурс перенесён на следующий год."}


def test_an_override_dropped_without_a_conflict_gives_the_field_back_to_the_source(engine, editor, server) -> None:
    serve(server)
    crawl(engine, server)
    doc_id = correct(engine, editor, summary=EDITOR_SUMMARY, topics=["ТОС"]).id
    assert {o.field for o in engine.store.overrides_of(doc_id)} == {"summary", "topics"}

    assert DocumentEditor(engine).drop_override(editor, doc_id, "summary")
    doc = first_contest(engine)
    assert doc.summary == SOURCE_SUMMARY and doc.topics == ("ТОС",)  # the other correction stays
    assert found(engine, "губернаторская") == []
    assert not DocumentEditor(engine).drop_override(editor, doc_id, "summary")  # nothing left to drop

    serve(server, **{SOURCE_SUMMARY: "Гранты на проекты местных сообществ."})
    assert crawl(engine, server)["updated"] == 1  # the source owns the field again
    assert first_contest(engine).summary == "Гранты на проекты местных сообществ."
    assert engine.store.conflicts() == {}


def test_a_source_that_adopts_the_correction_retires_it(engine, editor, server) -> None:
    serve(server)
    crawl(engine, server)
    doc_id = correct(engine, editor, deadline="2025-04-15").id
    serve(server, **{"15.03.2025": "15.04.2025"})
    report = crawl(engine, server)
    assert report["unchanged"] == 2 and "import/conflicts" not in report
    assert engine.store.overrides_of(doc_id) == []
    serve(server, **{"15.03.2025": "20.04.2025"})
    crawl(engine, server)
    assert first_contest(engine).deadline == dt.date(2025, 4, 20)  # later changes flow through


def test_setting_a_field_back_to_the_source_value_ends_the_correction(engine, editor, server) -> None:
    serve(server)
    crawl(engine, server)
    doc_id = correct(engine, editor, summary=EDITOR_SUMMARY).id
    correct(engine, editor, summary=SOURCE_SUMMARY)
    assert engine.store.overrides_of(doc_id) == []


def test_a_corrected_document_withdrawn_and_restored_keeps_its_correction(engine, editor, server) -> None:
    serve(server)
    crawl(engine, server)
    doc_id = correct(engine, editor, summary=EDITOR_SUMMARY).id
    service = DocumentEditor(engine)
    assert service.withdraw(editor, doc_id)
    assert found(engine, "губернаторская") == []
    assert service.restore(editor, doc_id)
    assert first_contest(engine).summary == EDITOR_SUMMARY and found(engine, "губернаторская") == [doc_id]
    assert [o.field for o in engine.store.overrides_of(doc_id)] == ["summary"]
    assert "import/conflicts" not in crawl(engine, server)


def test_documents_written_in_the_console_are_edited_in_place(engine, editor) -> None:
    service = DocumentEditor(engine)
    record = {"id": "practice-yard", "kind": "practice", "title": "Двор силами жителей",
              "summary": "Жители выбрали проект двора голосованием."}
    service.save(editor, record, new=True)
    assert engine.store.source_of("practice-yard") == "editor"
    service.save(editor, {**record, "summary": "Жители выбрали проект двора и приняли работы."}, new=False)
    assert engine.store.overrides_of("practice-yard") == []  # the editor is its source: no overrides
    assert engine.store.get("practice-yard").summary == "Жители выбрали проект двора и приняли работы."
    assert [v.outcome.value for v in engine.store.versions("practice-yard")] == ["new", "updated"]
    assert found(engine, "приняли") == ["practice-yard"]
    assert service.withdraw(editor, "practice-yard") and found(engine, "приняли") == []
    assert service.restore(editor, "practice-yard") and found(engine, "приняли") == ["practice-yard"]
    assert engine.store.source_of("practice-yard") == "editor"


def test_a_file_reimport_keeps_a_correction_too(engine, editor) -> None:
    record = {"id": "m-1", "kind": "measure", "title": "Субсидия на дороги", "summary": "Ремонт дорог."}
    engine.import_documents([Document.from_dict(record)])
    DocumentEditor(engine).save(editor, {**record, "summary": "Ремонт дорог и мостов."}, new=False)
    engine.import_documents([Document.from_dict(record)])
    assert engine.store.get("m-1").summary == "Ремонт дорог и мостов."
    changed = replace(Document.from_dict(record), summary="Ремонт дорог местного значения.")
    report = engine.import_documents([changed])
    assert report.counts[Outcome.UNCHANGED] == 1 and report.indexed == 0
    assert engine.store.get("m-1").summary == "Ремонт дорог и мостов."
    assert engine.store.conflicts()["m-1"][0].source_new == "Ремонт дорог местного значения."
