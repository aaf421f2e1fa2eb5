"""One alerts pass in its own process (the test kills it midway): python -m tests.alerts.run_pass DATA PORT NOW."""

from __future__ import annotations

import datetime as dt
import smtplib
import sys
from email.message import EmailMessage
from pathlib import Path

from ingest.clock import today
from search_app.alerts.delivery import DeliveryError
from search_app.alerts.service import AlertService, Mailing
from search_app.engine import SearchEngine
from tests.alerts.conftest import ADDRESSES


def main(data_dir: Path, port: int, now: dt.datetime) -> None:
    def send(msg: EmailMessage) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(str(exc)) from exc

    engine = SearchEngine.open(data_dir)
    try:
        mailing = Mailing(ADDRESSES.get, send, "noreply@munnav.example", "https://munnav.example", "test-secret")
        print(AlertService(engine.store.engine, engine).run(mailing, today(), now).summary())
    finally:
        engine.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), dt.datetime.fromisoformat(sys.argv[3]))
