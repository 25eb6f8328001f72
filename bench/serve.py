"""Serving benchmark: requests/s of `coopfeed serve` against nginx serving the same folder, measured with wrk.

    python bench/serve.py [--rounds 3] [--seconds 5] [--connections 32] [--workers 1 2] [--root DIR] [--json]

The folder holds one realistic 100 KB `all.rss`. For each worker count (nginx
`worker_processes N` vs `coopfeed serve --workers N`), both servers run side by
side and wrk (1 thread, keep-alive) asks each in turn, alternating which goes
first, for a 200 (the whole file, identity) and a 304 (If-None-Match with the
server's own ETag). Prints the median requests/s of the rounds and the ratio
coopfeed / nginx. ``--root`` serves with the coopfeed of another checkout
(e.g. ``git archive OLD | tar -x -C DIR``) to compare commits. Needs the Debian
packages `nginx-light` (or `nginx`) and `wrk`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = """worker_processes {workers};
daemon off;
user root;
pid {work}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{ application/rss+xml rss; application/atom+xml atom; application/feed+json json;
             text/x-opml opml; text/html html; }}
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    etag on;
    server {{
        listen 127.0.0.1:{port};
        root {folder};
        add_header Cache-Control "public, max-age=300";
    }}
}}
"""


def write_feed(folder: Path, size: int = 100_000) -> Path:
    """An RSS 2.0 file of about ``size`` bytes: items like the ones coopfeed writes."""
    items, n = [], 0
    while sum(map(len, items)) < size:
        n += 1
        items.append(
            f"<item><title>Zhejiang and Sichuan sign counterpart-assistance agreement {n}</title>"
            f"<link>http://english.zj.gov.cn/art/2024/5/{n % 28 + 1}/art_5798_{2289753 + n}.html</link>"
            f"<description>&lt;p&gt;Officials from Hangzhou met their counterparts in Ganzi to review "
            f"{n} cooperation projects in tea, tourism and rural revitalisation. 杭州援建工作组召开会议。&lt;/p&gt;"
            f"</description><guid isPermaLink=\"false\">tag:coopfeed,2024:item-{n}</guid>"
            f"<pubDate>Tue, {n % 28 + 1:02d} May 2024 09:35:20 +0800</pubDate></item>\n")
    path = folder / "all.rss"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>all</title>'
                    "<link>http://127.0.0.1:8080/</link><description>Everything</description>\n"
                    + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    os.utime(path, (time.time() - 3600, time.time() - 3600))  # built an hour ago
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_nginx(work: Path, folder: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    conf = work / f"nginx-{workers}.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, work=work, port=port, folder=folder))
    return subprocess.Popen(["nginx", "-p", str(work), "-c", str(conf), "-e", "stderr"]), port


def start_coopfeed(folder: Path, workers: int, root: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-P", "-m", "coopfeed", "serve", "--out", str(folder), "--no-db", "--port", str(port)]
    command += ["--workers", str(workers)] if workers > 1 else []
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}), port


def etag(port: int) -> str:
    """The ETag of all.rss, waiting for the server to answer."""
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/all.rss", timeout=2) as response:
                return response.headers["ETag"]
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wrk(port: int, seconds: int, connections: int, headers: list[str]) -> float:
    """Requests/s of wrk against all.rss; refuses a run with errors or unexpected statuses."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", *(arg for h in headers for arg in ("-H", h)),
               f"http://127.0.0.1:{port}/all.rss"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx" in output or "Socket errors" in output:
        raise SystemExit(f"bench: wrk saw errors:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def measure(work: Path, folder: Path, workers: int, args: argparse.Namespace) -> dict:
    """Median requests/s per server and kind (200, 304) for one worker count, rounds alternated."""
    rounds, seconds, connections = args.rounds, args.seconds, args.connections
    servers = {"coopfeed": start_coopfeed(folder, workers, args.root), "nginx": start_nginx(work, folder, workers)}
    try:
        tags = {name: etag(port) for name, (_, port) in servers.items()}
        results = {(name, kind): [] for name in servers for kind in ("200", "304")}
        for round in range(rounds):
            order = list(servers) if round % 2 == 0 else list(reversed(servers))
            for kind in ("200", "304"):
                for name in order:
                    headers = [f"If-None-Match: {tags[name]}"] if kind == "304" else []
                    results[name, kind].append(wrk(servers[name][1], seconds, connections, headers))
        return {f"{name} {kind}": {"median": statistics.median(values), "runs": values}
                for (name, kind), values in results.items()}
    finally:
        for process, _ in servers.values():
            process.send_signal(signal.SIGTERM if process.args[0] != "nginx" else signal.SIGQUIT)
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--root", type=Path, default=ROOT, help="The coopfeed checkout to serve with.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"bench: {tool} is missing: apt-get install -y nginx-light wrk")
    figures = {}
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        folder = work / "feeds"
        folder.mkdir()
        size = write_feed(folder).stat().st_size
        for workers in args.workers:
            figures[workers] = measure(work, folder, workers, args)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"all.rss: {size} bytes; wrk -t1 -c{args.connections} -d{args.seconds}s, {args.rounds} rounds; median req/s")
    print("| workers | response | coopfeed serve | nginx | coopfeed / nginx |")
    print("| --- | --- | --- | --- | --- |")
    for workers, results in figures.items():
        for kind in ("200", "304"):
            ours, theirs = results[f"coopfeed {kind}"]["median"], results[f"nginx {kind}"]["median"]
            print(f"| {workers} | {kind} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f} |")


if __name__ == "__main__":
    main()
