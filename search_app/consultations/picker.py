"""The lawyer's citation picker (pure): «ст. 17 131-ФЗ» → a ``Cite``, checked
against the acts in the base. A citation of an act the base does not hold is
flagged, as is one of an act no longer in force (the consultation would be
outdated from the start)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.document import Cite
from search_app.web.act_index import ActEntry
from search_app.web.acts import ActRef, find_references
from search_app.web.consultation_page import act_status, cite_label, cite_ref
from search_app.web.refs import DANGER, OK, WARN

ARTICLE_RE = re.compile(r"(?:\b[Сс]т\.?|\b[Сс]тать[яиеюё]й?)\s*(\d+(?:\.\d+)*)")
NUMBER_RE = re.compile(r"№\s*(\d[\w/.-]*)|\b(\d+[\w/-]*)")
FindActs = Callable[[ActRef], list[ActEntry]]


class CitationError(ValueError):
    """The text names no act; the message says what to type (Russian)."""


@dataclass(frozen=True)
class CiteCheck:
    cite: Cite
    level: str  # ok, warn, danger (as the page's reference statuses)
    message: str
    act_ids: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        """Whether the citation may be saved (flagged ones need the lawyer's attention)."""
        return self.level != DANGER or bool(self.act_ids)


def parse_citation(text: str) -> Cite:
    """«ст. 17 131-ФЗ», «131-ФЗ, статья 17», «Постановление № 1710» → ``Cite``."""
    text = " ".join(text.split())
    article_match = ARTICLE_RE.search(text)
    article = article_match.group(1) if article_match else ""
    rest = text[: article_match.start()] + " " + text[article_match.end():] if article_match else text
    refs = find_references(rest)
    if refs:
        number = refs[0][2].number
    else:
        found = NUMBER_RE.search(rest)
        if not found:
            raise CitationError("Укажите номер акта, например «ст. 17 131-ФЗ» или «постановление № 1710».")
        number = found.group(1) or found.group(2)
    return Cite(number, article)


def check_citation(cite: Cite, find: FindActs) -> CiteCheck:
    """How the base answers a citation: found, several acts, lapsed, or missing."""
    acts = find(cite_ref(cite))
    ids = tuple(a.id for a in acts)
    label = cite_label(cite)
    status = act_status(acts)
    if not acts:
        return CiteCheck(cite, DANGER, f"{label}: такого акта нет в базе — проверьте номер.")
    if status.level == DANGER:
        return CiteCheck(cite, WARN, f"{label}: акт утратил силу — консультация будет помечена как устаревшая.", ids)
    if len(acts) > 1:
        return CiteCheck(cite, WARN, f"{label}: в базе {len(acts)} акта с этим номером — ссылка поведёт на их список.", ids)
    return CiteCheck(cite, OK, f"{label}: {acts[0].title}", ids)
