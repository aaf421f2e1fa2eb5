"""``Store.upsert_many`` gives exactly what one-by-one ``upsert`` gives, in one transaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import text

from ingest.document import Document
from ingest.outcome import Outcome
from ingest.store import Store


def _doc(i: int, title: str = "Субсидия") -> Document:
    return Document(id=f"d-{i}", kind="measure", title=f"{title} {i}", regions=("Вологодская область",))


def _rows(store: Store) -> list[tuple[str, str, str, str, int, bool]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, source, data, hash, missing_runs, withdrawn_at IS NOT NULL FROM documents ORDER BY id"
        ))
        return [tuple(r) for r in rows]


def test_upsert_many_matches_one_by_one(tmp_path: Path) -> None:
    one, bulk = Store(tmp_path / "one.sqlite3"), Store(tmp_path / "bulk.sqlite3")
    first = [_doc(i) for i in range(5)]
    second = [
        _doc(0),  # unchanged
        _doc(1, "Грант"),  # updated
        _doc(2),  # withdrawn before: comes back as updated
        _doc(7),  # new
        replace(_doc(7), summary="вторая копия в той же пачке"),  # repeated id: updated
        _doc(7),  # and back again
    ]
    for store in (one, bulk):
        for doc in first:
            store.upsert(doc, source="s")
        store.withdraw(["d-2"])

    expected = [one.upsert(d, source="s") for d in second]
    got = bulk.upsert_many(second, source="s")

    assert got == expected == [
        Outcome.UNCHANGED, Outcome.UPDATED, Outcome.UPDATED, Outcome.NEW, Outcome.UPDATED, Outcome.UPDATED,
    ]
    assert _rows(bulk) == _rows(one)
    assert bulk.get("d-7") == _doc(7)
    assert bulk.upsert_many([]) == []


def test_every_new_or_changed_content_is_kept_in_the_history(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite3")
    store.upsert_many([_doc(0), _doc(1)], source="s")
    store.withdraw(["d-1"])
    store.upsert_many([_doc(0), _doc(1), _doc(0, "Грант"), _doc(0)], source="s")
    assert [v.outcome for v in store.versions("d-0")] == [Outcome.NEW, Outcome.UPDATED, Outcome.UPDATED]
    assert [v.document.title for v in store.versions("d-0")] == ["Субсидия 0", "Грант 0", "Субсидия 0"]
    assert [v.outcome for v in store.versions("d-1")] == [Outcome.NEW, Outcome.UPDATED]  # came back
    assert store.upsert(_doc(0)) is Outcome.UNCHANGED
    assert len(store.versions("d-0")) == 3  # unchanged: no new version
    assert store.versions("nope") == []
