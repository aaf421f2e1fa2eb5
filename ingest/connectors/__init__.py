"""Connector types by registry name; a new type registers here, a new source only in the registry."""

from __future__ import annotations

from ingest.connectors.base import Connector, Record
from ingest.connectors.feed import FeedConnector
from ingest.connectors.html_list import HtmlListConnector
from ingest.connectors.ips import IpsConnector
from ingest.connectors.pravo_api import PravoApiConnector
from ingest.connectors.regulation import RegulationConnector

CONNECTORS: dict[str, type[Connector]] = {
    cls.type_name: cls
    for cls in (PravoApiConnector, IpsConnector, RegulationConnector, FeedConnector, HtmlListConnector)
}

__all__ = ["CONNECTORS", "Connector", "Record"]
