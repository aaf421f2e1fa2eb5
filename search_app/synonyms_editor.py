"""The synonym dictionaries edited in the console: validation by line, expansion preview, apply.

An applied dictionary is kept in the store (``synonym_dictionaries``) and
overrides the shipped file of its name on every process; the files are never
written. «Reset» takes the edit out of service: the shipped file is the
dictionary again (the edit stays in the history).

The same parser as the analyzer (``parse_synonym_lines``) reads the text; the
checks here add what the parser forgives but a dictionary must not have
(an empty term, a second «=>», a side with no terms, capitals, «ё», a term in
two equivalence groups). A preview builds the dictionary from the edited text
with the analyzer's own lemmas and expands a query with it, beside the
dictionary in service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

from search_app import synonym_dictionaries as stored
from search_app.analysis.analyzer import Analyzer
from search_app.analysis.synonyms import (
    SynonymMap,
    dictionary_rules,
    dictionary_texts,
    expand_lemmas,
    parse_synonym_lines,
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
    """The dictionaries in service: the shipped files of ``directory`` (by default the
    analyzer's own ``synonyms/``) overlaid by the edits kept in the store (``engine``)."""

    def __init__(self, analyzer: Analyzer, engine: Engine, directory: Path | None = None) -> None:
        self.analyzer = analyzer
        self.engine = engine
        self.directory = directory or analyzer.synonyms_dir

    def texts(self) -> dict[str, str]:
        """Every dictionary by name, as in service."""
        with self.engine.connect() as conn:
            return dictionary_texts(self.directory, stored.overrides(conn))

    def names(self) -> list[str]:
        return list(self.texts())

    def read(self, name: str) -> str:
        texts = self.texts()
        if not FILE_NAME.match(name) or name not in texts:
            raise SynonymsEditError(f"словаря {name!r} нет")
        return texts[name]

    def shipped(self, name: str) -> str | None:
        """The file shipped with the code, None when there is none (a dictionary added in the console)."""
        path = self.directory / name
        return path.read_text(encoding="utf-8") if FILE_NAME.match(name) and path.is_file() else None

    def edited(self) -> set[str]:
        """The dictionaries whose text in service comes from the console, not from the file."""
        with self.engine.connect() as conn:
            return set(stored.overrides(conn))

    def others(self, name: str) -> dict[str, str]:
        return {n: text for n, text in self.texts().items() if n != name}

    def check(self, name: str, text: str) -> list[LineError]:
        self.read(name)
        if len(text.encode("utf-8")) > MAX_BYTES:
            return [LineError(0, "словарь слишком большой")]
        return validate(text, self.others(name))

    def preview(self, name: str, text: str, query: str) -> tuple[list[str], list[str]]:
        """How ``query`` expands with the dictionaries in service and with the edited text."""
        lemmas = self.analyzer.lemmas(query)
        texts = self.texts()
        current = SynonymMap.build(dictionary_rules(texts), self.analyzer.lemmas)
        edited = SynonymMap.build(dictionary_rules({**texts, name: text}), self.analyzer.lemmas)
        return _describe(expand_lemmas(current, lemmas)), _describe(expand_lemmas(edited, lemmas))

    def apply(self, conn: Connection, name: str, text: str, user_id: int | None) -> int:
        """Put the dictionary in service for every process (in the caller's transaction:
        the audit record goes with it); the store's new synonyms version. Files stay as shipped."""
        errors = self.check(name, text)
        if errors:
            raise SynonymsEditError(f"строка {errors[0].line}: {errors[0].message}")
        return stored.apply(conn, name, text if text.endswith("\n") or not text else text + "\n", user_id)

    def reset(self, conn: Connection, name: str, user_id: int | None) -> int | None:
        """Back to the shipped file (the edit stays in the history); None: it was not edited."""
        if self.shipped(name) is None:
            raise SynonymsEditError(f"у словаря {name!r} нет поставляемого файла")
        return stored.reset(conn, name, user_id)

    def history(self, name: str) -> list[stored.DictionaryVersion]:
        with self.engine.connect() as conn:
            return stored.history(conn, name)

    def version(self, name: str, version_id: int) -> stored.DictionaryVersion | None:
        with self.engine.connect() as conn:
            found = stored.get_version(conn, version_id)
        return found if found is not None and found.name == name else None

    def texts_around(self, version: stored.DictionaryVersion) -> tuple[str, str]:
        """The dictionary before and after ``version`` (a reset: back to the shipped file)."""
        shipped = self.shipped(version.name) or ""
        with self.engine.connect() as conn:
            before = stored.previous_text(conn, version)
        return (shipped if before is None else before), (shipped if version.text is None else version.text)

    def in_service_now(self) -> None:
        """This process expands with the store's dictionaries at once (others within their check interval)."""
        self.analyzer.refresh_synonyms()


def _describe(groups: list[tuple[tuple[str, ...], set[tuple[str, ...]]]]) -> list[str]:
    out = []
    for seq, alts in groups:
        words = " ".join(seq)
        out.append(words + (" → " + " | ".join(sorted(" ".join(a) for a in alts)) if alts else ""))
    return out
