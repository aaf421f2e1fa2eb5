"""Relevance of consultations on the sample corpus, scored by ``munnav evaluate``'s code.

Measured when written: nDCG@10 = 0.983, Recall@10 = 1.0, MRR = 1.0 over the
20 queries of ``consultation_queries.jsonl``; the bounds leave room for
ranking changes that do not lose the answers.
"""

from __future__ import annotations

from pathlib import Path

from search_app.evaluate import evaluate

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
QUERIES = Path(__file__).with_name("consultation_queries.jsonl")


def test_consultation_queries_find_their_answers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.jsonl"))), encoding="utf-8")
    report = evaluate(corpus, QUERIES, categorize=None)
    assert len(report.scores) == 20 and not [s.error for s in report.scores if s.error]
    assert report.mean("ndcg") >= 0.9, report.summary_line()
    assert report.mean("recall") >= 0.95, report.summary_line()
    low = [(s.qid, s.query, s.top[:3]) for s in report.scores if s.rr < 0.5]
    assert not low  # every query has a useful answer in its first two results
