"""The listening socket, bound once before anything else runs, and uvicorn serving an app on it.

    sock = listen("127.0.0.1", 0)          # CoopfeedError (one line) when the port is taken
    serve(build_app(Path("public"), None), sock, workers=2)

uvicorn takes the bound socket (no check-then-bind race); with several
workers the process forks after binding and every child accepts on it.
httptools and uvloop (``uvicorn[standard]``) are used when installed, and
then feed files are answered without ASGI (``served.fastpath``).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import sqlite3
from pathlib import Path

from coopfeed.errors import CoopfeedError, StoreError

BACKLOG = 2048


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` (port 0: a free one); CoopfeedError when it cannot be."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=BACKLOG)
    except socket.gaierror as exc:
        raise CoopfeedError(f"cannot listen on {host}: {exc.strerror}: choose another --host") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CoopfeedError(f"port {port} on {host} is in use: choose another with --port") from None
        hint = " (ports below 1024 need root)" if exc.errno == errno.EACCES else ""
        raise CoopfeedError(f"cannot listen on {host} port {port}: {exc.strerror or exc}{hint}") from None


def address(sock: socket.socket) -> str:
    """``http://HOST:PORT/`` of a listening socket (its real port when it was asked for port 0)."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def check_store(db_path: Path) -> None:
    """StoreError (one line) unless ``db_path`` is a SQLite file holding coopfeed's ``items`` table."""
    if not db_path.is_file():
        raise StoreError(f"{db_path}: no such store (run `coopfeed crawl` first, or pass --no-db)")
    try:
        db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            db.execute("select 1 from items limit 1").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{db_path}: not a coopfeed store ({exc}): pass the --db that `coopfeed crawl` "
                         "wrote, or --no-db") from None


def build_app(out_dir: Path, db_path: Path | None):
    """The ASGI app ``coopfeed serve`` runs: the web pages, the feed files, and the store at /db/."""
    from served.app import create_app

    return create_app(out_dir, db_path)


def serve(app, sock: socket.socket, workers: int = 1) -> None:
    """Serve ``app`` on ``sock`` until interrupted; ``workers`` processes share the socket."""
    if workers <= 1:
        try:
            _run(app, sock)
        except KeyboardInterrupt:  # uvicorn stopped cleanly, then re-raised the signal
            pass
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            try:
                _run(app, sock)
            except KeyboardInterrupt:
                pass
            finally:
                os._exit(0)
        children.append(pid)
    _wait(children)


def uvicorn_config(app):
    """uvicorn's settings: httptools and uvloop when installed ("auto"), feed files answered without ASGI
    (``served.fastpath``); no access log, Server header or X-Forwarded-* parsing (nothing here uses the
    client address), each a cost per request."""
    import uvicorn

    return uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", server_header=False,
                          proxy_headers=False, http=_protocol(app))


def _protocol(app):
    """The feed-file protocol when the app can answer at once and httptools is installed, else uvicorn's
    own choice."""
    try:
        from served.fastpath import fast_protocol
    except ImportError:  # uvicorn without httptools (not uvicorn[standard])
        return "auto"
    return fast_protocol(app.answer) if hasattr(app, "answer") else "auto"


def _run(app, sock: socket.socket) -> None:
    import uvicorn

    uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])


def _wait(children: list[int]) -> None:
    """Wait for the workers; Ctrl-C or SIGTERM stops them all (each ends its open requests first)."""
    signal.signal(signal.SIGTERM, _interrupt)
    running = set(children)
    try:
        while running:
            running.discard(os.wait()[0])
    except KeyboardInterrupt:
        for pid in running:
            _stop(pid)


def _stop(pid: int) -> None:
    """SIGTERM a worker (uvicorn ends its open requests; a second signal would force it) and reap it."""
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
