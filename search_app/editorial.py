"""Documents written and curated by editors: create, edit, withdraw, restore, history.

Hand-made documents go through the same path as imported ones (the store,
its version history, the index) with the source ``editor``. A step of a
solution never points at a document the base does not have: ``save`` refuses
it, naming the step. Every change is recorded in the audit log.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ingest.document import Document, ValidationError
from ingest.outcome import Outcome
from ingest.store import DocumentVersion
from search_app.accounts import audit
from search_app.accounts.model import User
from search_app.engine import SearchEngine

EDITOR_SOURCE = "editor"
HAND_KINDS = ("solution", "practice")


class StepRefMissing(ValueError):
    """A step refers to documents the base does not have (or that are withdrawn)."""

    def __init__(self, missing: dict[int, list[str]]) -> None:
        self.missing = missing  # step number (from 1) → ids
        parts = [f"шаг {n}: нет документов {', '.join(ids)}" for n, ids in sorted(missing.items())]
        super().__init__("; ".join(parts))


@dataclass(frozen=True)
class FieldDiff:
    field: str
    before: str
    after: str

    @property
    def html(self) -> Markup:
        """The change word by word: removed words in <del>, added in <ins> (escaped)."""
        a, b = self.before.split(" "), self.after.split(" ")
        out: list[str] = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                out.append(str(escape(" ".join(a[i1:i2]))))
                continue
            if i2 > i1:
                out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
            if j2 > j1:
                out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
        return Markup(" ".join(out))


def diff_documents(before: Document | None, after: Document) -> list[FieldDiff]:
    """The fields that differ, each as text (lists and steps shown one item a line)."""
    old = _flat(before.to_dict()) if before else {}
    new = _flat(after.to_dict())
    return [FieldDiff(name, old.get(name, ""), new.get(name, "")) for name in _ordered(old, new)
            if old.get(name, "") != new.get(name, "")]


def _ordered(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return list(dict.fromkeys([*new, *old]))


def _flat(record: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in record.items():
        if name == "steps":
            for n, step in enumerate(value, 1):
                refs = ", ".join(step.get("refs", []))
                out[f"шаг {n}"] = f"{step['title']} — {step.get('text', '')}" + (f" [{refs}]" if refs else "")
        elif isinstance(value, list):
            out[name] = ", ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value)
        else:
            out[name] = str(value)
    return out


class DocumentEditor:
    def __init__(self, search: SearchEngine) -> None:
        self.search = search
        self.store = search.store

    def get(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id, include_withdrawn=True)

    def is_withdrawn(self, doc_id: str) -> bool:
        return self.store.is_withdrawn(doc_id)

    def hand_made(self) -> list[tuple[Document, bool]]:
        """Documents written in the console, with whether each is withdrawn."""
        ids = sorted(self.store.ids_for_source(EDITOR_SOURCE, include_withdrawn=True))
        docs = self.store.get_many(ids, include_withdrawn=True)
        return [(docs[i], self.store.is_withdrawn(i)) for i in ids if i in docs]

    def missing_refs(self, doc: Document) -> dict[int, list[str]]:
        refs = {r for step in doc.steps for r in step.refs}
        live = self.store.get_many(refs) if refs else {}
        missing: dict[int, list[str]] = {}
        for n, step in enumerate(doc.steps, 1):
            absent = [r for r in step.refs if r not in live or r == doc.id]
            if absent:
                missing[n] = absent
        return missing

    def save(self, actor: User, record: dict[str, Any], new: bool) -> tuple[Document, Outcome]:
        """Validate (``ValidationError``, ``StepRefMissing``), store, index, audit."""
        doc = Document.from_dict(record)
        before = self.get(doc.id)
        if new and before is not None:
            raise ValidationError("id", f"документ {doc.id} уже есть")
        if not new and before is None:
            raise ValidationError("id", f"документа {doc.id} нет")
        missing = self.missing_refs(doc)
        if missing:
            raise StepRefMissing(missing)
        source = before.source if before is not None and before.source else EDITOR_SOURCE
        report = self.search.import_documents([doc], source=source)
        outcome = next(o for o, n in report.counts.items() if n)
        if outcome != Outcome.UNCHANGED:
            self._audit(actor, "document.create" if new else "document.edit", doc.id,
                        before.to_dict() if before else None, doc.to_dict())
        return doc, outcome

    def withdraw(self, actor: User, doc_id: str) -> bool:
        if self.get(doc_id) is None or self.is_withdrawn(doc_id):
            return False
        self.store.withdraw([doc_id])
        self.search.remove_from_index([doc_id])
        self._audit(actor, "document.withdraw", doc_id, {"withdrawn": False}, {"withdrawn": True})
        return True

    def restore(self, actor: User, doc_id: str) -> bool:
        doc = self.get(doc_id)
        if doc is None or not self.is_withdrawn(doc_id):
            return False
        source = doc.source or EDITOR_SOURCE
        self.search.import_documents([doc], source=source)
        self._audit(actor, "document.restore", doc_id, {"withdrawn": True}, {"withdrawn": False})
        return True

    def versions(self, doc_id: str) -> list[DocumentVersion]:
        return self.store.versions(doc_id)

    def _audit(self, actor: User, action: str, doc_id: str, before: Any, after: Any) -> None:
        with self.store.engine.begin() as conn:
            audit.record(conn, actor.id, action, f"document:{doc_id}", before=before, after=after)
