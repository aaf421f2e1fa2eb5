"""Merging a facet's column counts into its shown values."""

from __future__ import annotations

from search_app.backends.tantivy_facets import NO_VALUE, _merge, _split_composite


def test_split_columns_add_up_and_rank_by_count_then_value() -> None:
    counts = {
        "regions__0": {"Тверская область": 5, "Вологодская область": 3, NO_VALUE: 0},
        "regions__1": {"Вологодская область": 2, NO_VALUE: 7, "Алтайский край": 5},
        "regions__2": {NO_VALUE: 9},
        "regions__rest": {"Пермский край": 1},
    }
    columns = ("regions__0", "regions__1", "regions__2", "regions__rest")
    assert _merge(counts, columns, 10) == [
        ("Алтайский край", 5), ("Вологодская область", 5), ("Тверская область", 5), ("Пермский край", 1),
    ]
    assert _merge(counts, columns, 2) == [("Алтайский край", 5), ("Вологодская область", 5)]


def test_values_counted_zero_and_empty_values_are_not_shown() -> None:
    counts = {"status": {"open": 0, "none": 4, "closed": 2}, "year": {"0": 3, "2026": 1}}
    assert _merge(counts, ("status",), 5) == [("closed", 2)]
    assert _merge(counts, ("year",), 5) == [("2026", 1)]
    assert _merge({}, ("issuer",), 5) == []


def test_composite_counts_split_back_per_facet() -> None:
    combined = {"measure|open|2026": 3, "measure|closed|2025": 2, "practice|none|2026": 4}
    assert _split_composite(combined) == {
        "kind": {"measure": 5, "practice": 4},
        "status": {"open": 3, "closed": 2, "none": 4},
        "year": {"2026": 7, "2025": 2},
    }
