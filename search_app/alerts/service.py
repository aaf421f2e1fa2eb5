"""The alerts service: saved searches, follows, notifications and the daily pass.

Views and the command line call this object; nothing else touches the alerts'
tables. Every method that reads or changes a user's things takes the user's
id and only ever sees that user's rows, so one user cannot reach another's
searches even by guessing ids.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, func, insert, select, union, update

from ingest.clock import now_iso
from ingest.document import Document
from search_app.accounts.service import DELETE_HOOKS
from search_app.alerts import delivery, history, periods
from search_app.alerts.changes import ARRIVAL_LABELS, act_changes
from search_app.alerts.delivery import DeliveryReport, Send
from search_app.alerts.history import Arrived
from search_app.alerts.letters import Envelope, Letter, LetterItem, SearchSection, compose
from search_app.alerts.model import AlertError, DeliveryProblem, Follow, Notification, SavedSearch
from search_app.alerts.reminders import reminder_key, reminder_stage
from search_app.alerts.saved_query import (
    canonical_query_string,
    default_name,
    query_for,
    search_url,
)
from search_app.alerts.tables import (
    alert_letters,
    alert_preferences,
    follows,
    notifications,
    saved_searches,
)
from search_app.alerts.tokens import new_feed_token, unsubscribe_token
from search_app.query import QueryError, SearchQuery
from search_app.web.formatting import countdown

log = logging.getLogger(__name__)

MAX_SEARCHES = 50
MAX_FOLLOWS = 500
MAX_NAME = 200
REMINDER_KINDS = frozenset({"competition", "measure"})

_s, _f, _n, _l = saved_searches.c, follows.c, notifications.c, alert_letters.c


class Searcher(Protocol):
    """What the service needs of the search engine."""

    def among(self, query: SearchQuery, ids: Iterable[str]) -> list[str]: ...

    def get(self, doc_id: str) -> Document | None: ...


@dataclass(frozen=True)
class Mailing:
    """How letters leave: addresses, the transport and the links they carry."""

    address_of: Callable[[int], str | None]  # None: the account cannot receive (disabled, deleted)
    send: Send
    sender: str
    base_url: str
    secret_key: str

    def envelope(self, user_id: int, address: str, letter_id: int) -> Envelope:
        base = self.base_url.rstrip("/")
        token = unsubscribe_token(self.secret_key, user_id)
        domain = self.sender.rpartition("@")[2].strip("> ") or "localhost"
        return Envelope(
            to=address, sender=self.sender, base_url=base, unsubscribe_url=f"{base}/alerts/unsubscribe/{token}",
            message_id=f"<munnav-letter-{letter_id}@{domain}>",
        )


@dataclass(frozen=True)
class _Planned:
    """A user's letter and the cursor moves that must commit with it."""

    letter: Letter
    upto: int  # the horizon the letter was planned to
    rows: list[dict[str, object]]  # its notifications
    search_moves: list[tuple[int, int, str | None, str | None]]  # id, old cursor, old period, new period
    follow_moves: list[tuple[int, int]]  # id, old cursor


@dataclass
class RunReport:
    day: dt.date
    letters: int = 0  # composed and committed
    items: int = 0
    unchanged: int = 0  # users with nothing new
    skipped: int = 0  # users who cannot receive, or already had today's letter
    planned: list[Letter] = field(default_factory=list)  # --dry-run
    delivery: DeliveryReport = field(default_factory=DeliveryReport)

    def summary(self) -> str:
        d = self.delivery
        return (
            f"Уведомления на {self.day.isoformat()}: писем {self.letters} (пунктов {self.items}), "
            f"без новостей {self.unchanged}, пропущено {self.skipped}; отправлено {d.sent}, "
            f"ждут повтора {d.retrying}, не доставлено {d.failed}"
        )


