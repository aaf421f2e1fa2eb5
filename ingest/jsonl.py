"""Read and write FORMAT.md JSON Lines with per-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.document import Document, ValidationError


@dataclass(frozen=True)
class LineError:
    """One bad line: ``file:line: field: reason``."""

    path: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.reason}"


def read_documents(path: Path) -> Iterator[Document | LineError]:
    """Yield a Document for each good line and a LineError for each bad one."""
    seen: dict[str, int] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        yield LineError(str(path), 0, "(файл)", f"не удаётся открыть: {exc.strerror or exc}")
        return
    with handle:
        line_no = 0
        while True:
            try:
                line = handle.readline()
            except UnicodeDecodeError:
                yield LineError(str(path), line_no + 1, "(строка)", "файл не в кодировке UTF-8")
                return
            if not line:
                return
            line_no += 1
            if not line.strip():
                continue
            yield _parse_line(str(path), line_no, line, seen)


def _parse_line(path: str, line_no: int, line: str, seen: dict[str, int]) -> Document | LineError:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return LineError(path, line_no, "(json)", f"некорректный JSON: {exc.msg} (позиция {exc.pos})")
    try:
        doc = Document.from_dict(data)
    except ValidationError as exc:
        return LineError(path, line_no, exc.field, exc.reason)
    if doc.id in seen:
        return LineError(path, line_no, "id", f"повторяет id {doc.id!r} из строки {seen[doc.id]}")
    seen[doc.id] = line_no
    return doc


def write_documents(path: Path, documents: Iterable[Document]) -> int:
    """Write documents as JSONL; return how many were written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for doc in documents:
            out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count
