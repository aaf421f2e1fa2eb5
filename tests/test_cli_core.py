"""`munnav import/export/search/evaluate` through the real click commands."""

import json

import pytest
from click.testing import CliRunner

from search_app.cli import main
from tests.conftest import CORE_DOCS


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in CORE_DOCS) + "\n", encoding="utf-8")
    return path


def test_import_search_export_round_trip(runner, data_dir, corpus, tmp_path):
    result = runner.invoke(main, ["import", str(corpus)])
    assert result.exit_code == 0, result.output
    assert f"новых: {len(CORE_DOCS)}" in result.output
    out = runner.invoke(main, ["search", "131 фз", "--json"])
    payload = json.loads(out.output)
    assert set(payload) >= {"total", "took_ms", "hits", "facets"}
    assert payload["hits"][0]["id"] == "a-131"
    assert set(payload["hits"][0]) >= {"id", "kind", "title", "doc_number", "status", "snippet", "score"}
    assert {"value", "count", "selected"} == set(payload["facets"]["kind"][0])
    exported = tmp_path / "export.jsonl"
    assert runner.invoke(main, ["export", str(exported)]).exit_code == 0
    back = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert sorted(back, key=lambda d: d["id"]) == sorted(CORE_DOCS, key=lambda d: d["id"])


def test_a_reimport_changing_an_editors_correction_says_so(runner, data_dir, corpus, tmp_path):
    from ingest.document import Document
    from ingest.store import Store

    assert runner.invoke(main, ["import", str(corpus)]).exit_code == 0
    with Store.open(data_dir) as store:
        store.correct(Document.from_dict({**CORE_DOCS[0], "summary": "Исправлено редактором."}), None)
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps({**CORE_DOCS[0], "summary": "Новое в источнике."}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    result = runner.invoke(main, ["import", str(changed)])
    assert result.exit_code == 0, result.output
    assert "без изменений: 1" in result.output
    assert "источник изменил поля, исправленные редакторами: 1" in result.output
    with Store.open(data_dir) as store:
        assert store.get(CORE_DOCS[0]["id"]).summary == "Исправлено редактором."


def test_bad_lines_reported_good_lines_imported_nothing_lost(runner, data_dir, corpus, tmp_path):
    assert runner.invoke(main, ["import", str(corpus)]).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    lines = [
        '{"id": "ok-1", "kind": "measure", "title": "Хорошая мера"}',
        "{not json",
        '{"id": "x1", "kind": "spaceship", "title": "Неизвестный вид"}',
        '{"id": "x2", "kind": "measure", "title": "Плохая дата", "deadline": "31.12.2026"}',
        '{"id": "ok-1", "kind": "measure", "title": "Повтор"}',
        '{"id": "a-131", "kind": "legal_act"}',
    ]
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(bad)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert errors == [
        f"{bad}:2: (json): некорректный JSON: Expecting property name enclosed in double quotes (позиция 1)",
        f"{bad}:3: kind: неизвестный вид 'spaceship'; допустимо: measure, competition, legal_act, practice, solution, course, consultation",
        f"{bad}:4: deadline: некорректная дата '31.12.2026', ожидается ГГГГ-ММ-ДД",
        f"{bad}:5: id: повторяет id 'ok-1' из строки 1",
        f"{bad}:6: title: обязательное поле отсутствует",
    ]
    assert "Traceback" not in result.output
    found = json.loads(runner.invoke(main, ["search", "хорошая мера", "--json"]).output)
    assert found["hits"][0]["id"] == "ok-1"
    # The stored act is untouched by its broken re-import.
    assert json.loads(runner.invoke(main, ["search", "131 фз", "--json"]).output)["hits"][0]["id"] == "a-131"


@pytest.mark.parametrize("text", ["", "   ", '"', "(", "-", "*", "x" * 10_000])
def test_bad_search_text_is_a_clear_error(runner, data_dir, corpus, text):
    runner.invoke(main, ["import", str(corpus)])
    result = runner.invoke(main, ["search", text])
    assert result.exit_code == 2
    assert result.output.startswith("Ошибка:")
    assert "Traceback" not in result.output


def test_missing_file_is_reported(runner, data_dir, tmp_path):
    result = runner.invoke(main, ["import", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1
    assert "nope.jsonl:0: (файл): не удаётся открыть" in result.output


def test_evaluate_prints_table_and_summary(runner, data_dir, corpus, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"qid": "q1", "query": "131 фз", "relevant": {"a-131": 3, "a-old": 1}}\n'
        '{"qid": "q2", "query": "конкурс", "filters": {"regions": ["Пермский край"]}, "relevant": {"c-perm": 3}}\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["evaluate", str(corpus), str(queries)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("nDCG@10=") and "Recall@10=1.000 MRR=1.000" in last
    assert not (data_dir / "store.sqlite3").exists()  # never touches the data dir


def test_evaluate_applies_filters_on_non_facet_fields(runner, data_dir, corpus, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"qid": "q1", "query": "ремонт дворов", "filters": {"municipality": ["городской округ Череповец"]},'
        ' "relevant": {"p-yard": 3}}\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["evaluate", str(corpus), str(queries), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["per_query"][0]["top"] == ["p-yard"]


def test_evaluate_reports_the_whole_matched_set(runner, data_dir, corpus, tmp_path):
    queries = tmp_path / "q.jsonl"
    # «131 фз» matches the act itself and the documents citing it; two relevant ones are
    # judged (grade 2 and up, as Recall@10), one merely related (grade 1, not counted).
    queries.write_text('{"qid": "q1", "query": "131 фз", "relevant": {"a-131": 3, "p-yard": 2, "a-44": 1}}\n',
                       encoding="utf-8")
    result = runner.invoke(main, ["evaluate", str(corpus), str(queries), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    row = report["per_query"][0]
    runner.invoke(main, ["import", str(corpus)])
    found = json.loads(runner.invoke(main, ["search", "131 фз", "--json", "--per-page", "100"]).output)
    assert row["matched"] == found["total"] == len(found["hits"])  # the evaluated set is the listed one
    assert row["judged"] == 2
    assert row["judged_matched"] == ("p-yard" in {h["id"] for h in found["hits"]}) + 1
    assert report["recall_all"] == row["judged_matched"] / 2
    assert report["median_ratio"] == row["matched"] / 2
    text = runner.invoke(main, ["evaluate", str(corpus), str(queries)]).output.strip().splitlines()[-1]
    assert f"median_ratio={row['matched'] / 2:.2f}" in text and f"recall_all={row['judged_matched'] / 2:.3f}" in text


def test_search_labels_an_expired_act_as_the_page_does(runner, data_dir, corpus):
    runner.invoke(main, ["import", str(corpus)])
    result = runner.invoke(main, ["search", "общих принципах организации местного самоуправления"])
    line = next(line for line in result.output.splitlines() if "(a-old)" in line)
    assert "(Утратил силу)" in line and "завершён" not in line
