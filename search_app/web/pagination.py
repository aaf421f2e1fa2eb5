"""Page links with gaps: 1 … 4 5 [6] 7 8 … 20 (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None is a gap («…»)
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    links: tuple[PageLink, ...]
    prev_url: str
    next_url: str


def paginate(page: int, pages: int, url_for: Callable[[int], str], window: int = 2) -> Pagination | None:
    """Links around ``page``; ``None`` when there is only one page."""
    if pages <= 1:
        return None
    wanted = {1, pages, *range(max(1, page - window), min(pages, page + window) + 1)}
    links: list[PageLink] = []
    previous = 0
    for n in sorted(wanted):
        if n - previous > 1:
            links.append(PageLink(None))
        links.append(PageLink(n, url_for(n), n == page))
        previous = n
    return Pagination(
        tuple(links),
        url_for(page - 1) if page > 1 else "",
        url_for(page + 1) if page < pages else "",
    )
