"""Serving feeds over real HTTP: content types, ETag/Last-Modified, 304, gzip (RFC 9110), Datasette at /db/."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from conftest import ROOT
from served.app import create_app
from served.server import uvicorn_config
from feeds.write import write_if_changed
from storage import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """uvicorn running the feed app in a thread on a free port."""

    def __init__(self, out: Path, db: Path | None = None, fast: bool = True):
        """``fast``: uvicorn as ``coopfeed serve`` sets it up (feed files answered by served.fastpath); else
        plain uvicorn, every request through the ASGI app."""
        self.port = free_port()
        app = create_app(out, db)
        config = uvicorn_config(app) if fast else uvicorn.Config(app, log_level="error")
        config.host, config.port = "127.0.0.1", self.port
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def get(self, path: str, method: str = "GET", **headers) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "all.rss").write_text("<rss version='2.0'>" + "<!-- padding -->" * 100 + "</rss>", encoding="utf-8")
    (folder / "all.atom").write_text("<feed xmlns='http://www.w3.org/2005/Atom'/>", encoding="utf-8")
    (folder / "all.json").write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1"}), encoding="utf-8")
    (folder / "topics.opml").write_text("<opml version='2.0'/>", encoding="utf-8")
    (folder / "index.html").write_text("<!DOCTYPE html><title>coopfeed</title>", encoding="utf-8")
    (tmp_path / "secret.toml").write_text("password = 1", encoding="utf-8")
    for path in folder.iterdir():  # built an hour ago: Last-Modified is strong (see feeds/files.py)
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    return folder


@pytest.fixture(params=["fastpath", "asgi"])
def served(out, request):
    server = Served(out, fast=request.param == "fastpath")
    yield server
    server.stop()


@pytest.mark.parametrize("name, content_type", [
    ("all.rss", "application/rss+xml; charset=utf-8"), ("all.atom", "application/atom+xml; charset=utf-8"),
    ("all.json", "application/feed+json; charset=utf-8"), ("topics.opml", "text/x-opml; charset=utf-8"),
    ("index.html", "text/html; charset=utf-8")])
def test_each_format_has_its_content_type_and_validators(served, out, name, content_type):
    status, headers, body = served.get(f"/{name}")
    assert status == 200 and body == (out / name).read_bytes()
    assert headers["content-type"] == content_type
    assert headers["etag"].startswith('"') and not headers["etag"].startswith("W/")
    assert headers["last-modified"].endswith("GMT") and "max-age" in headers["cache-control"]


def test_if_none_match_gets_304_and_a_changed_feed_a_new_etag(served, out):
    _, first, _ = served.get("/all.atom")
    status, _, body = served.get("/all.atom", If_None_Match=first["etag"])
    assert status == 304 and body == b""
    (out / "all.atom").write_text("<feed xmlns='http://www.w3.org/2005/Atom'><title>new</title></feed>")
    status, second, body = served.get("/all.atom", If_None_Match=first["etag"])
    assert status == 200 and second["etag"] != first["etag"] and b"new" in body


def test_if_modified_since_gets_304(served):
    _, headers, _ = served.get("/all.json")
    status, _, _ = served.get("/all.json", If_Modified_Since=headers["last-modified"])
    assert status == 304


def test_gzip_when_asked_with_its_own_etag(served, out):
    _, plain, _ = served.get("/all.rss")
    status, headers, body = served.get("/all.rss", Accept_Encoding="gzip, deflate")
    assert status == 200 and headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == (out / "all.rss").read_bytes()
    assert headers["etag"] != plain["etag"]
    assert served.get("/all.rss", Accept_Encoding="gzip", If_None_Match=headers["etag"])[0] == 304


def test_head_root_missing_files_and_traversal(served):
    status, headers, body = served.get("/all.rss", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    assert b"coopfeed" in served.get("/")[2]
    assert served.get("/nothing.rss")[0] == 404
    assert served.get("/../secret.toml")[0] == 404
    assert served.get("/%2e%2e/secret.toml")[0] == 404
    assert served.get("/db/")[0] == 404


def test_datasette_serves_the_store_read_only_with_search(out, tmp_path):
    pytest.importorskip("datasette")
    db = tmp_path / "coopfeed.db"
    store = Store(db)
    store.save_item({"url": "http://en.sx.gov.cn/art/2019/7/2/art_1501262_1.html", "title": "Tea in Qiandongnan",
                     "text": "Anji white tea grows on Qiandongnan hills.", "html": "<p>x</p>",
                     "published": "2019-07-02T09:18:00+08:00", "language": "en"}, source="sx_hotnews")
    store.save_item({"url": "http://www.xznmx.gov.cn/yzdt_4226/202203/t20220315_1.html", "title": "援藏工作会议",
                     "text": "杭州援藏工作组召开会议。", "html": "", "published": "2022-03-15T10:09:55+08:00",
                     "language": "zh"}, source="xznmx")
    store.close()
    server = Served(out, db)
    try:
        status, _, body = server.get("/db/coopfeed/items.json?_search=Qiandongnan&_shape=array")
        assert status == 200 and [row["title"] for row in json.loads(body)] == ["Tea in Qiandongnan"]
        status, _, body = server.get("/db/coopfeed/items.json?_search=%E6%8F%B4%E8%97%8F%E5%B7%A5&_shape=array")
        assert status == 200 and [row["title"] for row in json.loads(body)] == ["援藏工作会议"]
        status, _, body = server.get("/db/coopfeed/items")
        assert status == 200 and b'name="_search"' in body
        status, _, _ = server.get("/db/coopfeed/-/execute", method="POST")
        assert status in (403, 404, 405)
    finally:
        server.stop()


def test_a_304_carries_the_validators_and_no_content_headers(served):
    for accept in ("gzip", "identity"):
        _, first, _ = served.get("/all.rss", Accept_Encoding=accept)
        status, headers, body = served.get("/all.rss", Accept_Encoding=accept, If_None_Match=first["etag"])
        assert status == 304 and body == b""
        assert not {"content-length", "content-type", "content-encoding", "transfer-encoding"} & set(headers)
        for name in ("etag", "cache-control", "vary", "last-modified"):
            assert headers[name] == first[name]


@pytest.mark.parametrize("accept, coding", [
    ("gzip", "gzip"), ("gzip;q=0.5", "gzip"), ("x-gzip", "gzip"), ("*", "gzip"), ("identity;q=0, gzip", "gzip"),
    ("gzip;q=0", "identity"), ("gzip;q=0, identity", "identity"), ("gzip;q=0.5, identity;q=0.8", "identity"),
    ("br", "identity"), ("", "identity"), ("*;q=0, identity", "identity"), ("GZIP;Q=0", "identity"),
    ("gzip;q=abc", "identity"), ("*;q=0", None), ("identity;q=0", None), ("gzip;q=0, identity;q=0", None)])
def test_accept_encoding_q_values_are_honoured(served, out, accept, coding):
    status, headers, body = served.get("/all.rss", Accept_Encoding=accept)
    if coding is None:
        assert status == 406 and headers["vary"] == "Accept-Encoding"
        return
    assert status == 200 and headers.get("content-encoding", "identity") == coding
    assert (gzip.decompress(body) if coding == "gzip" else body) == (out / "all.rss").read_bytes()


def test_a_small_file_goes_out_plain_unless_plain_is_refused(served, out):
    assert "content-encoding" not in served.get("/all.atom", Accept_Encoding="gzip")[1]
    status, headers, body = served.get("/all.atom", Accept_Encoding="identity;q=0, gzip")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == (out / "all.atom").read_bytes()


def test_a_file_rewritten_within_its_second_is_never_answered_304(served, out):
    """If-Modified-Since has a 1-second resolution: the date of a fresh file is weak (RFC 9110 §8.8.2.2)."""
    path = out / "all.json"
    same_second = 0
    for round in range(10):
        write_if_changed(path, f'{{"version": "a{round}"}}'.encode())
        _, first, _ = served.get("/all.json")
        since = first.get("last-modified") or formatdate(path.stat().st_mtime, usegmt=True)  # as a client would
        write_if_changed(path, f'{{"version": "b{round}"}}'.encode())
        same_second += int(path.stat().st_mtime) == int(parsedate_to_datetime(since).timestamp())
        status, _, body = served.get("/all.json", If_Modified_Since=since)
        assert status == 200 and f"b{round}".encode() in body
    assert same_second >= 5  # the case this is about: the rewrite kept the date


def test_last_modified_is_sent_once_its_second_is_over(served, out):
    time.sleep(1 - time.time() % 1)  # written early in its second: over half a second to ask in
    (out / "all.json").write_text('{"version": "new"}', encoding="utf-8")
    assert "last-modified" not in served.get("/all.json")[1]
    time.sleep(1.2)
    _, headers, _ = served.get("/all.json")
    assert served.get("/all.json", If_Modified_Since=headers["last-modified"])[0] == 304


def test_if_none_match_wins_over_if_modified_since(served):
    _, headers, _ = served.get("/all.rss")
    status, _, _ = served.get("/all.rss", If_None_Match='"other"', If_Modified_Since=headers["last-modified"])
    assert status == 200
    assert served.get("/all.rss", If_None_Match=f'"x", W/{headers["etag"]}')[0] == 304
    assert served.get("/all.rss", If_None_Match="*")[0] == 304


@pytest.mark.parametrize("how", ["rename", "in place"])
def test_a_changed_file_is_never_answered_from_memory(served, out, how):
    path = out / "all.rss"
    _, headers, _ = served.get("/all.rss")
    for round in range(20):
        data = f"<rss version='2.0'><!-- {how} {round} --></rss>".encode()
        write_if_changed(path, data) if how == "rename" else path.write_bytes(data)
        status, new, body = served.get("/all.rss", If_None_Match=headers["etag"])
        assert status == 200 and body == data and new["etag"] != headers["etag"]
        headers = new
    path.unlink()
    assert served.get("/all.rss")[0] == 404
    path.write_bytes(b"<rss version='2.0'/>")
    assert served.get("/all.rss")[2] == b"<rss version='2.0'/>"


def test_each_version_is_built_once_and_watched_not_stat(out):
    from feeds.files import FeedFiles

    files = FeedFiles(out)
    first = files.version("/all.rss")
    assert files.version("/all.rss") is first and files._watch.available
    write_if_changed(out / "all.rss", b"<rss version='2.0'><channel/></rss>")
    assert files.version("/all.rss") is not first and files.version("/all.rss").bodies["identity"].endswith(b"</rss>")


def test_without_inotify_each_request_checks_its_file(out, monkeypatch):
    monkeypatch.setattr("feeds.changes._libc", lambda: None)
    server = Served(out)
    try:
        _, headers, _ = server.get("/all.rss")
        write_if_changed(out / "all.rss", b"<rss version='2.0'><channel/></rss>")
        status, _, body = server.get("/all.rss", If_None_Match=headers["etag"])
        assert status == 200 and body == b"<rss version='2.0'><channel/></rss>"
    finally:
        server.stop()


@pytest.mark.parametrize("accept", ["gzip", "identity"])
def test_head_answers_the_headers_of_get_without_a_body(served, accept):
    _, got, _ = served.get("/all.rss", Accept_Encoding=accept)
    status, headers, body = served.get("/all.rss", method="HEAD", Accept_Encoding=accept)
    assert status == 200 and body == b""
    assert {k: v for k, v in headers.items() if k != "date"} == {k: v for k, v in got.items() if k != "date"}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_other_methods_get_405_with_allow(served, method):
    status, headers, _ = served.get("/all.rss", method=method)
    assert status == 405 and headers["allow"] == "GET, HEAD"


def start_serve(*args: str) -> tuple[subprocess.Popen, int]:
    """``coopfeed serve ARGS --port 0`` in a child process, and the port its first line names."""
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "serve", *args, "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = process.stdout.readline()
    assert line.startswith("serving ") and "http://127.0.0.1:" in line, line + process.stderr.read()
    return process, int(line.rsplit(":", 1)[1].split("/")[0])


def get(port: int, path: str) -> int:
    """The status of a GET, waiting up to 10 s for the server to answer."""
    deadline = time.monotonic() + 10
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            return connection.getresponse().status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> str:
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0 and "Traceback" not in stderr, stderr
    return stderr


def test_serve_on_port_0_names_the_port_it_listens_on(out):
    process, port = start_serve("--out", str(out), "--no-db")
    try:
        assert get(port, "/all.rss") == 200
    finally:
        stop(process)


def test_serve_with_two_workers_shares_one_port(out):
    process, port = start_serve("--out", str(out), "--no-db", "--workers", "2")
    try:
        assert [get(port, "/all.rss") for _ in range(20)] == [200] * 20
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(children) == 2
    finally:
        stop(process, signal.SIGTERM)
    assert not any(Path(f"/proc/{child}").exists() for child in children)


def test_the_server_runs_on_httptools_and_uvloop(out):
    from served.server import build_app, uvicorn_config

    config = uvicorn_config(build_app(out, None))
    config.load()
    assert issubclass(config.http_protocol_class, HttpToolsProtocol)
    assert config.http_protocol_class.__name__ == "FeedFileProtocol"
    assert config.get_loop_factory().__module__.startswith("uvloop")


def raw_exchange(port: int, request: bytes, until: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes on one connection; read until ``until`` has been seen as often as asked (or EOF)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        while received.count(until) < request.count(b"\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    return received


def test_pipelined_requests_are_answered_in_order_whichever_way_each_takes(out, tmp_path):
    """Fast-path files, a query string and a page (the ASGI way) in one write: answers in request order."""
    with Store(tmp_path / "s.db"):
        pass
    server = Served(out, tmp_path / "s.db")
    try:
        _, headers, _ = server.get("/all.atom")
        etag = headers["etag"].encode()
        requests = [b"GET /all.atom HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + b"\r\n\r\n",
                    b"GET /all.atom?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /all.atom#top HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /sources HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"HEAD /all.rss HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /missing.rss HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /all.json HTTP/1.1\r\nHost: x\r\n\r\n"]
        received = raw_exchange(server.port, b"".join(requests), b"HTTP/1.1 ")
    finally:
        server.stop()
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", received)
    assert statuses == [b"304", b"200", b"200", b"200", b"200", b"404", b"200"]
    assert received.count(b"date: ") == 7 and received.endswith((out / "all.json").read_bytes())
    assert b"<!-- padding -->" not in received  # HEAD: no body


def test_http_1_0_and_connection_close_take_the_asgi_way_and_close(served):
    for request in (b"GET /all.atom HTTP/1.0\r\n\r\n", b"GET /all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"):
        received = raw_exchange(served.port, request, b"HTTP/1.1 ")
        assert received.startswith(b"HTTP/1.1 200 OK\r\n") and received.endswith(b"Atom'/>")
        assert b"connection: close" in received.lower()
