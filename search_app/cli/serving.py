"""What ``munnav serve`` settles before gunicorn starts: the port and the public address."""

from __future__ import annotations

import errno
import socket


def port_problem(host: str, port: int) -> str | None:
    """A Russian message when ``host:port`` cannot be listened on, else ``None``.

    Checked by binding once, as gunicorn will (with ``SO_REUSEADDR``), so a busy port
    is named in Russian instead of after five seconds of English retries.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return f"не удаётся найти адрес {host!r}: укажите --host, например 127.0.0.1."
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                other = port + 1 if port < 65535 else 8000
                return (
                    f"порт {port} на {host} уже занят (возможно, munnav serve уже запущен). "
                    f"Выберите другой порт: munnav serve --port {other} или make run PORT={other}."
                )
            return f"не удаётся слушать {host}:{port}: {exc.strerror or exc}."
    return None


def default_public_url(host: str, port: int) -> str:
    """The address the server listens on, as a browser on this machine would write it."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"
