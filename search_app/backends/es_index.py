"""Pure helpers around the Elasticsearch index: definition, names, source documents.

No IO except reading the versioned definition from ``index_mappings/``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from search_app.backends.base import IndexDoc
from search_app.index_document import LEMMA_WORDS, NO_DATE, NO_DEADLINE
from search_app.ranking import TEXT_FIELDS
from search_app.settings import PROJECT_ROOT

MAPPINGS_DIR = PROJECT_ROOT / "index_mappings"
SYNONYMS_PLACEHOLDER = "munnav-synonyms"
KEEP_PREVIOUS = 2
# Fields whose distinct terms the speller's vocabulary needs (`<field>_vocab` keyword arrays,
# doc values only: a composite aggregation lists them without fielddata on text fields).
VOCAB_FIELDS: tuple[str, ...] = (*TEXT_FIELDS, "forms")

# While bulk loading: no refreshes, no replicas (restored from the definition after).
LOADING_SETTINGS: dict[str, Any] = {
    "index": {"refresh_interval": "-1", "number_of_replicas": 0, "auto_expand_replicas": "false"}
}


@lru_cache(maxsize=4)
def _read_definition(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_definition(name: str = "documents", directory: Path = MAPPINGS_DIR) -> dict[str, Any]:
    """The index definition as stored in ``index_mappings/<name>.json`` (a fresh copy)."""
    definition: dict[str, Any] = json.loads(_read_definition(directory / f"{name}.json"))
    return definition


def mapping_version(definition: dict[str, Any]) -> int:
    return int(definition["mappings"]["_meta"]["version"])


def synonyms_set_name(alias: str) -> str:
    """One synonyms set per alias, so two deployments can share a cluster."""
    return f"{alias}-synonyms"


def index_body(definition: dict[str, Any], synonyms_set: str) -> dict[str, Any]:
    """Settings + mappings ready for ``indices.create`` (comments dropped, synonyms set named)."""
    body = {k: copy.deepcopy(v) for k, v in definition.items() if not k.startswith("_")}
    filters = body["settings"].get("analysis", {}).get("filter", {})
    for spec in filters.values():
        if spec.get("synonyms_set") == SYNONYMS_PLACEHOLDER:
            spec["synonyms_set"] = synonyms_set
    return body


def serving_settings(definition: dict[str, Any]) -> dict[str, Any]:
    """The settings LOADING_SETTINGS overrode, back to the definition's values."""
    index = definition["settings"]["index"]
    restored: dict[str, Any] = {"refresh_interval": index.get("refresh_interval", "1s")}
    if "auto_expand_replicas" in index:
        restored["auto_expand_replicas"] = index["auto_expand_replicas"]
    else:
        restored["number_of_replicas"] = index.get("number_of_replicas", 1)
    return {"index": restored}


def new_index_name(alias: str, now: dt.datetime | None = None) -> str:
    """A fresh, timestamped, lowercase index name; names sort by creation time."""
    moment = now or dt.datetime.now(dt.UTC)
    return f"{alias}-{moment:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def owned_indices(alias: str, names: list[str]) -> list[str]:
    """Indexes created by ``new_index_name`` for this alias, oldest first."""
    pattern = re.compile(re.escape(alias) + r"-\d{14}-[0-9a-f]{6}$")
    return sorted(n for n in names if pattern.match(n))


def stale_indices(alias: str, names: list[str], live: str, keep: int = KEEP_PREVIOUS) -> list[str]:
    """Indexes to delete after switching to ``live``: all but the ``keep`` newest older ones.

    Newer indexes than ``live`` (a rolled-back or abandoned build) are stale too.
    """
    owned = owned_indices(alias, names)
    older = [n for n in owned if n < live]
    newer = [n for n in owned if n > live]
    return (older[:-keep] if keep else older) + newer


def previous_index(alias: str, names: list[str], live: str) -> str | None:
    """The newest index older than ``live`` (the rollback target)."""
    older = [n for n in owned_indices(alias, names) if n < live]
    return older[-1] if older else None


def alias_swap_actions(alias: str, old: list[str], new: str) -> list[dict[str, Any]]:
    """One atomic ``update_aliases`` body: remove the alias everywhere, add it to ``new``."""
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old if name != new]
    actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
    return actions


def _iso(key: int) -> str:
    return f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"


def to_es_source(doc: IndexDoc) -> dict[str, Any]:
    """The shared index document plus Elasticsearch-only fields (dates, suggestions, vocabulary)."""
    source = dict(doc)
    source.pop(LEMMA_WORDS, None)
    published = int(doc.get("published") or NO_DATE)
    deadline = int(doc.get("deadline") or NO_DEADLINE)
    source["published_date"] = _iso(published) if published != NO_DATE else None
    source["deadline_date"] = _iso(deadline) if deadline not in (NO_DATE, NO_DEADLINE) else None
    source["title_suggest"] = doc.get("title_text") or ""
    for name in VOCAB_FIELDS:
        source[f"{name}_vocab"] = sorted(set(str(doc.get(name) or "").split()))
    return source
