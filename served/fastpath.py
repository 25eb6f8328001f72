"""uvicorn's httptools protocol with a short way for the feed files.

A keep-alive HTTP/1.1 GET or HEAD of a feed file is answered by the app at
once (``app.answer``: no I/O, headers made once per file version), so its
response is written to the connection as soon as its headers are parsed,
without the ASGI task, scope and ``send`` messages that are most of a 304's
cost in uvicorn. Anything else (the pages, ``/db/``, a query string, a
percent-encoded path or a fragment, HTTP/1.0, an upgrade, a client not
reading) takes uvicorn's usual way. Subclasses uvicorn 0.55's
``HttpToolsProtocol`` (pinned in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: What an app's ``answer(method, path, headers)`` gives: (status, headers, body) or None (take the ASGI way).
Answer = Callable[[bytes, str, list], "tuple[int, list, bytes] | None"]
STATUS_LINES = {status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode() for status in HTTPStatus}


class _Answered:
    """The request answered here, as uvicorn's callbacks see a finished request cycle."""

    response_complete = True
    disconnected = False

    class message_event:  # noqa: N801 (uvicorn sets it when the connection is lost)
        @staticmethod
        def set() -> None:
            pass


ANSWERED = _Answered()


def fast_protocol(answer: Answer) -> type[HttpToolsProtocol]:
    """uvicorn's protocol class answering what ``answer`` can at once."""

    class FeedFileProtocol(HttpToolsProtocol):
        def on_headers_complete(self) -> None:
            if not self._answered_here():
                super().on_headers_complete()

        def _answered_here(self) -> bool:
            method = self.parser.get_method()
            if not self._plain_request(method):
                return False
            response = answer(method, self.url.decode("ascii"), self.headers)
            if response is None:
                return False
            status, headers, body = response
            self.transport.write(b"".join([
                STATUS_LINES[status],
                *[name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers],
                *[name + b": " + value + b"\r\n" for name, value in headers],
                b"\r\n", b"" if method == b"HEAD" else body]))
            self.cycle = ANSWERED
            self.on_response_complete()
            return True

        def _plain_request(self, method: bytes) -> bool:
            """A keep-alive HTTP/1.1 GET or HEAD of a plain ASCII path, nothing before it still being answered."""
            return (method in (b"GET", b"HEAD") and (self.cycle is None or self.cycle.response_complete)
                    and self.parser.get_http_version() == "1.1" and self.parser.should_keep_alive()
                    and not self.parser.should_upgrade() and not self.expect_100_continue
                    and not self.flow.write_paused and self.url.startswith(b"/")
                    and not any(mark in self.url for mark in (b"?", b"%", b"#")) and self.url.isascii())

    return FeedFileProtocol
