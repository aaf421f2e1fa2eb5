"""Copy a whole database into another one (``munnav db copy --to postgresql://…``).

Every table the source has (read from the database itself, so the tables a
later service adds are carried without changing this module) is copied in
batches, parents before children, each batch committed: an interrupted copy
is resumed by running it again. Rows are upserted by primary key, so a second
run changes nothing that is already equal and brings changed rows up to date.
The target is first migrated to the code's schema; the source must be at it.
Counts are compared at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, MetaData, Table, func, select, text

from ingest import migrate
from ingest.database import upsert_insert

BATCH = 2000
SKIPPED = {"alembic_version"}  # each database keeps its own (the target is migrated)


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def equal(self) -> bool:
        return self.source == self.target


class CopyError(RuntimeError):
    """The copy cannot be done (message in Russian)."""


def copy_database(
    source: Engine, target: Engine, progress: Callable[[str, int], None] | None = None
) -> list[TableCount]:
    """Copy every table of ``source`` into ``target``; the counts of both, per table."""
    migrate.check(source)
    migrate.upgrade(target)
    tables = _tables(source, target)
    for source_table, target_table in tables:
        copied = 0
        for rows in _batches(source, source_table):
            with target.begin() as conn:
                conn.execute(_upsert(conn, target_table), rows)
            copied += len(rows)
            if progress is not None:
                progress(target_table.name, copied)
        if target.dialect.name == "postgresql":
            with target.begin() as conn:
                _advance_sequences(conn, target_table)
    return [
        TableCount(s.name, _count(source, s), _count(target, t)) for s, t in tables
    ]


def _tables(source: Engine, target: Engine) -> list[tuple[Table, Table]]:
    """(source table, target table) pairs, parents first."""
    source_meta, target_meta = MetaData(), MetaData()
    source_meta.reflect(source)
    target_meta.reflect(target)
    pairs = []
    for table in target_meta.sorted_tables:
        if table.name in SKIPPED or table.name not in source_meta.tables:
            continue
        if not table.primary_key.columns:
            raise CopyError(f"у таблицы {table.name} нет первичного ключа: повторное копирование её бы удвоило")
        pairs.append((source_meta.tables[table.name], table))
    missing = set(source_meta.tables) - set(target_meta.tables) - SKIPPED
    if missing:
        raise CopyError(f"в целевой базе нет таблиц {', '.join(sorted(missing))}: обновите munnav")
    return pairs


def _batches(engine: Engine, table: Table) -> Iterator[list[dict[str, object]]]:
    order = list(table.primary_key.columns)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
        for partition in result.mappings().partitions(BATCH):
            yield [dict(row) for row in partition]


def _upsert(conn: Connection, table: Table) -> object:
    stmt = upsert_insert(conn, table)
    keys = [c.name for c in table.primary_key.columns]
    others = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    if not others:
        return stmt.on_conflict_do_nothing(index_elements=keys)
    return stmt.on_conflict_do_update(index_elements=keys, set_=others)


def _advance_sequences(conn: Connection, table: Table) -> None:
    """Rows inserted with their ids leave a serial's sequence behind: move it past them."""
    for column in table.primary_key.columns:
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name})
        if sequence:
            conn.execute(
                text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'),
                {"s": sequence},
            )


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)
