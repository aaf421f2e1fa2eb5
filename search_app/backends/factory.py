"""Choose the backend by configuration alone: ELASTICSEARCH_URL set → Elasticsearch."""

from __future__ import annotations

from pathlib import Path

from search_app.backends.base import SearchBackend
from search_app.settings import setting


def make_backend(data_dir: Path, elasticsearch_url: str | None = None) -> SearchBackend:
    url = setting("elasticsearch_url") if elasticsearch_url is None else elasticsearch_url
    if url:
        from search_app.backends.elastic import ElasticBackend

        return ElasticBackend(url, setting("es_index"))
    from search_app.backends.embedded import EmbeddedBackend

    return EmbeddedBackend(data_dir / "index")
