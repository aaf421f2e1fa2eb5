"""Window demotion gives exactly the ranking of demoting every match."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ingest.document import Document
from search_app.backends.demotion import RESCORE_WINDOW, rescore_top, rescorer
from search_app.engine import SearchEngine
from search_app.query import SearchQuery
from search_app.ranking import FINISHED_FACTOR, KIND_INTENT_FACTOR


def _full_ranking(scores: list[float], finished: set[int]) -> list[int]:
    demoted = [(s * FINISHED_FACTOR if i in finished else s, i) for i, s in enumerate(scores)]
    return [i for _, i in sorted(demoted, key=lambda h: (-h[0], h[1]))]


@pytest.mark.parametrize("seed", range(20))
def test_window_demotion_equals_full_demotion(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 600)
    # Coarse scores make ties and near-ties common; many finished documents on top
    # force the window to grow.
    scores = [round(rng.uniform(1, 10), 1) for _ in range(n)]
    finished = {i for i in range(n) if rng.random() < 0.7}
    plain = sorted(range(n), key=lambda i: (-scores[i], i))
    calls: list[int] = []

    def search(limit: int) -> list[tuple[float, int]]:
        calls.append(limit)
        return [(scores[i], i) for i in plain[:limit]]

    need = rng.choice([1, 10, 20, 60, 300])
    got = rescore_top(search, rescorer(lambda addrs: [a in finished for a in addrs]), need)  # type: ignore[arg-type]
    expected = _full_ranking(scores, finished)[:need]
    got_scores = [s for s, _ in got]
    expected_scores = [scores[i] * (FINISHED_FACTOR if i in finished else 1) for i in expected]
    assert got_scores == pytest.approx(expected_scores)
    # every returned document carries its own demoted score, once
    assert len({i for _, i in got}) == len(got)
    assert all(s == pytest.approx(scores[i] * (FINISHED_FACTOR if i in finished else 1)) for s, i in got)
    assert calls[0] == max(RESCORE_WINDOW, need)


@pytest.mark.parametrize("seed", range(20))
def test_window_with_kind_boost_equals_full_rescoring(seed: int) -> None:
    rng = random.Random(1000 + seed)
    n = rng.randint(1, 600)
    scores = [round(rng.uniform(1, 4), 1) for _ in range(n)]  # the factor (1.3) reorders a lot
    finished = {i for i in range(n) if rng.random() < 0.5}
    intent = {i for i in range(n) if rng.random() < rng.choice([0.02, 0.2, 0.6])}
    plain = sorted(range(n), key=lambda i: (-scores[i], i))

    def final(i: int) -> float:
        return scores[i] * (KIND_INTENT_FACTOR if i in intent else 1.0) * (FINISHED_FACTOR if i in finished else 1)

    def search(limit: int) -> list[tuple[float, int]]:
        return [(scores[i], i) for i in plain[:limit]]

    need = rng.choice([1, 10, 20, 60])
    rescore = rescorer(lambda addrs: [a in finished for a in addrs], lambda addrs: [a in intent for a in addrs])  # type: ignore[arg-type]
    got = rescore_top(search, rescore, need, factor=KIND_INTENT_FACTOR)  # type: ignore[arg-type]
    expected = sorted((final(i) for i in range(n)), reverse=True)[:need]
    assert [s for s, _ in got] == pytest.approx(expected)
    assert all(s == pytest.approx(final(i)) for s, i in got)


def test_window_grows_until_boosted_documents_fill_the_page() -> None:
    # 60 unboosted documents on top; the 10 boosted ones (score 8 × 1.3) lie beyond a
    # window of 50: without the factor in the stop rule the page would miss them.
    scores = [10.0] * 5 + [9.0] * 55 + [8.0] * 10
    intent = set(range(60, 70))
    calls: list[int] = []

    def search(limit: int) -> list[tuple[float, int]]:
        calls.append(limit)
        return [(scores[i], i) for i in range(min(limit, len(scores)))]

    rescore = rescorer(lambda addrs: [False] * len(addrs), lambda addrs: [a in intent for a in addrs])  # type: ignore[arg-type]
    got = rescore_top(search, rescore, 10, factor=KIND_INTENT_FACTOR)  # type: ignore[arg-type]
    assert [s for s, _ in got] == pytest.approx([10.4] * 10)
    assert {i for _, i in got} == intent and len(calls) == 2


def test_window_grows_when_finished_documents_fill_it() -> None:
    scores = [10.0] * 60 + [9.0] * 5  # 60 finished at 10 → 8 after demotion, 5 live at 9
    finished = set(range(60))
    calls: list[int] = []

    def search(limit: int) -> list[tuple[float, int]]:
        calls.append(limit)
        return [(scores[i], i) for i in range(min(limit, len(scores)))]

    got = rescore_top(search, rescorer(lambda addrs: [a in finished for a in addrs]), 10)  # type: ignore[arg-type]
    assert [i for _, i in got[:5]] == [60, 61, 62, 63, 64]
    assert len(calls) == 2


def _doc(i: int, status: str, deadline: dt.date | None = None) -> Document:
    return Document.from_dict({
        "id": f"c-{i:03d}", "kind": "competition", "title": f"Конкурс благоустройства дворов {i}",
        "summary": "Грант на благоустройство дворов", "status": status,
        "deadline": deadline.isoformat() if deadline else None, "regions": ["Тверская область"],
    })


def test_engine_puts_open_competitions_above_equal_finished_ones(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MUNNAV_TODAY", "2026-06-01")
    engine = SearchEngine.open(tmp_path, elasticsearch_url="")
    docs = [_doc(i, "closed") for i in range(70)]
    docs += [_doc(100 + i, "open", dt.date(2026, 5, 1)) for i in range(5)]  # deadline passed: finished too
    docs += [_doc(200 + i, "open", dt.date(2026, 7, 1)) for i in range(3)]
    engine.import_documents(docs)
    result = engine.search(SearchQuery(text="благоустройство дворов", per_page=5))
    assert result.total == 78
    assert {h.document.id for h in result.hits[:3]} == {"c-200", "c-201", "c-202"}
    assert all(h.finished for h in result.hits[3:])
    engine.close()
