"""The tables behind the charts: rows × columns of numbers, one model for HTML, CSV, JSON and SVG."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Value = int | float


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Value, ...]
    link: str = ""  # a page the row stands for (a problem), if any


@dataclass(frozen=True)
class Table:
    key: str  # the section's address: /dialogue/<key>
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows

    def max_value(self, skip_last: bool = False) -> Value:
        """The largest number of the table (``skip_last``: not counting a last column of totals)."""
        return max((v for row in self.rows for v in (row.values[:-1] if skip_last else row.values)), default=0)

    def records(self) -> list[dict[str, object]]:
        """One mapping per row, keyed by the column headers (the JSON rendering)."""
        return [{self.row_header: row.label, **dict(zip(self.columns, row.values, strict=True))} for row in self.rows]

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "title": self.title, "columns": [self.row_header, *self.columns],
                "rows": self.records(), "note": self.note}


def csv_text(tables: Sequence[Table]) -> str:
    """One table as a plain CSV; several as a long CSV (table, row, column, value)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if len(tables) == 1:
        table = tables[0]
        writer.writerow([table.row_header, *table.columns])
        writer.writerows([row.label, *row.values] for row in table.rows)
    else:
        writer.writerow(["таблица", "строка", "столбец", "значение"])
        for table in tables:
            writer.writerows(_long_rows(table))
    return out.getvalue()


def _long_rows(table: Table) -> Iterable[list[object]]:
    for row in table.rows:
        for column, value in zip(table.columns, row.values, strict=True):
            yield [table.title, row.label, column, value]


HEAT_LEVELS = 5


def heat_level(value: Value, top: Value) -> int:
    """0 for nothing, then 1…HEAT_LEVELS in proportion to the table's largest number."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, round(HEAT_LEVELS * value / top + 0.499)))
