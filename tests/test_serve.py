"""Serving feeds over real HTTP: content types, ETag/Last-Modified, 304, gzip, Datasette at /db/."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from feeds.serve import feed_app
from storage import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """uvicorn running the feed app in a thread on a free port."""

    def __init__(self, out: Path, db: Path | None = None):
        self.port = free_port()
        config = uvicorn.Config(feed_app(out, db), host="127.0.0.1", port=self.port, log_level="error")
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
    return folder


@pytest.fixture
def served(out):
    server = Served(out)
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
