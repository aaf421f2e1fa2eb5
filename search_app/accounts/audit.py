"""The append-only audit log: every sign-in and every editor/admin action.

Who (the actor's id; the command line has none), when, what (an action name
and its target), before and after (JSON). Written in the same transaction as
the change it records; never updated or deleted.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from ingest.clock import now_iso
from search_app.accounts.tables import audit_log, users

ACTION_LABELS: dict[str, str] = {
    "signin": "Вход",
    "signin.failed": "Неудачный вход",
    "signout": "Выход",
    "account.signup": "Регистрация",
    "account.confirm": "Подтверждение адреса",
    "account.approve": "Одобрение учётной записи",
    "account.roles": "Изменение ролей",
    "account.disable": "Отключение",
    "account.enable": "Включение",
    "account.create": "Создание учётной записи",
    "account.delete": "Удаление учётной записи",
    "account.password": "Смена пароля",
    "account.token": "Выпуск API-токена",
    "account.token_revoke": "Отзыв API-токена",
    "settings.allowlist": "Домены без одобрения",
    "job.enqueue": "Задание поставлено",
    "document.create": "Документ создан",
    "document.edit": "Документ изменён",
    "problem.publish": "Проблема опубликована",
    "problem.reject": "Обращения отклонены",
    "problem.merge": "Проблемы объединены",
    "problem.split": "Проблема разделена",
    "problem.answer": "Ответ на проблему",
    "problem.retitle": "Проблема переименована",
    "document.withdraw": "Документ снят",
    "document.restore": "Документ восстановлен",
    "document.override_keep": "Исправление оставлено вместо нового значения источника",
    "document.override_drop": "Возвращено значение источника",
    "synonyms.apply": "Синонимы применены",
    "synonyms.reset": "Синонимы возвращены к поставляемым",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor_id: int | None
    actor: str
    action: str
    target: str
    before: Any
    after: Any
    via: str

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def record(
    conn: Connection,
    actor_id: int | None,
    action: str,
    target: str = "",
    before: Any = None,
    after: Any = None,
    via: str = "web",
) -> None:
    conn.execute(insert(audit_log).values(
        at=now_iso(), actor_id=actor_id, action=action, target=target,
        before=_dump(before), after=_dump(after), via=via,
    ))


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(value: str | None) -> Any:
    return None if value is None else json.loads(value)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor_id: int | None = None
    target: str = ""
    since: str = ""  # ISO date, inclusive
    until: str = ""  # ISO date, inclusive

    def where(self) -> list:
        c = audit_log.c
        clauses = []
        if self.action:
            clauses.append(c.action == self.action)
        if self.actor_id is not None:
            clauses.append(c.actor_id == self.actor_id)
        if self.target:
            clauses.append(c.target == self.target)
        if self.since:
            clauses.append(c.at >= self.since)
        if self.until:
            clauses.append(c.at < self.until + "T99")  # the whole "until" day
        return clauses


def _query(flt: AuditFilter):  # noqa: ANN202 - a SQLAlchemy Select
    return (
        select(audit_log, users.c.email, users.c.deleted_at)
        .select_from(audit_log.outerjoin(users, users.c.id == audit_log.c.actor_id))
        .where(*flt.where())
        .order_by(audit_log.c.id.desc())
    )


def _entry(row: Any) -> AuditEntry:
    if row.actor_id is None:
        actor = "командная строка" if row.via == "cli" else "—"
    elif row.deleted_at:
        actor = f"удалённый пользователь #{row.actor_id}"
    else:
        actor = row.email or f"#{row.actor_id}"
    return AuditEntry(
        id=row.id, at=row.at, actor_id=row.actor_id, actor=actor, action=row.action, target=row.target,
        before=_load(row.before), after=_load(row.after), via=row.via,
    )


def entries(engine: Engine, flt: AuditFilter, limit: int = 50, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """One page of entries, newest first, and how many match in all."""
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(audit_log).where(*flt.where())).scalar() or 0
        rows = conn.execute(_query(flt).limit(limit).offset(offset)).all()
    return [_entry(r) for r in rows], int(total)


def actions_in_use(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.action).distinct().order_by(audit_log.c.action)).scalars())


CSV_HEADER = ("id", "at", "actor_id", "actor", "action", "target", "before", "after", "via")


def csv_lines(engine: Engine, flt: AuditFilter) -> Iterator[str]:
    """The matching entries as CSV text, a line at a time (streamed to the admin)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: tuple) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_HEADER)
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=500).execute(_query(flt)):
            e = _entry(row)
            yield line((e.id, e.at, e.actor_id or "", e.actor, e.action, e.target,
                        _dump(e.before) or "", _dump(e.after) or "", e.via))
