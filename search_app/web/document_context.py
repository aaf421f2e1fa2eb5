"""One context for a document, rendered as the HTML page and as the JSON API answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.clock import today
from ingest.document import Document, Step
from search_app.citations import cited_by_key
from search_app.query import SearchQuery
from search_app.web.consultation_page import CitedAct, cited_acts, is_outdated
from search_app.web.document_page import document_json
from search_app.web.engine_ext import act_index, get_engine, related_documents
from search_app.web.refs import StepRef, step_refs

EXPLANATIONS_LIMIT = 10


@dataclass(frozen=True)
class DocumentContext:
    doc: Document
    steps: list[tuple[Step, list[StepRef]]]
    related: list[Document]
    cited: list[CitedAct]  # a consultation's cited acts, looked up in the base
    explanations: list[Document]  # for an act or an article: the consultations citing it
    cites_key: str | None  # the «cites» filter value that lists all of them
    data: dict[str, Any]  # the JSON rendering

    @property
    def outdated(self) -> bool:
        return is_outdated(self.cited)


def document_context(doc: Document) -> DocumentContext:
    engine = get_engine()
    day = today()
    refs = engine.store.get_many(doc.refs) if doc.steps else {}
    steps = [step_refs(step.refs, refs, day) for step in doc.steps]
    related = related_documents(doc.id, doc.refs)
    cited = cited_acts(doc, act_index().acts, act_index().resolve) if doc.cites else []
    key = cited_by_key(doc)
    explanations = citing_consultations(key) if key else []
    data = document_json(doc, day, related, steps, cited, explanations if key else None)
    return DocumentContext(doc, list(zip(doc.steps, steps, strict=True)), related, cited, explanations, key, data)


def citing_consultations(key: str, limit: int = EXPLANATIONS_LIMIT) -> list[Document]:
    """Consultations citing an act or an article, newest first (either backend)."""
    query = SearchQuery(filters={"kind": ("consultation",), "cites": (key,)}, sort="newest", per_page=limit,
                        with_facets=False)
    return [h.document for h in get_engine().search(query).hits]
