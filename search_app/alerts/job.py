"""One alerts pass, as ``munnav alerts run`` and the ``munnav schedule`` job do it.

Everything a pass needs from outside the alerts comes together here: the
users' addresses (accounts), the shared mailer (``MUNNAV_SMTP_URL``; unset,
letters go to the log), the site's address for links (``MUNNAV_PUBLIC_URL``)
and the key that signs unsubscribe links (the web app's secret key).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from email.message import EmailMessage

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from ingest.clock import today
from search_app.accounts.service import AccountService
from search_app.alerts.delivery import DeliveryError, DeliveryReport
from search_app.alerts.service import AlertService, Mailing, RunReport
from search_app.engine import SearchEngine
from search_app.mail import Mailer, MailError
from search_app.settings import setting
from search_app.site_settings import secret_key
from search_app.web.public import checked_public_url

SECRET_KEY_ENV = "MUNNAV_SECRET_KEY"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"  # where «munnav serve» listens by default
RETRY_EVERY = dt.timedelta(minutes=15)


def mailing_from_env(db: Engine, mailer: Mailer | None = None) -> Mailing:
    mailer = mailer or Mailer()
    accounts = AccountService(db)

    def address_of(user_id: int) -> str | None:
        user = accounts.get(user_id)
        return user.email if user is not None and user.can_act and user.email else None

    def send(message: EmailMessage) -> None:
        try:
            mailer.deliver(message)
        except MailError as exc:
            raise DeliveryError(str(exc)) from exc

    return Mailing(
        address_of=address_of, send=send, sender=mailer.sender,
        base_url=checked_public_url(setting("public_url") or DEFAULT_PUBLIC_URL),
        secret_key=os.environ.get(SECRET_KEY_ENV, "").strip() or secret_key(db),
    )


def run_alerts(dry_run: bool = False, engine: SearchEngine | None = None) -> RunReport:
    """One pass of everything due now (letters, reminders, change notices, retries)."""
    search = engine or SearchEngine.open()
    try:
        service = AlertService(search.store.engine, search)
        mailing = mailing_from_env(search.store.engine)
        return service.run(mailing, today(), dt.datetime.now(dt.UTC), dry_run=dry_run)
    finally:
        if engine is None:
            search.close()


def retry_deliveries() -> DeliveryReport:
    """Send the letters whose next attempt is due (between the daily passes)."""
    search = SearchEngine.open()
    try:
        service = AlertService(search.store.engine, search)
        return service.deliver_due(mailing_from_env(search.store.engine), dt.datetime.now(dt.UTC))
    finally:
        search.close()


def add_jobs(scheduler: BaseScheduler, now: dt.datetime, run: Callable[[str], None], timezone: str) -> bool:
    """The daily pass at ``MUNNAV_ALERTS_CRON`` and retries every ``RETRY_EVERY``; ``run(name)``
    runs ``"alerts"`` or ``"alerts-retry"``. Returns True when today's pass time has gone by
    already: it runs at once (a pass is safe to repeat: what was sent is not sent again)."""
    trigger = CronTrigger.from_crontab(setting("alerts_cron"), timezone=timezone)
    local_now = now.astimezone(trigger.timezone)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    first_today = trigger.get_next_fire_time(None, midnight)
    passed = first_today is not None and first_today <= local_now
    extra = {"next_run_time": now} if passed else {}
    scheduler.add_job(run, trigger, args=["alerts"], id="alerts", name="alerts", replace_existing=True, **extra)
    scheduler.add_job(run, IntervalTrigger(seconds=RETRY_EVERY.total_seconds(), timezone=timezone),
                      args=["alerts-retry"], id="alerts-retry", name="alerts-retry", replace_existing=True)
    return passed
