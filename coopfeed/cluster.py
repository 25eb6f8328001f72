"""The cluster's seeding, its one writer and its status (the workers are ``crawler.cluster``).

- ``seed``: each source's start requests (its list pages, and its failed pages
  that are due) go into its queue once per round; a source still being
  crawled is not seeded again. Incremental rules hold as in a local crawl: the
  writer publishes which ids are stored and whether the next round must read
  every list page.
- ``Ingest``: the only process that opens the store. It moves a batch of
  messages from ``coopfeed:items`` to ``coopfeed:items:processing`` (one Lua
  call), stores it through ``ItemWriter`` in one transaction together with
  the messages' ids (``ingested``), and only then deletes the processing
  list: killed at any point, it loses nothing and stores nothing twice. When
  a source's round is over (nothing queued, in flight, leased or waiting) its
  ``crawl_runs`` row is finished and its health judged, as after a local crawl.
- ``status``: queues, items waiting, workers seen in the last minute.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import redis

from coopfeed.errors import ConfigError, CoopfeedError
from crawler.cluster import Keys, Outage, connect, item_from
from crawler.listings import ListLink
from crawler.sources import Source
from crawler.storing import Counters, ItemWriter
from crawler.summary import run_facts, summary_from_stats
from storage import Store, item_id
from storage.clock import utc_now
from storage.connection import transaction
from storage.health import judge

logger = logging.getLogger("coopfeed.cluster")

BATCH = 200
POLL_SECONDS = 0.1
MOVE = """local moved = {}
for i = 1, tonumber(ARGV[1]) do
  local value = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not value then break end
  moved[#moved + 1] = value
end
return moved"""


class ClusterError(CoopfeedError):
    """The cluster's Redis stayed away longer than the writer waits for it."""


def redis_url(cli_value: str | None, config: dict) -> str:
    """``--cluster`` if given, else ``[cluster] redis`` of the configuration; ConfigError when neither."""
    table = config.get("cluster", {})
    unknown = sorted(set(table) - {"redis"})
    if unknown:
        raise ConfigError(f"[cluster] has unknown key {unknown[0]!r} (allowed: redis)")
    url = cli_value or table.get("redis")
    if not url:
        raise ConfigError("no Redis address: pass --cluster redis://HOST:PORT/DB or set [cluster] redis")
    if not str(url).startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"{url!r} is not a Redis address (redis://HOST:PORT/DB)")
    return str(url)


def check_redis(url: str) -> None:
    """ConfigError (one line) when the cluster's Redis does not answer."""
    try:
        connect(url).ping()
    except redis.RedisError as exc:
        raise ConfigError(f"Redis unreachable at {url}: {exc}") from None


# -- seeding ---------------------------------------------------------------------------

def seed(server: redis.Redis, sources: list[Source], *, full: bool = False, refresh: bool = False) -> list[str]:
    """Queue each source's start requests for a new round; one line per source."""
    return [_seed_one(server, source, full, refresh) for source in sources]


def _seed_one(server: redis.Redis, source: Source, full: bool, refresh: bool) -> str:
    from crawler.run import spider_class
    from scrapy_redis import picklecompat
    from scrapy_redis.queue import PriorityQueue

    if server.zcard(Keys.of("q", source.name)) or server.hlen(Keys.of("inflight", source.name)):
        current = (server.hget(Keys.of("round", source.name), "id") or b"?").decode()
        return f"{source.name}: still being crawled (round {current}): not seeded again"
    state = {k.decode(): v.decode() for k, v in server.hgetall(Keys.of("state", source.name)).items()}
    full = full or refresh or state.get("full", "1") == "1"
    now = utc_now()
    due = [url.decode() for url, when in server.hgetall(Keys.of("retry", source.name)).items()
           if when.decode() <= now]
    spider = spider_class(source.profile)(source, set(), retry_urls=due, refresh=refresh, full_listing=full)
    requests = [spider.listing_request(url, page=1) for url in source.start_urls]
    requests += spider.follow_articles((ListLink(url) for url in due), listed=False)
    round_id = uuid.uuid4().hex[:12]
    pipe = server.pipeline(transaction=True)
    pipe.delete(Keys.of("seen", source.name), Keys.of("round", source.name))
    pipe.hset(Keys.of("round", source.name), mapping={"id": round_id, "started": now, "full": int(full),
                                                      "refresh": int(refresh)})
    pipe.execute()
    queue = PriorityQueue(server, spider, Keys.of("q", source.name), serializer=picklecompat)
    for request in requests:
        queue.push(request)
    listing = "every list page" if full else "list pages until one has nothing new"
    return (f"{source.name}: seeded {len(source.start_urls)} start page(s) and {len(due)} page(s) to retry "
            f"(round {round_id}, {listing})")


# -- the writer ------------------------------------------------------------------------

