"""Serve a Replica over real HTTP on 127.0.0.1 (stdlib threaded server, quiet logs).

    with ReplicaServer(Replica()) as server:
        urllib.request.urlopen(server.base_url + "/robots.txt")
        server.requests  # [(method, path+query, status), ...]
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from replica.site import Replica


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a slow answer never holds up shutdown or interpreter exit
    block_on_close = False

    def handle_error(self, request, client_address) -> None:
        """A client that went away (a killed crawl, a timeout) is no error of the replica's."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class ReplicaServer:
    """A running replica web; ``port=0`` picks a free port. Every request is logged in ``requests``."""

    def __init__(self, replica: Replica, host: str = "127.0.0.1", port: int = 0):
        self.replica = replica
        self.requests: list[tuple[str, str, int]] = []
        self.forms: dict[str, str] = {}  # path+query -> the form body a POST to it sent
        #: Seconds every answer waits (a site's latency), and the most requests each portal had at once.
        self.latency = 0.0
        self.busy: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}
        self._lock = threading.Lock()
        self.httpd = _Server((host, port), _handler_for(self))
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` without a trailing slash."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplicaServer:
        """Serve in a background (daemon) thread."""
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="replica", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (answers still sleeping are abandoned)."""
        if self.thread is not None:
            self.httpd.shutdown()
            self.thread = None
        self.httpd.server_close()

    def log(self, method: str, target: str, status: int, form: str = "") -> None:
        """Record one request (thread-safe)."""
        with self._lock:
            self.requests.append((method, target, status))
            if form:
                self.forms[target] = form

    def started(self, path: str) -> None:
        """A request to a portal (the first path segment) began: count it."""
        portal = path.split("/")[1] if path.count("/") > 1 else path
        with self._lock:
            self.busy[portal] = self.busy.get(portal, 0) + 1
            self.most_at_once[portal] = max(self.most_at_once.get(portal, 0), self.busy[portal])

    def ended(self, path: str) -> None:
        portal = path.split("/")[1] if path.count("/") > 1 else path
        with self._lock:
            self.busy[portal] -= 1

    def fetched(self, path_prefix: str = "") -> list[str]:
        """The targets (path and query) requested so far, optionally only those under a prefix."""
        with self._lock:
            return [target for _, target, _ in self.requests if target.startswith(path_prefix)]

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _handler_for(server: ReplicaServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``server``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "replica/1.0"

        def do_GET(self) -> None:
            self._answer("GET")

        def do_HEAD(self) -> None:
            self._answer("HEAD")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            headers = {key.lower(): value for key, value in self.headers.items()}
            response = server.replica.handle(method, parts.path, parts.query, form, headers, server.base_url)
            server.log(method, self.path, response.status, form)
            server.started(parts.path)
            try:
                if response.delay or server.latency:
                    time.sleep(response.delay or server.latency)
            finally:
                server.ended(parts.path)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                self._send(method, response)

        def _send(self, method: str, response) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            if response.status != 304:
                self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD" and response.status != 304:
                self.wfile.write(response.body)

        def log_message(self, format, *args) -> None:  # quiet: requests are kept in server.requests
            pass

    return Handler