class AlertService:
    def __init__(self, db: Engine, search: Searcher) -> None:
        self.db = db
        self.search = search

    # -- saved searches ---------------------------------------------------------------

    def save_search(self, user_id: int, url: str, name: str = "", frequency: str = periods.DAILY) -> SavedSearch:
        """Save the search page at ``url``; ``QueryError``/``AlertError`` say what to fix."""
        query = canonical_query_string(url)
        name = " ".join(name.split()) or default_name(query)
        if len(name) > MAX_NAME:
            raise AlertError(f"Название длиннее {MAX_NAME} символов.")
        if frequency not in periods.FREQUENCIES:
            raise AlertError("Неизвестная частота писем.")
        with self.db.begin() as conn:
            count = conn.scalar(select(func.count()).where(_s.user_id == user_id))
            if count >= MAX_SEARCHES:
                raise AlertError(f"Сохранено уже {MAX_SEARCHES} поисков: удалите ненужные.")
            cursor = history.horizon(conn)
            search_id = conn.execute(insert(saved_searches).values(
                user_id=user_id, name=name, query=query, frequency=frequency, created_at=now_iso(),
                seen_version=cursor, sent_version=cursor, feed_token=new_feed_token(),
            )).inserted_primary_key[0]
            return self._search(conn, user_id, search_id)  # type: ignore[return-value]

    def searches(self, user_id: int) -> list[SavedSearch]:
        with self.db.connect() as conn:
            rows = conn.execute(select(saved_searches).where(_s.user_id == user_id).order_by(_s.id))
            return [SavedSearch.from_row(r) for r in rows]

    def saved_search(self, user_id: int, search_id: int) -> SavedSearch | None:
        """The user's own search (``None`` for anyone else's)."""
        with self.db.connect() as conn:
            return self._search(conn, user_id, search_id)

    @staticmethod
    def _search(conn: Connection, user_id: int, search_id: int) -> SavedSearch | None:
        row = conn.execute(select(saved_searches).where(_s.id == search_id, _s.user_id == user_id)).first()
        return SavedSearch.from_row(row) if row else None

    def update_search(self, user_id: int, search_id: int, name: str, frequency: str) -> SavedSearch | None:
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise AlertError(f"Название: от 1 до {MAX_NAME} символов.")
        if frequency not in periods.FREQUENCIES:
            raise AlertError("Неизвестная частота писем.")
        with self.db.begin() as conn:
            conn.execute(update(saved_searches).where(_s.id == search_id, _s.user_id == user_id)
                         .values(name=name, frequency=frequency))
            return self._search(conn, user_id, search_id)

    def delete_search(self, user_id: int, search_id: int) -> bool:
        with self.db.begin() as conn:
            return conn.execute(delete(saved_searches).where(_s.id == search_id, _s.user_id == user_id)).rowcount == 1

    def new_matches(self, search: SavedSearch, today: dt.date) -> list[Arrived]:
        """The search's matches that appeared or reopened since the user last looked."""
        with self.db.connect() as conn:
            return _Matches(self, history.horizon(conn), today).of(conn, search.query, search.seen_version)

    def new_counts(self, searches: Iterable[SavedSearch], today: dt.date) -> dict[int, int]:
        """How many new matches each search has since the user last looked."""
        with self.db.connect() as conn:
            matches = _Matches(self, history.horizon(conn), today)
            return {s.id: len(matches.of(conn, s.query, s.seen_version)) for s in searches}

    def matching(self, query_string: str, arrived: dict[str, Arrived]) -> list[Arrived]:
        """Those of ``arrived`` the saved query finds, best first."""
        if not arrived:
            return []
        try:
            query = query_for(query_string)
        except QueryError as exc:  # saved under rules that changed since: it matches nothing
            log.warning("a saved search no longer parses (%s): %s", query_string[:100], exc)
            return []
        return [arrived[i] for i in self.search.among(query, arrived)]

    def mark_seen(self, user_id: int, search_id: int) -> None:
        """The user opened the search: its counter starts again from now."""
        with self.db.begin() as conn:
            upto = history.horizon(conn)
            conn.execute(update(saved_searches).where(_s.id == search_id, _s.user_id == user_id)
                         .values(seen_version=upto))

    def renew_feed_token(self, user_id: int, search_id: int) -> str | None:
        """A new private feed address; the old one stops working at once."""
        token = new_feed_token()
        with self.db.begin() as conn:
            done = conn.execute(update(saved_searches).where(_s.id == search_id, _s.user_id == user_id)
                                .values(feed_token=token)).rowcount
        return token if done else None

    def revoke_feed(self, user_id: int, search_id: int) -> bool:
        with self.db.begin() as conn:
            return conn.execute(update(saved_searches).where(_s.id == search_id, _s.user_id == user_id)
                                .values(feed_token=None)).rowcount == 1

    def search_by_feed_token(self, token: str) -> SavedSearch | None:
        if not token:
            return None
        with self.db.connect() as conn:
            row = conn.execute(select(saved_searches).where(_s.feed_token == token)).first()
        return SavedSearch.from_row(row) if row else None

    # -- following documents --------------------------------------------------------

    def follow(self, user_id: int, doc_id: str) -> Follow:
        if self.search.get(doc_id) is None:
            raise AlertError("Документ не найден.")
        with self.db.begin() as conn:
            row = conn.execute(select(follows).where(_f.user_id == user_id, _f.doc_id == doc_id)).first()
            if row is not None:
                return Follow.from_row(row)
            if conn.scalar(select(func.count()).where(_f.user_id == user_id)) >= MAX_FOLLOWS:
                raise AlertError(f"Отслеживается уже {MAX_FOLLOWS} документов: снимите ненужные.")
            conn.execute(insert(follows).values(
                user_id=user_id, doc_id=doc_id, created_at=now_iso(), seen_version=history.horizon(conn),
            ))
            return Follow.from_row(conn.execute(
                select(follows).where(_f.user_id == user_id, _f.doc_id == doc_id)).one())

    def unfollow(self, user_id: int, doc_id: str) -> bool:
        with self.db.begin() as conn:
            return conn.execute(delete(follows).where(_f.user_id == user_id, _f.doc_id == doc_id)).rowcount == 1

    def is_following(self, user_id: int, doc_id: str) -> bool:
        with self.db.connect() as conn:
            return conn.scalar(select(_f.id).where(_f.user_id == user_id, _f.doc_id == doc_id)) is not None

    def follows(self, user_id: int) -> list[Follow]:
        with self.db.connect() as conn:
            return [Follow.from_row(r) for r in conn.execute(
                select(follows).where(_f.user_id == user_id).order_by(_f.id))]

    # -- notifications and e-mail preference -------------------------------------------

    def notifications(self, user_id: int, limit: int = 200) -> list[Notification]:
        with self.db.connect() as conn:
            rows = conn.execute(select(notifications).where(_n.user_id == user_id)
                                .order_by(_n.id.desc()).limit(limit))
            return [Notification.from_row(r) for r in rows]

    def email_enabled(self, user_id: int) -> bool:
        with self.db.connect() as conn:
            off = conn.scalar(select(alert_preferences.c.email_off_at).where(alert_preferences.c.user_id == user_id))
        return off is None

    def set_email(self, user_id: int, enabled: bool) -> None:
        """Letters on or off (one-click unsubscribe turns them off); notifications stay."""
        with self.db.begin() as conn:
            conn.execute(delete(alert_preferences).where(alert_preferences.c.user_id == user_id))
            if not enabled:
                conn.execute(insert(alert_preferences).values(user_id=user_id, email_off_at=now_iso()))

    def delivery_problems(self, limit: int = 100) -> list[DeliveryProblem]:
        """Letters the SMTP server has not taken (retrying or given up), newest first."""
        with self.db.connect() as conn:
            rows = conn.execute(
                select(_l.id, _l.user_id, _l.period, _l.status, _l.attempts, _l.next_attempt_at, _l.last_error)
                .where(_l.last_error.is_not(None), _l.status.in_((delivery.PENDING, delivery.FAILED)))
                .order_by(_l.id.desc()).limit(limit)
            )
            return [DeliveryProblem(r.id, r.user_id, r.period, r.status, r.attempts, r.next_attempt_at, r.last_error)
                    for r in rows]

    # -- the pass ---------------------------------------------------------------------

    def run(self, mailing: Mailing, day: dt.date, now: dt.datetime, dry_run: bool = False) -> RunReport:
        """One pass: each user's letter for ``day`` composed, committed with its cursor
        moves, then sent; then every letter due for a retry. Safe to run again at any time."""
        report = RunReport(day)
        with self.db.connect() as conn:
            upto = history.horizon(conn)
            users = list(conn.scalars(union(select(_s.user_id), select(_f.user_id))))
        matches = _Matches(self, upto, day)
        for user_id in sorted(users):
            address = mailing.address_of(user_id)
            if address is None:
                report.skipped += 1
                continue
            planned = self._plan(user_id, day, matches)
            if dry_run:
                if not planned.letter.empty:
                    report.planned.append(planned.letter)
                continue
            outcome = self._commit(planned, address, mailing, now)
            if outcome is None:
                report.unchanged += 1
            elif outcome < 0:
                report.skipped += 1
            else:
                report.letters += 1
                report.items += planned.letter.count
                report.delivery.add(delivery.deliver(self.db, mailing.send, now, only=outcome))
        if not dry_run:
            report.delivery.add(self.deliver_due(mailing, now))
        return report

    def deliver_due(self, mailing: Mailing, now: dt.datetime) -> DeliveryReport:
        """Only the retries: letters already composed whose next attempt is due."""
        return delivery.deliver(self.db, mailing.send, now)

    def _plan(self, user_id: int, day: dt.date, matches: _Matches) -> _Planned:
        """Read what is due for the user (no writes)."""
        rows: list[dict[str, object]] = []
        sections: list[SearchSection] = []
        search_moves: list[tuple[int, int, str | None, str | None]] = []
        with self.db.connect() as conn:
            for search in (SavedSearch.from_row(r) for r in conn.execute(
                    select(saved_searches).where(_s.user_id == user_id).order_by(_s.id))):
                if not periods.is_due(search.frequency, search.sent_period, day):
                    continue
                items = []
                for arrived in matches.of(conn, search.query, search.sent_version):
                    doc = arrived.document
                    item = LetterItem(doc.id, doc.title, doc.kind, ARRIVAL_LABELS[arrived.why], doc.deadline)
                    items.append(item)
                    rows.append(_row(item, "search", f"match:{search.id}:{doc.id}:{arrived.version}", search.id))
                sections.append(SearchSection(search.id, search.name, search_url(search.query), tuple(items)))
                search_moves.append((search.id, search.sent_version, search.sent_period,
                                     periods.period_key(search.frequency, day)))
            reminders, changes, follow_moves = self._followed(conn, user_id, day, matches.upto, rows)
        letter = Letter(user_id, day, tuple(sections), tuple(reminders), tuple(changes))
        return _Planned(letter, matches.upto, rows, search_moves, follow_moves)

    def _followed(
        self, conn: Connection, user_id: int, day: dt.date, upto: int, rows: list[dict[str, object]]
    ) -> tuple[list[LetterItem], list[LetterItem], list[tuple[int, int]]]:
        followed = [Follow.from_row(r) for r in conn.execute(
            select(follows).where(_f.user_id == user_id).order_by(_f.id))]
        if not followed:
            return [], [], []
        now = history.contents_at(conn, [f.doc_id for f in followed], upto)
        told = set(conn.scalars(select(_n.key).where(_n.user_id == user_id, _n.section != "search")))
        reminders: list[LetterItem] = []
        changes: list[LetterItem] = []
        moves: list[tuple[int, int]] = []
        for follow in followed:
            if follow.doc_id not in now:
                continue
            version, doc = now[follow.doc_id]
            stage = reminder_stage(doc.deadline, day) if doc.kind in REMINDER_KINDS else None
            if stage is not None and not doc.is_finished(day):
                key = reminder_key(doc.id, doc.deadline, stage)  # type: ignore[arg-type]
                if key not in told:
                    item = LetterItem(doc.id, doc.title, doc.kind, countdown((doc.deadline - day).days), doc.deadline)  # type: ignore[operator]
                    reminders.append(item)
                    rows.append(_row(item, "reminder", key))
            if version > follow.seen_version:
                before = history.contents_at(conn, [doc.id], follow.seen_version).get(doc.id)
                what = act_changes(before[1], doc) if before and doc.kind == "legal_act" else []
                if what:
                    item = LetterItem(doc.id, doc.title, doc.kind, "; ".join(what))
                    changes.append(item)
                    rows.append(_row(item, "change", f"change:{doc.id}:{version}"))
                moves.append((follow.id, follow.seen_version))
        return reminders, changes, moves

    def _commit(self, planned: _Planned, address: str, mailing: Mailing, now: dt.datetime) -> int | None:
        """The letter, its notifications and the cursor moves in one transaction.

        Returns the letter's id, ``None`` when there was nothing to tell, or -1
        when the pass lost a race (another run moved the cursors, or the user
        already had today's letter): nothing is written then.
        """
        try:
            with self.db.begin() as conn:
                return self._write(conn, planned, address, mailing, now)
        except _Lost:
            return -1

    def _write(self, conn: Connection, planned: _Planned, address: str, mailing: Mailing, now: dt.datetime) -> int | None:
        letter, upto = planned.letter, planned.upto
        for search_id, old, old_period, period in planned.search_moves:
            moved = conn.execute(
                update(saved_searches)
                .where(_s.id == search_id, _s.sent_version == old, _period_is(old_period))
                .values(sent_version=max(old, upto), sent_period=period)
            ).rowcount
            if moved != 1:
                raise _Lost
        for follow_id, old in planned.follow_moves:
            if conn.execute(update(follows).where(_f.id == follow_id, _f.seen_version == old)
                            .values(seen_version=max(old, upto))).rowcount != 1:
                raise _Lost
        if letter.empty:
            return None
        period = periods.letter_key(letter.day)
        if conn.scalar(select(_l.id).where(_l.user_id == letter.user_id, _l.period == period)) is not None:
            raise _Lost
        email_on = conn.scalar(select(alert_preferences.c.user_id)
                               .where(alert_preferences.c.user_id == letter.user_id)) is None
        stamp = delivery.stamp(now)
        letter_id = conn.execute(insert(alert_letters).values(
            user_id=letter.user_id, period=period, created_at=stamp, items=letter.count,
            status=delivery.PENDING if email_on else delivery.OFF,
        )).inserted_primary_key[0]
        conn.execute(insert(notifications), [
            {**row, "user_id": letter.user_id, "letter_id": letter_id, "created_at": stamp} for row in planned.rows
        ])
        if email_on:
            message = compose(letter, mailing.envelope(letter.user_id, address, letter_id))
            conn.execute(update(alert_letters).where(_l.id == letter_id).values(message=message.as_bytes()))
        return letter_id


