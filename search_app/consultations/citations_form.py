"""The citation picker's field: one citation a line → citations, or what to fix (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.document import Cite
from search_app.consultations.picker import (
    CitationError,
    CiteCheck,
    FindActs,
    check_citation,
    parse_citation,
)


@dataclass(frozen=True)
class CitedLines:
    cites: tuple[Cite, ...]
    checks: tuple[CiteCheck, ...]
    errors: tuple[str, ...]  # the answer cannot be saved while any is left

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(c.message for c in self.checks if c.level == "warn")


def read_cites(text: str, find: FindActs) -> CitedLines:
    cites: dict[Cite, None] = {}
    checks: list[CiteCheck] = []
    errors: list[str] = []
    for n, line in enumerate((ln.strip() for ln in text.splitlines()), start=1):
        if not line:
            continue
        try:
            cite = parse_citation(line)
        except CitationError as exc:
            errors.append(f"Строка {n} «{line}»: {exc}")
            continue
        check = check_citation(cite, find)
        checks.append(check)
        if not check.accepted:
            errors.append(check.message)
        cites.setdefault(cite, None)
    if not cites and not errors:
        errors.append("Укажите хотя бы одну норму, например «ст. 17 131-ФЗ».")
    return CitedLines(tuple(cites), tuple(checks), tuple(errors))