class Ingest:
    """The cluster's one writer: messages from Redis into the store, exactly once; runs and health."""

    def __init__(self, server: redis.Redis, db_path: str | Path, after_round: Callable[[str], None] | None = None):
        self.server = server
        self.store = Store(db_path)
        self.after_round = after_round
        self.rounds: dict[str, tuple[int, Counters]] = {}
        self.outage = Outage
        self.stopping = threading.Event()

    def run(self, exit_when_idle: float | None = None, give_up_after: float | None = None) -> None:
        """Store messages until stopped (or until everything was quiet ``exit_when_idle`` seconds); a
        ClusterError once Redis has been unreachable ``give_up_after`` seconds."""
        self._connect()
        quiet_since: float | None = None
        while not self.stopping.is_set():
            try:
                if self.step():
                    quiet_since = None
                    continue
                if exit_when_idle is not None and self._quiet():
                    quiet_since = quiet_since or time.monotonic()
                    if time.monotonic() - quiet_since >= exit_when_idle:
                        return
                else:
                    quiet_since = None
                self.outage.ok()
            except redis.RedisError as error:
                self.outage.failed(error)
                if self.outage.too_long(give_up_after):
                    raise ClusterError(self.outage.gave_up) from None
                time.sleep(2)
                self._connect_quietly()
                continue
            self.stopping.wait(POLL_SECONDS)

    def step(self) -> int:
        """Store one batch (the leftovers of a crash first); finish the rounds that are over."""
        raw = self.server.lrange(Keys.processing, 0, -1) or self.server.eval(MOVE, 2, Keys.items, Keys.processing,
                                                                             BATCH)
        if raw:
            self._ingest([json.loads(value) for value in raw])
            self.server.delete(Keys.processing)
        self._finish_rounds()
        return len(raw)

    def close(self) -> None:
        self.store.close()

    def _connect(self) -> None:
        """Tell the workers what is stored (ids) and how each source's next round must list."""
        self._load_rounds()
        ids = [row[0] for row in self.store.db.execute("select id from items")]
        for start in range(0, len(ids), 10_000):
            self.server.sadd(Keys.known, *ids[start:start + 10_000])
        for (name,) in self.store.db.execute("select name from sources").fetchall():
            self._publish_state(name)

    def _connect_quietly(self) -> None:
        try:
            self.server.ping()
            self._connect()
        except redis.RedisError:
            pass

    def _ingest(self, messages: list[dict]) -> None:
        db = self.store.db
        fresh = self._not_ingested(messages)
        writers: dict[str, ItemWriter] = {}
        with transaction(db):
            for message in fresh:
                run_id, counters = self._round(message)
                if message["type"] == "counters":
                    _merge(counters, message["counters"])
                    continue
                writer = writers.setdefault(message["round"], ItemWriter(self.store, counters))
                writer.add(item_from(message))
            for writer in writers.values():
                writer.flush()
            for round_id in {message["round"] for message in fresh}:
                db.execute("update cluster_rounds set counters = ? where round = ?",
                           [json.dumps(self.rounds[round_id][1]), round_id])
            db.conn.executemany("insert into ingested (id, time) values (?, ?)",
                                [(message["id"], utc_now()) for message in fresh])
        stored = [_item_key(message) for message in fresh if message["type"] == "article"]
        if stored:
            self.server.sadd(Keys.known, *stored)

    def _not_ingested(self, messages: list[dict]) -> list[dict]:
        """The messages not stored yet, each once: a worker whose push succeeded but whose answer was lost
        (Redis went away) sends the same messages again, maybe into the same batch."""
        ids = [message["id"] for message in messages]
        marks = ", ".join("?" * len(ids))
        done = {row[0] for row in self.store.db.execute(f"select id from ingested where id in ({marks})", ids)}
        fresh = []
        for message in messages:
            if message["id"] not in done:
                done.add(message["id"])
                fresh.append(message)
        return fresh

    def _round(self, message: dict) -> tuple[int, Counters]:
        """The run row and counters of a message's round (a new round opens a ``running`` row)."""
        round_id = message["round"] or "unseeded"
        message["round"] = round_id
        if round_id not in self.rounds:
            started = (self.server.hget(Keys.of("round", message["source"]), "started") or b"").decode() or utc_now()
            run_id = self.store.start_run(message["source"], started)
            counters = Counters({"coopfeed/run_started": started, "opened": time.time()})
            self.store.db.execute("insert into cluster_rounds (round, source, run_id, started, counters) "
                                  "values (?, ?, ?, ?, ?)",
                                  [round_id, message["source"], run_id, started, json.dumps(counters)])
            self.rounds[round_id] = (run_id, counters)
        return self.rounds[round_id]

    def _load_rounds(self) -> None:
        for row in self.store.db.query("select round, run_id, counters from cluster_rounds"):
            self.rounds[row["round"]] = (row["run_id"], Counters(json.loads(row["counters"])))

    def _finish_rounds(self) -> None:
        for round_id, (run_id, counters) in list(self.rounds.items()):
            source = self.store.db.execute("select source from cluster_rounds where round = ?",
                                           [round_id]).fetchone()
            if source is None or not self._round_over(source[0]):
                continue
            self._finish(round_id, source[0], run_id, counters)

    def _round_over(self, source: str) -> bool:
        pipe = self.server.pipeline()
        pipe.zcard(Keys.of("q", source)).hlen(Keys.of("inflight", source)).exists(Keys.of("lease", source))
        pipe.llen(Keys.items).llen(Keys.processing)
        return not any(pipe.execute())

    def _finish(self, round_id: str, source: str, run_id: int, counters: Counters) -> None:
        from crawler.extensions import listing_complete

        facts = run_facts(counters, "finished")
        summary = summary_from_stats(source, counters, "finished", time.time() - counters["opened"])
        with transaction(self.store.db):
            history = [run for run in self.store.runs(source) if run["id"] != run_id]
            self.store.finish_run(run_id, pages=summary.pages, new=summary.new, updated=summary.updated,
                                  unchanged=summary.unchanged, failed=summary.failed, status="finished",
                                  links=facts.links, not_modified=summary.not_modified,
                                  listing_complete=int(listing_complete(counters, "finished")))
            verdict = judge(facts, history, datetime.now(timezone.utc))
            self.store.set_health(source, verdict)
            self.store.db.execute("delete from cluster_rounds where round = ?", [round_id])
        del self.rounds[round_id]
        summary.health, summary.reason = verdict.status, verdict.reason
        level = logging.WARNING if verdict.status != "ok" else logging.INFO
        logger.log(level, "%s", summary.line())
        self.server.hset(Keys.of("round", source), "finished", utc_now())
        self._publish_state(source)
        if self.after_round:
            self.after_round(source)

    def _publish_state(self, source: str) -> None:
        """Whether the source's next round reads every list page, and its failed pages with their next try."""
        retries = {page["fetch_url"]: page["next_attempt"] for page in self.store.failed_pages(source)
                   if not page["given_up"]}
        pipe = self.server.pipeline(transaction=True)
        pipe.hset(Keys.of("state", source), "full", int(self.store.needs_full_listing(source)))
        pipe.delete(Keys.of("retry", source))
        if retries:
            pipe.hset(Keys.of("retry", source), mapping=retries)
        pipe.execute()

    def _quiet(self) -> bool:
        """Nothing left anywhere: no message, no queued or in-flight request, no open round."""
        if self.rounds or self.server.llen(Keys.items) or self.server.llen(Keys.processing):
            return False
        return not any(True for _ in self.server.scan_iter("coopfeed:q:*", count=1000)) and \
            not any(self.server.hlen(key) for key in self.server.scan_iter("coopfeed:inflight:*", count=1000))