class _Matches:
    """New matches by cursor and saved query, up to one horizon: the users of a pass
    share cursors (the last pass's horizon) and often queries, so each is worked out once."""

    def __init__(self, service: AlertService, upto: int, today: dt.date) -> None:
        self.service, self.upto, self.today = service, upto, today
        self._arrivals: dict[int, dict[str, Arrived]] = {}
        self._matches: dict[tuple[str, int], list[Arrived]] = {}

    def of(self, conn: Connection, query_string: str, cursor: int) -> list[Arrived]:
        if cursor not in self._arrivals:
            self._arrivals[cursor] = history.arrivals(conn, cursor, self.upto, self.today)
        key = (query_string, cursor)
        if key not in self._matches:
            self._matches[key] = self.service.matching(query_string, self._arrivals[cursor])
        return self._matches[key]


class _Lost(Exception):
    """Another pass got there first: this transaction is rolled back."""


def forget_user(conn: Connection, user_id: int) -> None:
    """An account is deleted: its searches, follows, letters and notifications go with it."""
    for table in (notifications, alert_letters, follows, saved_searches, alert_preferences):
        conn.execute(delete(table).where(table.c.user_id == user_id))


DELETE_HOOKS.append(forget_user)


def _row(item: LetterItem, section: str, key: str, search_id: int | None = None) -> dict[str, object]:
    return {
        "key": key, "section": section, "search_id": search_id, "doc_id": item.doc_id, "title": item.title,
        "doc_kind": item.kind, "note": item.note, "deadline": item.deadline.isoformat() if item.deadline else None,
    }


def _period_is(period: str | None):  # noqa: ANN202 - a SQL expression
    return _s.sent_period.is_(None) if period is None else _s.sent_period == period
