"""Crawling with workers on several machines, the worker's side: scrapy-redis with leases and acks.

Every worker (``coopfeed crawl --cluster redis://…``) runs the usual spiders
with scrapy-redis' scheduler and duplicate filter, so all workers share, per
source, one request queue and one seen-set kept in Redis across restarts.
coopfeed adds what a crawl that loses nothing needs:

- **one worker per source at a time** (``ClusterScheduler``): a worker takes a
  source's lease (renewed while it works, released when it is idle, expiring
  30 s after a worker died) before it takes the source's requests, and no more
  leases than its fair share. So a site sees one crawler's concurrency and
  delay, however many workers run.
- **requests in flight are kept until done**: a request taken from the queue
  (POP_BATCH at a time, in one call) stays in the source's in-flight hash until the item or failure it gave has
  reached Redis (``RedisItemPipeline``, one MULTI) or, for a list page, until
  its callback is done and its links are queued, in the same call (``InflightMiddleware``, ``PUSH``). A
  worker that takes a lease puts back whatever the dead holder left in flight.
- **rounds**: a worker runs for many; when it takes a source, its spider follows the round seeded last.
- **items go to Redis, never to SQLite**: ``coopfeed:items`` is read by the
  one writer, ``coopfeed cluster ingest``.
- **a Redis outage is waited out**: one line when it goes, one when it is
  back; requests found meanwhile and items wait in memory.

Keys (``KEYS``): ``coopfeed:q:<source>`` (requests), ``coopfeed:seen:<source>``,
``coopfeed:inflight:<source>``, ``coopfeed:lease:<source>``,
``coopfeed:round:<source>`` (set by ``coopfeed cluster seed``),
``coopfeed:known`` (item ids, kept by the writer), ``coopfeed:items``,
``coopfeed:worker:<host:pid>`` (heartbeats).
See https://github.com/rmax/scrapy-redis
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import multiprocessing
import os
import socket
import time
import uuid
from collections import Counter
from dataclasses import asdict
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.core.engine import ExecutionEngine
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.items import ArticleItem, FailureItem

logger = logging.getLogger(__name__)

PREFIX = "coopfeed"
LEASE_SECONDS = 30
HEARTBEAT_SECONDS = 10
FLUSH_SECONDS = 0.25  # items sent at least this often (or BATCH at once): the writer stores them soon
ENGINE_HEARTBEAT = 0.5
BATCH = 50
MAX_REQUEUES = 3  # times a worker queues again one request it lost in flight
#: Spider counters sent to the writer (the counts of stored articles and failures are the writer's).
WORKER_COUNTERS = ("coopfeed/links", "coopfeed/list_pages", "coopfeed/list_failed", "coopfeed/known_skipped",
                   "response_received_count", "httpcache/revalidate")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"  # renewed in a forked process (_new_identity)
#: One Redis call to take the next requests of a source (at most ARGV[2]) and keep them in flight, under the
#: keys ARGV[1]:1, ARGV[1]:2, …
POP = """local taken = redis.call('zrange', KEYS[1], 0, tonumber(ARGV[2]) - 1)
if #taken == 0 then return taken end
redis.call('zremrangebyrank', KEYS[1], 0, #taken - 1)
for i, data in ipairs(taken) do redis.call('hset', KEYS[2], ARGV[1] .. ':' .. i, data) end
return taken"""
#: Requests taken from Redis at once (each kept in flight there): one round trip for several fetches.
POP_BATCH = 16
#: One Redis call to queue requests not seen yet and to ack requests done. ARGV: the number of requests, then
#: (fingerprint, score, encoded request) for each (an empty fingerprint: queued always), then the in-flight keys
#: to ack. Returns 1 or 0 for each request: queued, or already seen.
PUSH = """local count = tonumber(ARGV[1])
local queued = {}
for i = 0, count - 1 do
  local fingerprint = ARGV[2 + i * 3]
  if fingerprint == '' or redis.call('sadd', KEYS[1], fingerprint) == 1 then
    redis.call('zadd', KEYS[2], ARGV[3 + i * 3], ARGV[4 + i * 3])
    queued[#queued + 1] = 1
  else
    queued[#queued + 1] = 0
  end
end
local acks = {}
for i = 2 + count * 3, #ARGV do acks[#acks + 1] = ARGV[i] end
if #acks > 0 then redis.call('hdel', KEYS[3], unpack(acks)) end
return queued"""
#: Requests queued in one PUSH call at most (Lua's unpack takes a few thousand values).
PUSH_BATCH = 500
_request_numbers = itertools.count()
#: Message ids: this process's token and a number (uuid4 for each message cost 3 % of a worker's time).
_PROCESS_TOKEN = uuid.uuid4().hex[:12]
_message_numbers = itertools.count()


def message_id() -> str:
    return f"{_PROCESS_TOKEN}-{next(_message_numbers)}"


def _new_identity() -> None:
    """A forked process (a worker's share of the sources) is a worker of its own, with its own message ids."""
    global WORKER_ID, _PROCESS_TOKEN
    WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
    _PROCESS_TOKEN = uuid.uuid4().hex[:12]


os.register_at_fork(after_in_child=_new_identity)
_leases_held: set[str] = set()  # sources whose lease this process holds


class Keys:
    """The Redis keys of the cluster."""

    items = f"{PREFIX}:items"
    processing = f"{PREFIX}:items:processing"
    known = f"{PREFIX}:known"
    workers = f"{PREFIX}:worker:*"

    @staticmethod
    def of(kind: str, source: str) -> str:
        return f"{PREFIX}:{kind}:{source}"

    @staticmethod
    def worker(worker_id: str | None = None) -> str:
        return f"{PREFIX}:worker:{worker_id or WORKER_ID}"


def cluster_settings(redis_url: str, exit_when_idle: float | None, give_up_after: float | None = None) -> dict[str, Any]:
    """The Scrapy settings of a worker: scrapy-redis' scheduler and seen-set, items to Redis.

    A worker's engine looks at its scheduler twice a second instead of every five: requests arrive from
    Redis (another worker, a seed, a lease handed over) without anything waking the engine.
    """
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = ENGINE_HEARTBEAT
    return {
        "REDIS_URL": redis_url,
        "COOPFEED_CLUSTER": redis_url,
        "COOPFEED_EXIT_WHEN_IDLE": exit_when_idle if exit_when_idle is not None else -1,
        "COOPFEED_GIVE_UP_AFTER": give_up_after if give_up_after is not None else -1,
        "SCHEDULER": "crawler.cluster.ClusterScheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{PREFIX}:q:%(spider)s",
        "SCHEDULER_DUPEFILTER_KEY": f"{PREFIX}:seen:%(spider)s",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "ITEM_PIPELINES": {"crawler.cluster.RedisItemPipeline": 300},
        "EXTENSIONS": {"crawler.extensions.RunRecorder": None, "crawler.cluster.ClusterWorker": 500},
        "SPIDER_MIDDLEWARES": {"crawler.cluster.InflightMiddleware": 50},
        "HTTPCACHE_ENABLED": False,  # workers keep no files: the cache would be per machine
    }


def connect(redis_url: str) -> redis.Redis:
    """A Redis client (connection errors surface at the first command)."""
    return redis.Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)


class Outage:
    """Says once per command that Redis is unreachable, and once that it is back (or that it gives up waiting
    for it), whatever the number of its processes."""

    down_since: float | None = None
    gave_up = ""  # the line said when this process gave up
    #: Shared by the processes of one worker command (``share``): [Redis said to be down, give-up limit hit]
    shared = None

    @classmethod
    def share(cls) -> None:
        """Before forking a worker's processes: one outage line for all of them."""
        cls.shared = multiprocessing.get_context("fork").Array("d", 2)

    @classmethod
    def too_long(cls, limit: float | None) -> bool:
        """Whether Redis has been away longer than ``limit`` seconds (None: never too long); says so once."""
        if limit is None or cls.down_since is None or time.monotonic() - cls.down_since < limit:
            return False
        if not cls.gave_up:
            cls.gave_up = cls.give_up_line(limit)
            if cls.shared is not None:
                cls.shared[1] = limit
        return True

    @staticmethod
    def give_up_line(limit: float) -> str:
        return (f"Redis unreachable for {limit:g} s: gave up; nothing is lost (what was not sent or stored stays "
                "in Redis for the next worker or writer)")

    @classmethod
    def given_up(cls) -> str:
        """The give-up line of this process or of one of its children ("": none gave up)."""
        if cls.gave_up or cls.shared is None or not cls.shared[1]:
            return cls.gave_up
        return cls.give_up_line(cls.shared[1])

    @classmethod
    def failed(cls, error: Exception) -> None:
        if cls.down_since is None:
            cls.down_since = time.monotonic()
            if cls._first_to_say(down=True):
                logger.warning("Redis unreachable (%s): waiting for it; nothing is lost meanwhile", error)

    @classmethod
    def ok(cls) -> None:
        if cls.down_since is not None:
            if cls._first_to_say(down=False):
                logger.warning("Redis is back after %.0f s: going on", time.monotonic() - cls.down_since)
            cls.down_since = None

    @classmethod
    def _first_to_say(cls, down: bool) -> bool:
        """Whether this process is the first of its command to see Redis go (``down``) or come back."""
        if cls.shared is None:
            return True
        with cls.shared.get_lock():
            if bool(cls.shared[0]) == down:
                return False
            cls.shared[0] = float(down)
            return True


class Lease:
    """One worker per source: a Redis key holding the worker's id, renewed while it works."""

    RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
    RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

    def __init__(self, server: redis.Redis, source: str):
        self.server = server
        self.source = source
        self.key = Keys.of("lease", source)
        self.held = False

    def acquire(self) -> bool:
        self.held = bool(self.server.set(self.key, WORKER_ID, nx=True, px=LEASE_SECONDS * 1000))
        if self.held:
            _leases_held.add(self.source)
        return self.held

    def renew(self) -> bool:
        self.held = bool(self.server.eval(self.RENEW, 1, self.key, WORKER_ID, LEASE_SECONDS * 1000))
        if not self.held:
            _leases_held.discard(self.source)
        return self.held

    def release(self) -> None:
        if self.held:
            self.server.eval(self.RELEASE, 1, self.key, WORKER_ID)
            self.held = False
            _leases_held.discard(self.source)


class ClusterScheduler(Scheduler):
    """scrapy-redis' Scheduler with a per-source lease, in-flight requests and a Redis outage buffer."""

    def open(self, spider) -> None:
        super().open(spider)
        self.lease = Lease(self.server, spider.name)
        self.pop = self.server.register_script(POP)  # EVALSHA, loaded again after a Redis restart
        self.push = self.server.register_script(PUSH)
        self.inflight_key = Keys.of("inflight", spider.name)
        self.waiting: list = []  # requests found, not in Redis yet (sent with the next call, or when it is back)
        self.unacked: list[str] = []  # requests done, still in Redis' in-flight hash (acked with the next call)
        self.taken: list[tuple[str, bytes]] = []  # requests taken from Redis (in flight there), not handed out yet
        self.requeued: Counter[bytes] = Counter()  # requests queued again by requeue_lost, and how often
        self.outage = Outage
        self.checked = 0.0
        self.known_empty = 0.0  # when the queue was last seen empty
        self.round_id = ""  # the source's round this worker last worked on

    def close(self, reason) -> None:
        try:
            self._flush_held_back()
            self.lease.release()
        except redis.RedisError:
            pass
        super().close(reason)

    def enqueue_request(self, request) -> bool:
        """Keep the request: a list page's links go to Redis together with the page's ack (``finished``),
        others at the next request taken."""
        self.waiting.append(request)
        return True

    def next_request(self):
        if not self.push_found() and not self.taken:
            return None  # Redis is away
        if self.taken:
            return self._hand_out()
        try:
            if time.monotonic() - self.known_empty < 0.25 or not self._working():
                return None  # found empty a moment ago (the engine asks for each free slot)
            key = f"{WORKER_ID}:{next(_request_numbers)}"
            batch = self.pop(keys=[self.queue.key, self.inflight_key], args=[key, POP_BATCH])
            self.outage.ok()
        except redis.RedisError as error:
            self.outage.failed(error)
            return None
        if not batch:
            self.known_empty = time.monotonic()
            return None
        self.taken = [(f"{key}:{number}", data) for number, data in enumerate(batch, start=1)]
        return self._hand_out()

    def _hand_out(self):
        key, data = self.taken.pop(0)
        request = self.queue._decode_request(data)
        request.meta["coopfeed_key"] = key
        self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request

    def has_pending_requests(self) -> bool:
        if self.taken or self.waiting or self.unacked:
            return True
        if time.monotonic() - self.known_empty < 0.25:
            return False
        try:
            pending = self._working() and self.server.zcard(self.queue.key) > 0
        except redis.RedisError as error:
            self.outage.failed(error)
            return False
        if not pending:
            self.known_empty = time.monotonic()
        return pending

    def _push(self, requests: list, acks: list[str]) -> None:
        """Seen-set check and queueing of the requests, and the acks (the in-flight requests done, and those a
        redirect or a retry replaces), in one Redis call; on an error, nothing is taken off."""
        replaced = [request.meta.pop("coopfeed_key", None) for request in requests]
        args: list = []
        for request in requests:
            fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
            args += [fingerprint, -request.priority, self.queue._encode_request(request)]
        try:
            queued = self.push(keys=[self.df.key, self.queue.key, self.inflight_key],
                               args=[len(requests), *args, *acks, *filter(None, replaced)])
        except redis.RedisError:
            for request, key in zip(requests, replaced):
                if key:
                    request.meta["coopfeed_key"] = key  # kept until acked: the push is tried again
            raise
        for request, was_queued in zip(requests, queued):
            self._queued(request, bool(was_queued))

    def _queued(self, request, queued: bool) -> None:
        """Count a request queued; log and signal one already seen (as Scrapy's engine does for a local crawl)."""
        if queued:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
            self.known_empty = 0.0
            return
        self.df.log(request, self.spider)
        self.spider.crawler.signals.send_catch_log(signals.request_dropped, request=request, spider=self.spider)

    def finished(self, key: str | None) -> None:
        """A request is done: out of the in-flight hash in the same call that queues the requests found
        before (its links; while Redis is away, both wait here)."""
        if key:
            self.unacked.append(key)
        self.push_found()

    def push_found(self) -> bool:
        """Queue the requests found so far and send the acks waiting; False while Redis is away."""
        if not (self.waiting or self.unacked):
            return True
        try:
            self._flush_held_back()
        except redis.RedisError as error:
            self.outage.failed(error)
            return False
        self.outage.ok()
        return True

    def requeue_lost(self) -> None:
        """At idle (nothing of this worker's source in progress): requests this worker took that are still in
        flight were lost on the way (Redis went away between taking one and answering): queue them again,
        each at most MAX_REQUEUES times (a request that never gets an answer is not fetched for ever)."""
        self._flush_held_back()
        prefix = f"{WORKER_ID}:".encode()
        lost = {key: encoded for key, encoded in self.server.hgetall(self.inflight_key).items()
                if key.startswith(prefix)}
        if not lost:
            return
        given_up = [key for key, encoded in lost.items() if self.requeued[encoded] >= MAX_REQUEUES]
        again = {key: encoded for key, encoded in lost.items() if key not in given_up}
        if again:
            self.requeued.update(again.values())
            self._requeue(again)
            logger.warning("%s: %d request(s) lost in flight while Redis was away are queued again",
                           self.spider.name, len(again))
        if given_up:
            self.server.hdel(self.inflight_key, *given_up)
            for key in given_up:
                logger.error("%s: %s was taken %d times without an answer: given up", self.spider.name,
                             self.queue._decode_request(lost[key]).url, MAX_REQUEUES + 1)

    def idle(self) -> None:
        """Nothing to do here: give the source's lease back (others may take it; the writer sees it)."""
        if not (self.taken or self.waiting or self.unacked):
            self.lease.release()

    def _working(self) -> bool:
        """Whether this worker holds the source's lease (renewing it at most once a second, looking for work
        four times a second)."""
        now = time.monotonic()
        if now - self.checked < (1.0 if self.lease.held else 0.25):
            return self.lease.held
        self.checked = now
        if self.lease.held:
            return self._keep()
        if len(self.queue) == 0 and self.server.hlen(self.inflight_key) == 0:
            return False
        if len(_leases_held) >= self._fair_share() or not self.lease.acquire():
            return False
        self._recover()
        self._follow_round()
        return True

    def _keep(self) -> bool:
        """Renew the lease; past the fair share (workers that started later), take no more requests of
        this source and hand the lease over once none is in flight, so that no request runs twice."""
        if not self.lease.renew():
            return False
        self._follow_round()  # seeded again before this worker gave the lease back
        share = self._fair_share()
        if self.spider.name not in sorted(_leases_held)[share:]:
            return True
        if self.server.hlen(self.inflight_key) == 0:
            self.lease.release()
            logger.info("%s: handed over to another worker (fair share: %d sources each)", self.spider.name, share)
        return False

    def _fair_share(self) -> int:
        """Leases one worker may hold: the sources with work (queued or in flight), shared among the live
        workers."""
        busy = {key.split(b":", 2)[2] for pattern in (f"{PREFIX}:q:*", f"{PREFIX}:inflight:*")
                for key in self.server.scan_iter(pattern, count=1000)}
        workers = max(1, sum(1 for key in self.server.scan_iter(Keys.workers, count=1000)))
        return max(1, math.ceil(len(busy) / workers))

    def _follow_round(self) -> None:
        """A round seeded since this worker last took the source: the spider follows its flags (every list
        page, refresh) and forgets what it requested before (a worker runs for many rounds)."""
        state = round_state(self.server, self.spider.name)
        if state.round_id != self.round_id:
            self.round_id = state.round_id
            self.spider.start_round(state)

    def _recover(self) -> None:
        """Put back the requests a worker that held the lease before left in flight."""
        left = self.server.hgetall(self.inflight_key)
        if left:
            self._requeue(left)
            logger.info("%s: %d request(s) left in flight by a stopped worker are queued again",
                        self.spider.name, len(left))

    def _requeue(self, entries: dict[bytes, bytes]) -> None:
        """In-flight requests back into the queue, in one MULTI (both steps or neither)."""
        pipe = self.server.pipeline(transaction=True)
        for key, encoded in entries.items():
            pipe.zadd(self.queue.key, {encoded: -self.queue._decode_request(encoded).priority})
            pipe.hdel(self.inflight_key, key)
        pipe.execute()
        self.known_empty = 0.0

    def _flush_held_back(self) -> None:
        """The requests found and the acks of requests done, in one call for up to PUSH_BATCH requests (the
        acks go with the last: a page leaves the in-flight hash only once its links are queued)."""
        while self.waiting or self.unacked:
            requests = self.waiting[:PUSH_BATCH]
            acks = self.unacked if len(self.waiting) <= PUSH_BATCH else []
            self._push(requests, acks)
            del self.waiting[:len(requests)]
            if acks:
                self.unacked = []


class InflightMiddleware:
    """Spider middleware: a list page is done when its callback is, and its requests are queued by then;
    an article page when its item reaches Redis (the pipeline acks it).

    The page's requests go to the engine here, one by one as the callback yields them: Scrapy's scraper
    would hand them on from a queue of its own after the callback ended, and an ack sent at the end of the
    callback would then leave the page's links only in this worker's memory, lost if it died then.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("COOPFEED_CLUSTER"):
            raise NotConfigured("not a cluster worker")
        return cls(crawler)

    async def process_spider_output(self, response, result, spider=None):
        key = response.meta.get("coopfeed_key")
        handed_on = False
        async for output in result:
            if key and isinstance(output, Request):
                self.crawler.engine.crawl(output)  # in the scheduler before the ack below
                continue
            handed_on = handed_on or getattr(output, "request_key", None) == key
            yield output
        if key and not handed_on:
            self.crawler.engine.scheduler.finished(key)


class RedisItemPipeline:
    """Items to ``coopfeed:items`` as JSON, in batches; each batch acks its requests in the same MULTI."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.server = connect(crawler.settings.get("REDIS_URL"))
        self.pending: list[dict] = []
        self.outage = Outage
        self.timer = task.LoopingCall(self.flush)
        self.rounds = RoundCache(self.server)

    @classmethod
    def from_crawler(cls, crawler):
        from crawler.pipelines import redirect_loop_item, spider_error_item

        pipeline = cls(crawler)
        crawler.signals.connect(lambda failure, response, spider: pipeline.process_item(
            spider_error_item(failure, response, spider)), signal=signals.spider_error, weak=False)
        crawler.signals.connect(lambda request, spider: pipeline.process_item(redirect_loop_item(request, spider)),
                                signal=signals.request_dropped, weak=False)
        return pipeline

    def open_spider(self, spider=None) -> None:
        self.timer.start(FLUSH_SECONDS, now=False)

    def close_spider(self, spider=None) -> None:
        if self.timer.running:
            self.timer.stop()
        while self.pending and not self.flush() and not self.outage.gave_up:
            time.sleep(2)  # Redis is away: the items wait for it (given up: their requests stay in flight)

    def process_item(self, item):
        if isinstance(item, (ArticleItem, FailureItem)):
            self.pending.append(message(item, self.rounds.current(item.source)))
            if len(self.pending) >= BATCH:
                self.flush()
        return item

    def send_counters(self, source: str, counters: dict) -> None:
        """The spider's own counters since the last time (links, list pages…) for the writer's run record."""
        if counters:
            self.pending.append({"id": message_id(), "type": "counters", "source": source,
                                 "round": self.rounds.current(source), "counters": counters})
        self.flush()

    def flush(self) -> bool:
        """Push the pending messages and ack their requests in one MULTI; False when Redis is away."""
        if not self.pending:
            return True
        if not self.crawler.engine.scheduler.push_found():
            return False  # the requests found before these items' pages are queued first
        batch = self.pending
        try:
            pipe = self.server.pipeline(transaction=True)
            pipe.rpush(Keys.items, *(json.dumps(m, ensure_ascii=False) for m in batch))
            for m in batch:
                if m.get("request_key"):
                    pipe.hdel(Keys.of("inflight", m["source"]), m["request_key"])
            pipe.execute()
        except redis.RedisError as error:
            self.outage.failed(error)
            return False
        self.outage.ok()
        self.pending = self.pending[len(batch):]
        return True


class RoundCache:
    """The round of each source (``coopfeed:round:<source>``), read at most every 2 s."""

    def __init__(self, server: redis.Redis):
        self.server = server
        self.cached: dict[str, tuple[float, str]] = {}

    def current(self, source: str) -> str:
        seen = self.cached.get(source)
        if seen and time.monotonic() - seen[0] < 2.0:
            return seen[1]
        try:
            round_id = (self.server.hget(Keys.of("round", source), "id") or b"").decode()
        except redis.RedisError:
            return seen[1] if seen else ""
        self.cached[source] = (time.monotonic(), round_id)
        return round_id


class ClusterWorker:
    """Heartbeat, counters to the writer, and the idle rule: run until stopped, or exit once every queue
    of the worker's sources, their in-flight requests and the item list were empty ``exit_when_idle`` s."""

    def __init__(self, crawler, exit_when_idle: float | None, give_up_after: float | None = None):
        self.crawler = crawler
        self.exit_when_idle = exit_when_idle
        self.give_up_after = give_up_after
        self.server = connect(crawler.settings.get("REDIS_URL"))
        self.idle_since: float | None = None
        self.sent: dict[str, int] = {}
        self.heartbeat = task.LoopingCall(self.beat)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("COOPFEED_CLUSTER"):
            raise NotConfigured("not a cluster worker")
        idle = crawler.settings.getfloat("COOPFEED_EXIT_WHEN_IDLE")
        give_up = crawler.settings.getfloat("COOPFEED_GIVE_UP_AFTER", -1)
        worker = cls(crawler, idle if idle >= 0 else None, give_up if give_up >= 0 else None)
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        return worker

    def spider_opened(self, spider) -> None:
        self.heartbeat.start(HEARTBEAT_SECONDS, now=True)

    def spider_closed(self, spider, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.send_counters(spider)

    def beat(self) -> None:
        try:
            self.server.set(Keys.worker(), str(time.time()), ex=HEARTBEAT_SECONDS * 6)
            Outage.ok()
        except redis.RedisError as error:
            Outage.failed(error)
            if Outage.too_long(self.give_up_after):
                self.crawler.engine.close_spider(self.crawler.spider, "redis_unreachable")

    def spider_idle(self, spider) -> None:
        self.send_counters(spider)
        scheduler = self.crawler.engine.scheduler
        if self._pipeline().pending or not self._requeued_lost(scheduler):
            self.idle_since = None
            raise DontCloseSpider
        queued, inflight, items = self._waiting(spider.name)
        if queued or inflight:
            self.idle_since = None
            raise DontCloseSpider
        scheduler.idle()  # the source is done here: its lease goes back at once (the writer ends the round)
        if items:
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if self.exit_when_idle is None or now - self.idle_since < self.exit_when_idle:
            raise DontCloseSpider

    def send_counters(self, spider) -> None:
        """The counters' growth since the last time, as one message."""
        stats = self.crawler.stats.get_stats()
        delta = {key: stats.get(key, 0) - self.sent.get(key, 0) for key in WORKER_COUNTERS
                 if stats.get(key, 0) != self.sent.get(key, 0)}
        if delta and stats.get("coopfeed/list_error"):
            delta["coopfeed/list_error"] = stats["coopfeed/list_error"]
        self.sent = {key: stats.get(key, 0) for key in WORKER_COUNTERS}
        self._pipeline().send_counters(spider.name, delta)

    def _pipeline(self) -> RedisItemPipeline:
        return next(p for p in self.crawler.engine.scraper.itemproc.middlewares if isinstance(p, RedisItemPipeline))

    @staticmethod
    def _requeued_lost(scheduler: ClusterScheduler) -> bool:
        """Requests lost in flight queued again (False: Redis is away)."""
        try:
            scheduler.requeue_lost()
        except redis.RedisError as error:
            scheduler.outage.failed(error)
            return False
        return True

    def _waiting(self, source: str) -> tuple[int, int, int]:
        """Requests of the source queued and in flight (anywhere), items waiting for the writer; while Redis
        is away, as if some were."""
        try:
            pipe = self.server.pipeline()
            pipe.zcard(Keys.of("q", source)).hlen(Keys.of("inflight", source)).llen(Keys.items)
            waiting = tuple(pipe.execute())
        except redis.RedisError as error:
            Outage.failed(error)
            return 1, 1, 1
        Outage.ok()
        return waiting


def message(item: ArticleItem | FailureItem, round_id: str) -> dict:
    """An item as the JSON message the writer reads."""
    kind = "article" if isinstance(item, ArticleItem) else "failure"
    data = asdict(item)
    return {"id": message_id(), "type": kind, "source": item.source, "round": round_id,
            "request_key": data.pop("request_key", None), "item": data}


def item_from(message_: dict) -> ArticleItem | FailureItem:
    """The item a message carries."""
    cls = ArticleItem if message_["type"] == "article" else FailureItem
    return cls(**message_["item"])


class RedisKnownIds:
    """The ids of stored items as the writer keeps them in ``coopfeed:known`` (a set-like, for ``in``)."""

    def __init__(self, server: redis.Redis):
        self.server = server
        self.answers: dict[str, bool] = {}  # the last list page's links, asked in one call

    def prefetch(self, ids: list[str]) -> None:
        """Ask for many ids in one call (a list page's links); ``in`` then answers from memory."""
        try:
            self.answers = dict(zip(ids, map(bool, self.server.smismember(Keys.known, ids)))) if ids else {}
        except redis.RedisError:
            self.answers = {}

    def __contains__(self, item_id: object) -> bool:
        if item_id in self.answers:
            return self.answers[item_id]
        try:
            return bool(self.server.sismember(Keys.known, str(item_id)))
        except redis.RedisError:
            return False  # fetched once more: the writer stores it once


def round_state(server: redis.Redis | str, source: str):
    """A worker's view of its source: stored ids from Redis, the current round's listing and refresh flags."""
    from crawler.spiders.base import StoredState

    server = connect(server) if isinstance(server, str) else server
    try:
        current = {key.decode(): value.decode() for key, value in server.hgetall(Keys.of("round", source)).items()}
    except redis.RedisError:
        current = {}
    return StoredState(known=RedisKnownIds(server), retry_urls=[], full_listing=current.get("full") == "1",
                       refresh=current.get("refresh") == "1", round_id=current.get("id", ""))
