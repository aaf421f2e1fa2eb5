"""The connector contract: gather records, fetch and parse each into Documents.

Connectors only parse. ``gather`` lists the source's records (paging through
list pages or APIs); ``fetch`` turns one record into documents (requesting a
detail page if the source needs one). All HTTP goes through ``HttpClient``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ingest.document import Document
from ingest.http import HttpClient

if TYPE_CHECKING:
    from ingest.sources import Source


@dataclass(frozen=True)
class Record:
    """One item a source lists: its stable key, its URL and what the list already said."""

    key: str
    url: str
    data: Any = None


class Connector:
    """Base class; subclasses set ``type_name`` and implement ``gather`` and ``fetch``."""

    type_name: ClassVar[str] = ""
    required_options: ClassVar[tuple[str, ...]] = ()

    def __init__(self, source: Source) -> None:
        self.source = source
        self.options: Mapping[str, Any] = source.options

    @classmethod
    def check_options(cls, source: Source) -> None:
        """Raise ``RegistryError`` if the registry entry lacks what this connector needs."""
        from ingest.sources import RegistryError

        for name in cls.required_options:
            if name not in source.options:
                raise RegistryError(
                    f"[sources.{source.name}.options]: для типа {cls.type_name!r} нужен параметр {name!r}"
                )

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.source.base_url + path

    def gather(self, http: HttpClient) -> Iterator[Record]:
        raise NotImplementedError

    def fetch(self, http: HttpClient, record: Record) -> list[Document]:
        raise NotImplementedError