class IngestThread(threading.Thread):
    """The writer as a thread of ``coopfeed run --cluster``: stores what the workers send until stopped, and
    calls ``after_round(source)`` (the feed build) when a source's round is over."""

    def __init__(self, redis_url: str, db_path: str | Path, after_round: Callable[[str], None] | None = None):
        super().__init__(name="coopfeed-ingest", daemon=True)
        self.redis_url, self.db_path, self.after_round = redis_url, db_path, after_round
        self.writer: Ingest | None = None
        self.started_writing = threading.Event()

    def run(self) -> None:
        self.writer = Ingest(connect(self.redis_url), self.db_path, self._after_round)  # its store is this thread's
        self.started_writing.set()
        try:
            self.writer.run()
        finally:
            self.writer.close()

    def stop(self) -> None:
        """Stop after the batch being stored (what is not stored stays in Redis)."""
        if self.writer is not None:
            self.writer.stopping.set()
        self.join(timeout=30)

    def _after_round(self, source: str) -> None:
        if self.after_round is None:
            return
        try:
            self.after_round(source)
        except Exception as exc:  # a failed feed build must not stop the writer
            logger.error("after the round of %s: %s", source, exc)


def status(server: redis.Redis) -> dict:
    """Queues per source, items waiting, workers seen in the last minute."""
    sources = sorted({key.decode().split(":", 2)[2] for pattern in ("coopfeed:q:*", "coopfeed:round:*",
                                                                     "coopfeed:inflight:*")
                      for key in server.scan_iter(pattern, count=1000)})
    now = time.time()
    workers = []
    for key in server.scan_iter(Keys.workers, count=1000):
        beat = server.get(key)
        if beat and now - float(beat) <= 60:
            workers.append(key.decode().split(":", 2)[2])
    return {
        "items_waiting": server.llen(Keys.items), "items_being_stored": server.llen(Keys.processing),
        "workers": sorted(workers),
        "sources": {name: {"queued": server.zcard(Keys.of("q", name)), "in_flight": server.hlen(Keys.of("inflight", name)),
                           "worker": (server.get(Keys.of("lease", name)) or b"").decode() or None,
                           "round": (server.hget(Keys.of("round", name), "id") or b"").decode() or None}
                    for name in sources},
    }


def _merge(counters: Counters, delta: dict) -> None:
    for key, value in delta.items():
        if isinstance(value, (int, float)):
            counters.inc_value(key, value)
        elif not counters.get(key):
            counters.set_value(key, value)


def _item_key(message: dict) -> str:
    article = message["item"]["article"]
    return item_id(article["url"], article.get("language"), message["item"].get("translated", False))
