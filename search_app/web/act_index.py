"""Which legal acts are in the base, by number: the resolver behind act links."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from ingest.store import Store
from search_app.web.acts import ActLink, ActRef, normalize_number, type_matches

REFRESH_SECONDS = 60.0


@dataclass(frozen=True)
class ActEntry:
    id: str
    title: str
    doc_type: str
    published: dt.date | None
    status: str = ""


def choose(ref: ActRef, candidates: list[ActEntry]) -> list[ActEntry]:
    """Narrow candidates by the date and the act type the text gives (pure)."""
    if ref.date is not None:
        candidates = [c for c in candidates if c.published == ref.date]
    return [c for c in candidates if type_matches(ref.type_hint, c.doc_type)]


def first_article_number(article: str) -> str:
    """«ст. 14» → «14»; «статьи 26.1 и 27» → «26.1»; no article → «»."""
    found = re.search(r"\d+(?:\.\d+)*", article)
    return found.group(0) if found else ""


class ActIndex:
    """Acts by normalised number, re-read from the store at most once a minute."""

    def __init__(self, store: Store, doc_url: str, search_url: str) -> None:
        self.store = store
        self.doc_url = doc_url  # with a «{id}» placeholder
        self.search_url = search_url
        self._by_number: dict[str, list[ActEntry]] = {}
        self._articles: dict[tuple[str, str], str] = {}  # (act id, article) → article doc id
        self._loaded_at = -REFRESH_SECONDS
        self._lock = threading.Lock()

    def _load(self) -> dict[str, list[ActEntry]]:
        with self._lock:
            if time.monotonic() - self._loaded_at < REFRESH_SECONDS:
                return self._by_number
            rows = list(self.store.iter_records("legal_act"))
            by_number: dict[str, list[ActEntry]] = {}
            articles: dict[tuple[str, str], str] = {}
            for doc_id, data in rows:
                if data.get("article") and data.get("act_id"):
                    # An article of an act: linked to from «ст. N …», never mistaken for the act.
                    articles.setdefault((str(data["act_id"]), str(data["article"])), doc_id)
                    continue
                number = data.get("doc_number")
                if not number:
                    continue
                published = data.get("published")
                entry = ActEntry(
                    doc_id, data.get("title", ""), data.get("doc_type", ""),
                    dt.date.fromisoformat(published[:10]) if published else None, data.get("status", ""),
                )
                by_number.setdefault(normalize_number(number), []).append(entry)
            self._by_number = by_number
            self._articles = articles
            self._loaded_at = time.monotonic()
            return by_number

    def acts(self, ref: ActRef) -> list[ActEntry]:
        """The acts in the base the reference may name; when several share the number,
        those holding the article it names (a code imported article by article)."""
        candidates = choose(ref, self._load().get(normalize_number(ref.number), []))
        number = first_article_number(ref.article)
        if len(candidates) > 1 and number:
            with_article = [c for c in candidates if (c.id, number) in self._articles]
            candidates = with_article or candidates
        return candidates

    def resolve(self, ref: ActRef) -> ActLink | None:
        """One match → the act's page; several → a search for that number among acts."""
        candidates = self.acts(ref)
        if not candidates:
            return None
        if len(candidates) == 1:
            act = candidates[0]
            article = self._articles.get((act.id, first_article_number(ref.article)))
            if article:
                return ActLink(self.doc_url.replace("{id}", article), act.title)
            return ActLink(self.doc_url.replace("{id}", act.id), act.title)
        query = urlencode([("q", f"№ {ref.number}"), ("kind", "legal_act")])
        return ActLink(f"{self.search_url}?{query}", f"Акты № {ref.number}: {len(candidates)}")
