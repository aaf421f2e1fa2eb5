"""The rules of editors' corrections over a source's records (``ingest.overrides``, pure)."""

from __future__ import annotations

from ingest.overrides import Override, corrected, published, reconcile, source_record

NOW = "2026-12-06T08:00:00+00:00"
SOURCE = {"id": "c-1", "kind": "competition", "title": "Конкурс", "deadline": "2025-03-15", "topics": ["НКО"]}


def deadline(value: str = "2025-04-15", **extra: object) -> Override:
    return Override("c-1", "deadline", value, "2025-03-15", 7, "2026-12-01T00:00:00+00:00", **extra)


def test_published_is_the_source_record_with_the_corrections_on_top() -> None:
    removed = Override("c-1", "topics", None, ["НКО"], 7, NOW)
    record = published(SOURCE, [deadline(), removed])
    assert record == {"id": "c-1", "kind": "competition", "title": "Конкурс", "deadline": "2025-04-15"}
    assert source_record(record, [deadline(), removed]) == SOURCE


def test_an_unchanged_or_otherwise_changed_record_keeps_the_correction_quietly() -> None:
    assert reconcile(SOURCE, [deadline()], NOW) == reconcile({**SOURCE, "title": "Новый"}, [deadline()], NOW)
    assert reconcile(SOURCE, [deadline()], NOW).overrides == (deadline(),)
    assert reconcile(SOURCE, [deadline()], NOW).raised == ()


def test_a_changed_corrected_field_is_a_conflict_raised_once_per_value() -> None:
    moved = reconcile({**SOURCE, "deadline": "2025-03-31"}, [deadline()], NOW)
    assert moved.raised == ("deadline",)
    [conflict] = moved.overrides
    assert conflict.conflict and conflict.source_new == "2025-03-31" and conflict.source_current == "2025-03-31"
    again = reconcile({**SOURCE, "deadline": "2025-03-31"}, moved.overrides, "later")
    assert again.raised == () and again.overrides == moved.overrides
    removed = reconcile({k: v for k, v in SOURCE.items() if k != "deadline"}, moved.overrides, "later")
    assert removed.raised == ("deadline",) and removed.overrides[0].source_new is None
    assert removed.overrides[0].conflict  # the source dropping the field is a change too
    back = reconcile(SOURCE, moved.overrides, "later")
    assert back.raised == () and back.overrides == (deadline(),)  # the source went back: no conflict


def test_the_source_adopting_the_editors_value_retires_the_override() -> None:
    assert reconcile({**SOURCE, "deadline": "2025-04-15"}, [deadline()], NOW).overrides == ()


def test_keeping_a_correction_takes_the_new_source_value_as_the_one_it_stands_for() -> None:
    conflict = deadline(source_new="2025-03-31", changed_at=NOW)
    kept = conflict.kept(9, "later")
    assert (kept.conflict, kept.source_value, kept.value, kept.editor_id) == (False, "2025-03-31", "2025-04-15", 9)


def test_an_edit_overrides_the_changed_fields_only() -> None:
    edited = {**SOURCE, "deadline": "2025-04-15", "summary": "Исправлено"}
    held = corrected(SOURCE, edited, [], 7, NOW)
    assert {o.field: (o.value, o.source_value) for o in held} == {
        "deadline": ("2025-04-15", "2025-03-15"), "summary": ("Исправлено", None)}
    current = published(SOURCE, held)
    again = corrected(current, {**current, "deadline": "2025-05-01"}, held, 8, "later")
    assert {o.field: (o.value, o.source_value, o.editor_id) for o in again} == {
        "deadline": ("2025-05-01", "2025-03-15", 8), "summary": ("Исправлено", None, 7)}
    undone = corrected(current, {**current, "deadline": "2025-03-15"}, held, 8, "later")
    assert [o.field for o in undone] == ["summary"]  # back to the source's value: no override
    assert corrected(current, {**current, "id": "other"}, held, 8, "later") == tuple(held)  # identity is fixed


def test_an_edit_keeps_an_untouched_conflict() -> None:
    conflict = deadline(source_new="2025-03-31", changed_at=NOW)
    current = published({**SOURCE, "deadline": "2025-03-31"}, [conflict])
    held = corrected(current, {**current, "title": "Конкурс 2025"}, [conflict], 8, "later")
    assert conflict in held and len(held) == 2
    taken = corrected(current, {**current, "deadline": "2025-03-31"}, [conflict], 8, "later")
    assert taken == ()  # set to what the source says now: the correction ends
