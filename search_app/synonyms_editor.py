"""The synonym dictionaries edited in the console: validation by line, expansion preview, apply.

The same parser as the analyzer (``parse_synonym_lines``) reads the text; the
checks here add what the parser forgives but a dictionary must not have
(an empty term, a second «=>», a side with no terms, capitals, «ё», a term in
two equivalence groups). A preview builds the dictionary from the edited text
with the analyzer's own lemmas and expands a query with it, beside the
dictionary in service.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from search_app.analysis.analyzer import Analyzer
from search_app.analysis.synonyms import (
    SynonymMap,
    expand_lemmas,
    parse_synonym_lines,
    read_synonym_files,
)

FILE_NAME = re.compile(r"^[a-z0-9_-]+\.txt$")
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


class SynonymsEditError(ValueError):
    """Unknown dictionary, or a text that does not validate."""


def validate(text: str, others: dict[str, str] | None = None) -> list[LineError]:
    """Errors by line number (from 1); ``others``: the other dictionaries (name → text)."""
    errors: list[LineError] = []
    groups: dict[str, int] = {}
    for name, other in (others or {}).items():
        for rule in parse_synonym_lines(other.splitlines(), name):
            if not rule.explicit:
                for term in rule.left:
                    groups.setdefault(term, -1)
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.count("=>") > 1:
            errors.append(LineError(n, "больше одной стрелки «=>»"))
            continue
        sides = line.split("=>") if "=>" in line else [line]
        for side in sides:
            terms = side.split(",")
            if not side.strip():
                errors.append(LineError(n, "пустая сторона правила «=>»"))
            elif any(not t.strip() for t in terms):
                errors.append(LineError(n, "пустой термин между запятыми"))
        if any(ch.isupper() for ch in line):
            errors.append(LineError(n, "заглавные буквы: словарь пишется строчными"))
        if "ё" in line:
            errors.append(LineError(n, "буква «ё»: пишется «е»"))
        if "=>" not in line:
            terms = [t.strip() for t in line.split(",") if t.strip()]
            if len(terms) < 2:
                errors.append(LineError(n, "в группе равнозначных терминов нужен хотя бы второй термин"))
            for term in terms:
                seen = groups.get(term)
                if seen is not None:
                    where = "в другом словаре" if seen < 0 else f"в строке {seen}"
                    errors.append(LineError(n, f"термин «{term}» уже входит в группу {where}"))
                groups.setdefault(term, n)
    return errors


class SynonymsEditor:
    """The dictionaries of ``directory`` (by default the analyzer's own ``synonyms/``)."""

    def __init__(self, analyzer: Analyzer, directory: Path | None = None) -> None:
        self.analyzer = analyzer
        self.directory = directory or analyzer.synonyms_dir

    def names(self) -> list[str]:
        return sorted(p.name for p in self.directory.glob("*.txt")) if self.directory.is_dir() else []

    def read(self, name: str) -> str:
        return self._path(name).read_text(encoding="utf-8")

    def others(self, name: str) -> dict[str, str]:
        return {n: self.read(n) for n in self.names() if n != name}

    def check(self, name: str, text: str) -> list[LineError]:
        self._path(name)
        if len(text.encode("utf-8")) > MAX_BYTES:
            return [LineError(0, "словарь слишком большой")]
        return validate(text, self.others(name))

    def preview(self, name: str, text: str, query: str) -> tuple[list[str], list[str]]:
        """How ``query`` expands with the dictionaries in service and with the edited text."""
        lemmas = self.analyzer.lemmas(query)
        rules = [r for n in self.names() if n != name for r in parse_synonym_lines(self.read(n).splitlines(), n)]
        edited = SynonymMap.build([*rules, *parse_synonym_lines(text.splitlines(), name)], self.analyzer.lemmas)
        current = SynonymMap.build(read_synonym_files(self.directory), self.analyzer.lemmas)
        return _describe(expand_lemmas(current, lemmas)), _describe(expand_lemmas(edited, lemmas))

    def apply(self, name: str, text: str) -> None:
        """Write the dictionary (atomically: a reader sees the old file or the new one)."""
        errors = self.check(name, text)
        if errors:
            raise SynonymsEditError(f"строка {errors[0].line}: {errors[0].message}")
        path = self._path(name)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".synonyms-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
        os.replace(tmp, path)
        if self.directory.resolve() == self.analyzer.synonyms_dir.resolve():
            # This process expands with the new dictionary from now on; others after their restart.
            self.analyzer.__dict__.pop("synonyms", None)

    def _path(self, name: str) -> Path:
        if not FILE_NAME.match(name) or name not in self.names():
            raise SynonymsEditError(f"словаря {name!r} нет")
        return self.directory / name


def _describe(groups: list[tuple[tuple[str, ...], set[tuple[str, ...]]]]) -> list[str]:
    out = []
    for seq, alts in groups:
        words = " ".join(seq)
        out.append(words + (" → " + " | ".join(sorted(" ".join(a) for a in alts)) if alts else ""))
    return out
