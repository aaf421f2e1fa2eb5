"""What a consultation page shows about the acts it cites (pure).

Each cited act is looked up in the base: a link to the act or to the cited
article, and its status today; a consultation relying on an act no longer in
force is outdated («устарела»), the same rule the index ranks it by
(``search_app.citations``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.document import Cite, Document
from search_app.citations import LAPSED_STATUSES
from search_app.web.act_index import ActEntry
from search_app.web.acts import ActLink, ActRef
from search_app.web.refs import DANGER, OK, WARN, RefStatus

FindActs = Callable[[ActRef], list[ActEntry]]
Resolve = Callable[[ActRef], ActLink | None]


@dataclass(frozen=True)
class CitedAct:
    cite: Cite
    label: str  # «ст. 17, 131-ФЗ»
    title: str  # the act's title, or «» when it is not in the base
    url: str  # act or article page; a search when several acts share the number; «» when not in the base
    status: RefStatus

    @property
    def lapsed(self) -> bool:
        return self.status.level == DANGER and bool(self.title)

    def to_dict(self) -> dict[str, object]:
        return {**self.cite.to_dict(), "title": self.title or None, "url": self.url or None,
                "found": bool(self.title), "level": self.status.level, "status": self.status.label,
                "lapsed": self.lapsed}


def cite_ref(cite: Cite) -> ActRef:
    return ActRef(number=cite.doc_number, article=f"ст. {cite.article}" if cite.article else "")


def cite_label(cite: Cite) -> str:
    return f"ст. {cite.article}, {cite.doc_number}" if cite.article else cite.doc_number


def act_status(acts: list[ActEntry]) -> RefStatus:
    """An act is lapsed when every act in the base with its number is."""
    if not acts:
        return RefStatus(DANGER, "Акта нет в базе")
    statuses = {a.status for a in acts}
    if statuses <= LAPSED_STATUSES:
        return RefStatus(DANGER, "Утратил силу")
    if statuses == {"draft"}:
        return RefStatus(WARN, "Проект, не вступил в силу")
    return RefStatus(OK, "Действует")


def cited_acts(doc: Document, find: FindActs, resolve: Resolve) -> list[CitedAct]:
    out = []
    for cite in doc.cites:
        ref = cite_ref(cite)
        acts = find(ref)
        link = resolve(ref) if acts else None
        title = acts[0].title if len(acts) == 1 else (link.title if link else "")
        out.append(CitedAct(cite, cite_label(cite), title, link.url if link else "", act_status(acts)))
    return out


def is_outdated(cited: list[CitedAct]) -> bool:
    return any(c.lapsed for c in cited)
