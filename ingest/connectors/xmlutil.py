"""Safe-enough XML parsing for feeds and APIs (no external entities, no DTD)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ingest.http import ParseError


def parse_xml(text: str, url: str) -> ET.Element:
    """Parse XML text; DOCTYPE declarations are refused (entity expansion attacks)."""
    if "<!DOCTYPE" in text[:2048].upper():
        raise ParseError(url, "XML с DOCTYPE не принимается")
    try:
        return ET.fromstring(text.lstrip("\ufeff").strip())
    except ET.ParseError as exc:
        raise ParseError(url, f"некорректный XML: {exc}") from None


def local(tag: str) -> str:
    """Tag name without its namespace: ``{http://www.w3.org/2005/Atom}entry`` → ``entry``."""
    return tag.rsplit("}", 1)[-1]


def child_text(element: ET.Element, name: str) -> str:
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return ""
