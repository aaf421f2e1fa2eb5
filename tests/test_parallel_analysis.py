"""Index documents built in a worker process equal those built in the main process."""

from ingest.document import Document
from search_app.analysis import get_analyzer
from search_app.index_document import build_index_document
from search_app.parallel_analysis import index_documents
from tests.conftest import CORE_DOCS


def test_parallel_build_is_identical_and_ordered():
    docs = [Document.from_dict({**d, "id": f"{d['id']}-{n}"}) for n in range(60) for d in CORE_DOCS]
    analyzer = get_analyzer()
    parallel = list(index_documents(docs, analyzer, workers=1, min_docs=10))
    assert parallel == [build_index_document(d, analyzer) for d in docs]
