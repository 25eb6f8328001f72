"""Serve a Replica over real HTTP on 127.0.0.1 (stdlib threaded server)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from replica.site import Replica


class ReplicaServer:
    """A running replica web; ``port=0`` picks a free port. Logs every request in ``requests``."""

    def __init__(self, replica: Replica, host: str = "127.0.0.1", port: int = 0):
        self.replica = replica
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "ReplicaServer":
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="replica", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def log(self, method: str, target: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, target, status))

    def fetched(self, path_prefix: str = "") -> list[str]:
        """The paths (with query) of the GET/POST requests made so far, optionally filtered."""
        with self._lock:
            return [target for _, target, _ in self.requests if target.startswith(path_prefix)]

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _handler_for(server: ReplicaServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "replica/1.0"

        def do_GET(self):
            self._answer("GET")

        def do_HEAD(self):
            self._answer("HEAD")

        def do_POST(self):
            self._answer("POST")

        def _answer(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            headers = {key.lower(): value for key, value in self.headers.items()}
            response = server.replica.handle(method, parts.path, parts.query, form, headers, server.base_url)
            server.log(method, self.path, response.status)
            if response.delay:
                time.sleep(response.delay)
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if method != "HEAD" and response.status != 304:
                    self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format, *args):  # quiet: requests are kept in server.requests
            pass

    return Handler
