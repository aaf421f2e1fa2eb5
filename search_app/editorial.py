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
from ingest.overrides import Override
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
            out.update({f"шаг {n}": _step_text(step) for n, step in enumerate(value, 1)})
        else:
            out[name] = value_text(value)
    return out


def _step_text(step: dict[str, Any]) -> str:
    refs = ", ".join(step.get("refs", []))
    return f"{step['title']} — {step.get('text', '')}" + (f" [{refs}]" if refs else "")


def value_text(value: Any) -> str:
    """A field's stored value as the console shows it (``None``: an absent field, empty)."""
    if value is None:
        return ""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "title" in v for v in value):  # steps
            return "\n".join(f"шаг {n}: {_step_text(step)}" for n, step in enumerate(value, 1))
        return ", ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Conflicted:
    """A document whose source changed fields an editor corrected."""

    document: Document
    overrides: list[Override]  # the conflicting ones, most recent change first


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
        if before is not None and self.from_source(doc.id):
            # A source's document: the changed fields become overrides its next records keep.
            stored = self.search.publish(lambda: self.store.correct(doc, actor.id))
            assert stored is not None
            doc, outcome = stored.document, stored.outcome
        else:
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
        if self.search.publish(lambda: self.store.restore(doc_id)) is None:
            return False
        self._audit(actor, "document.restore", doc_id, {"withdrawn": True}, {"withdrawn": False})
        return True

    # -- corrections of documents from sources (``ingest.overrides``) ------------

    def from_source(self, doc_id: str) -> bool:
        """Whether the document comes from a source (a crawl, a file): edits become overrides."""
        source = self.store.source_of(doc_id)
        return source is not None and source != EDITOR_SOURCE

    def overrides(self, doc_id: str) -> list[Override]:
        return self.store.overrides_of(doc_id)

    def conflicts(self) -> list[Conflicted]:
        """Documents whose source changed a corrected field, the most recent change first."""
        found = self.store.conflicts()
        docs = self.store.get_many(found, include_withdrawn=True)
        return [Conflicted(docs[i], held) for i, held in found.items() if i in docs]

    def keep_override(self, actor: User, doc_id: str, field: str) -> bool:
        """Resolve a conflict: the editor's value stays over the source's new one."""
        kept = self.store.keep_override(doc_id, field, actor.id)
        if kept is None:
            return False
        before, after = kept
        self._audit(actor, "document.override_keep", doc_id, _override_state(before), _override_state(after))
        return True

    def drop_override(self, actor: User, doc_id: str, field: str) -> bool:
        """Publish the source's value of the field again (resolving a conflict, or at any time)."""
        with self.store.writer_lock():  # the index follows the store before a reindex may start
            dropped = self.store.drop_override(doc_id, field)
            if dropped is None:
                return False
            self.search.publish(lambda: dropped[1])
        override = dropped[0]
        self._audit(actor, "document.override_drop", doc_id, _override_state(override),
                    {"field": field, "value": override.source_current})
        return True

    def versions(self, doc_id: str) -> list[DocumentVersion]:
        return self.store.versions(doc_id)

    def _audit(self, actor: User, action: str, doc_id: str, before: Any, after: Any) -> None:
        with self.store.engine.begin() as conn:
            audit.record(conn, actor.id, action, f"document:{doc_id}", before=before, after=after)


def _override_state(o: Override) -> dict[str, Any]:
    """An override as the audit log records it."""
    state = {"field": o.field, "value": o.value, "source_value": o.source_value}
    if o.conflict:
        state["source_new"] = o.source_new
    return state
