"""Every synonym entry works end to end: typed as a query it finds its synonyms' texts."""

from pathlib import Path

import pytest

from ingest.document import Document
from ingest.store import Store
from search_app.analysis import get_analyzer
from search_app.analysis.analyzer import DEFAULT_SYNONYMS_DIR
from search_app.analysis.synonyms import parse_synonym_lines, read_synonym_files
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from search_app.query import SearchQuery

RULES = read_synonym_files(DEFAULT_SYNONYMS_DIR)


def test_dictionary_is_large_enough():
    assert len(RULES) >= 200


def test_file_syntax():
    rules = parse_synonym_lines(["# comment", "", "жкх, жилищно-коммунальное хозяйство", "дворы => дворовые территории"])
    assert [(r.left, r.right, r.explicit) for r in rules] == [
        (("жкх", "жилищно-коммунальное хозяйство"), ("жкх", "жилищно-коммунальное хозяйство"), False),
        (("дворы",), ("дворовые территории",), True),
    ]


def test_every_term_analyses_to_lemmas():
    analyzer = get_analyzer()
    empty = [(r.source, t) for r in RULES for t in (*r.left, *r.right) if not analyzer.lemmas(t)]
    assert empty == []


@pytest.fixture(scope="module")
def synonym_engine(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("syn")
    engine = SearchEngine(Store(root / "s.db"), EmbeddedBackend(root / "ix"))
    targets = sorted({t for r in RULES for t in r.right})
    engine.import_documents(
        Document.from_dict({"id": f"t{n}", "kind": "practice", "title": t}) for n, t in enumerate(targets)
    )
    yield engine, {t: f"t{n}" for n, t in enumerate(targets)}
    engine.close()


def test_each_left_term_finds_every_synonym_text(synonym_engine):
    """Analysed the same way at index and query time, every rule fires."""
    engine, doc_of = synonym_engine
    analyzer = engine.analyzer
    broken = []
    for rule in RULES:
        for term in rule.left:
            wanted = {doc_of[r] for r in rule.right if analyzer.lemmas(r) != analyzer.lemmas(term)}
            if not wanted:
                continue
            found = {h.id for h in engine.search(SearchQuery(text=term, per_page=100, with_facets=False, verbatim=True)).hits}
            if not wanted <= found:
                broken.append((rule.source, term, sorted(wanted - found)))
    assert broken == []
