"""Benchmark the daily site check (issue #4) on a synthetic site: 5,000 pages, 25,000 links.

    .venv/bin/python benchmarks/site_check.py                  # PostgreSQL, cold then warm run
    .venv/bin/python benchmarks/site_check.py --db sqlite      # a throwaway SQLite file
    .venv/bin/python benchmarks/site_check.py --pages 500 --no-warm   # smoke test (~3 min)
    .venv/bin/python benchmarks/site_check.py --profile        # cProfile of the cold run
    .venv/bin/python benchmarks/site_check.py --keep           # keep the site, then measure
    .venv/bin/python benchmarks/site_check.py --again DIR [--batch-size N] [--drop]   # again

What it does (see benchmarks/README.md, "Site check (issue #4)"):

1. A throwaway directory (media, file-based caches) and a database of its own: a SQLite file
   in it, or the PostgreSQL database `bench_site_check` on 127.0.0.1:5432 (user postgres,
   trust auth), dropped at the end. Production settings, as `run.py` uses them.
2. A link server on loopback (`serve`): 200 "outside sites", ten addresses 127.0.0.2–11 with
   twenty ports each, that answer HEAD and GET after 50–300 ms; what each address does is
   fixed by a hash of its path (404, 500, redirects, HEAD refused, no answer at all), and a
   few sites are down (accept, never answer), refuse connections, or take 2–4 s.
3. migrate and collectstatic, then `build` (a child process): `ensure_site_structure()`, 200
   documents and 20 images, and the pages, written in bulk (tree paths computed here, rather
   than Wagtail's add_child a page at a time), each with a body of about five links: half
   outside, half to pages, documents and images of the site (about 1 % of them broken).
4. `check` (a fresh child process per run): `run_check()` timed, with wall and CPU time, peak
   RSS (ru_maxrss), where the wall time went, and what it found. The first run starts with an
   empty `ExternalLinkResult` (the first run of the day, the worst case); the second, "warm",
   finds the day's answers stored.
5. A Markdown table on stdout; the JSON of every figure in `benchmarks/results/`.

Only loopback traffic; every server is stopped and the directory and database removed on
success, error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PG_DATABASE = "bench_site_check"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"

# The outside sites.
ADDRESSES = [f"127.0.0.{n}" for n in range(2, 12)]
PORTS_PER_ADDRESS = 20
LATENCY = (0.05, 0.30)
SLOW_LATENCY = (2.0, 4.0)
# By rank (most linked-to first): sites that are down, refuse connections, or are slow.
DOWN_RANKS = {5, 40}
REFUSED_RANKS = {80}
SLOW_RANKS = {10}
# Per mille of addresses, by a hash of the path: what the address does.
BEHAVIOUR = (
    (30, "missing"),  # 404
    (10, "error"),  # 500, to HEAD and GET
    (30, "moved"),  # 301 to an address that answers 200
    (10, "no-head"),  # HEAD 405, GET 200
    (5, "hang"),  # accepts, never answers
)
# Share of outside links that point at a few popular addresses (a ministry's home page…).
POPULAR_SHARE = 0.15
POPULAR_URLS = 100


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def behaviour_of(path: str) -> str:
    if path.startswith("/after-move/"):
        return "ok"
    roll = zlib.crc32(path.encode()) % 1000
    for share, name in BEHAVIOUR:
        if roll < share:
            return name
        roll -= share
    return "ok"


# --- The link server ---------------------------------------------------------------------------
class _Stats:
    def __init__(self):
        self.requests: dict[str, int] = {}
        self.active: dict[str, int] = {}
        self.max_active: dict[str, int] = {}
        self.by_method: dict[str, int] = {}

    def enter(self, host: str, method: str) -> None:
        self.requests[host] = self.requests.get(host, 0) + 1
        self.by_method[method] = self.by_method.get(method, 0) + 1
        self.active[host] = self.active.get(host, 0) + 1
        self.max_active[host] = max(self.max_active.get(host, 0), self.active[host])

    def leave(self, host: str) -> None:
        self.active[host] -= 1

    def summary(self) -> dict:
        return {
            "requests": sum(self.requests.values()),
            "by_method": self.by_method,
            "hosts_asked": len(self.requests),
            "max_per_host": max(self.max_active.values(), default=0),
            "max_requests_one_host": max(self.requests.values(), default=0),
        }


class _Site(asyncio.Protocol):
    """One connection to one outside site: HTTP/1.1 keep-alive, requests without bodies."""

    def __init__(self, host: str, role: str, stats: _Stats):
        self.host, self.role, self.stats = host, role, stats
        self.buffer = b""
        self.queue: asyncio.Queue = asyncio.Queue()
        self.in_flight = 0
        self.task: asyncio.Task | None = None

    def connection_made(self, transport):
        self.transport = transport
        self.task = asyncio.ensure_future(self._serve())

    def data_received(self, data):
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            self.queue.put_nowait((method, target))

    def connection_lost(self, exc):
        if self.task:
            self.task.cancel()
        self.stats.active[self.host] = self.stats.active.get(self.host, 0) - self.in_flight
        self.in_flight = 0

    async def _serve(self):
        while True:
            method, target = await self.queue.get()
            if target == "/__stats":
                self._send(200, method, body=json.dumps(self.stats.summary()).encode())
                continue
            self.stats.enter(self.host, method)
            self.in_flight += 1
            behaviour = "hang" if self.role == "down" else behaviour_of(target)
            if behaviour == "hang":
                await asyncio.sleep(3600)  # until the client gives up and closes
            low, high = SLOW_LATENCY if self.role == "slow" else LATENCY
            await asyncio.sleep(random.Random(f"{method}{target}").uniform(low, high))
            self.in_flight -= 1
            self.stats.leave(self.host)
            if behaviour == "missing":
                self._send(404, method)
            elif behaviour == "error":
                self._send(500, method)
            elif behaviour == "moved":
                self._send(301, method, location=f"http://{self.host}/after-move{target}")
            elif behaviour == "no-head" and method == "HEAD":
                self._send(405, method)
            else:
                self._send(200, method)

    def _send(self, status: int, method: str, *, location: str = "", body: bytes = b""):
        body = body or b"<!doctype html><html><body>" + b"x" * 2000 + b"</body></html>"
        head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Content-Type: text/html"]
        if location:
            head.append(f"Location: {location}")
        payload = ("\r\n".join(head) + "\r\n\r\n").encode()
        self.transport.write(payload + (b"" if method == "HEAD" else body))


def host_roles(hosts: list[str]) -> dict[str, str]:
    roles = {}
    for rank, host in enumerate(hosts):
        if rank in DOWN_RANKS:
            roles[host] = "down"
        elif rank in REFUSED_RANKS:
            roles[host] = "refused"
        elif rank in SLOW_RANKS:
            roles[host] = "slow"
        else:
            roles[host] = "ok"
    return roles


async def _serve_links(hosts_file: Path) -> None:
    stats = _Stats()
    loop = asyncio.get_running_loop()
    servers, hosts = [], []
    if hosts_file.exists():  # a kept site (--keep, --again): the same addresses again
        hosts = json.loads(hosts_file.read_text())["hosts"]
    else:
        for address in ADDRESSES:
            for _ in range(PORTS_PER_ADDRESS):
                sockets = socket.socket()
                sockets.bind((address, 0))
                hosts.append(f"{address}:{sockets.getsockname()[1]}")
                sockets.close()
        random.Random(1).shuffle(hosts)
    # A refused host's port was bound then released: nobody listens there.
    roles = host_roles(hosts)
    for host in hosts:
        if roles[host] == "refused":
            continue
        address, port = host.split(":")
        servers.append(
            await loop.create_server(
                lambda host=host: _Site(host, roles[host], stats), address, int(port), backlog=512
            )
        )
    partial = hosts_file.with_suffix(".partial")
    partial.write_text(json.dumps({"hosts": hosts, "roles": roles}))
    partial.rename(hosts_file)
    hosts_file.with_suffix(".ready").touch()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Bounded: the server stops by itself after two hours whatever happens.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), 7200)
    for server in servers:
        server.close()


def serve(args) -> int:
    asyncio.run(_serve_links(Path(args.hosts_file)))
    return 0


def link_server_stats(hosts: list[str], roles: dict[str, str]) -> dict:
    host = next(h for h in hosts if roles[h] == "ok")
    with urllib.request.urlopen(f"http://{host}/__stats", timeout=10) as response:
        return json.loads(response.read())


# --- Building the site (child process, Django set up) ------------------------------------------
def _django():
    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()


def _tiny_pdf(n: int) -> bytes:
    return b"%PDF-1.4\n% Thesaban benchmark document " + str(n).encode() + b"\n%%EOF\n"


def _tiny_png(n: int) -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (320, 200), (n * 37 % 256, n * 91 % 256, 120)).save(output, format="PNG")
    return output.getvalue()


def build(args) -> int:
    _django()
    import io
    import uuid

    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from thesaban.core.models import SiteDocument, SiteImage
    from thesaban.pages.models import DocumentIndexPage, DocumentPage, NewsIndexPage, NewsPage
    from thesaban.pages.services import ensure_site_structure

    started = time.monotonic()
    rng = random.Random(4)
    hosts = json.loads(Path(args.hosts_file).read_text())["hosts"]
    ensure_site_structure()
    documents = []
    for n in range(200):
        document = SiteDocument(title=f"เอกสาร {n}", description=f"เอกสารทดสอบ {n}")
        document.file.save(f"bench-{n}.pdf", ContentFile(_tiny_pdf(n)), save=False)
        document.save()
        documents.append(document)
    images = []
    for n in range(20):
        image = SiteImage(
            title=f"ภาพ {n}",
            description=f"ภาพทดสอบ {n}",
            file=ImageFile(io.BytesIO(_tiny_png(n)), name=f"bench-{n}.png"),
        )
        image.save()
        images.append(image)
    log(f"structure, documents and images: {time.monotonic() - started:.1f} s")

    # Where pages go: every news and document listing of the site map, 70 % news.
    news_parents = list(NewsIndexPage.objects.live().order_by("path"))
    document_parents = list(DocumentIndexPage.objects.live().order_by("path"))
    locale = Locale.get_default()
    now = timezone.now()
    total = args.pages
    plan = []
    for n in range(total):
        if n % 10 < 7:
            plan.append((NewsPage, news_parents[n % len(news_parents)]))
        else:
            plan.append((DocumentPage, document_parents[n % len(document_parents)]))

    # Outside addresses: Zipf over the hosts (a few sites get most links), some popular ones.
    weights = [1 / (rank + 1) for rank in range(len(hosts))]
    popular = [
        f"http://{host}/" if i < 40 else f"http://{host}/popular/{i}"
        for i, host in enumerate(rng.choices(hosts, weights, k=POPULAR_URLS))
    ]
    unique_counter = iter(range(10**9))

    def outside_url() -> str:
        if rng.random() < POPULAR_SHARE:
            return rng.choice(popular)
        host = rng.choices(hosts, weights)[0]
        return f"http://{host}/news/{next(unique_counter)}/item.html"

    # Pages are numbered before they exist: an internal link names a page by its id, and
    # bench pages get ids after the last page of the structure.
    first_id = (Page.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def inside_link() -> str:
        roll = rng.random()
        if roll < 0.01:
            return f'<a href="/news/no-such-page-{rng.randrange(10**6)}/">หน้าที่ไม่มีแล้ว</a>'
        if roll < 0.60:
            return f'<a linktype="page" id="{first_id + rng.randrange(total)}">หน้าอื่น</a>'
        if roll < 0.90:
            return f'<a linktype="document" id="{rng.choice(documents).pk}">เอกสาร</a>'
        return f'<a href="{rng.choice(images).file.url}">ภาพ</a>'

    links_made = {"outside": 0, "inside": 0}
    half = args.links_per_page / 2
    with transaction.atomic():
        numchild = {parent.pk: parent.numchild for parent in news_parents + document_parents}
        base_rows, specific_rows = [], []
        for n, (page_class, parent) in enumerate(plan):
            # About links_per_page links a page, half outside: 2 or 3 of each.
            outside = int(half) + (rng.random() < half - int(half))
            inside = int(half) + (rng.random() < half - int(half))
            links = [outside_url() for _ in range(outside)]
            parts = [f'<a href="{url}">แหล่งข้อมูลภายนอก</a>' for url in links]
            parts += [inside_link() for _ in range(inside)]
            rng.shuffle(parts)
            links_made["outside"] += outside
            links_made["inside"] += inside
            body = [
                ("heading", f"รายละเอียดเรื่องที่ {n}"),
                (
                    "paragraph",
                    "<p>เทศบาลดำเนินการตามแผนเพื่อประโยชน์ของประชาชน "
                    + " และ ".join(parts)
                    + " ดูรายละเอียดเพิ่มเติมได้ที่สำนักงานเทศบาล</p>",
                ),
            ]
            numchild[parent.pk] += 1
            slug = f"bench-{n}"
            page = page_class(
                id=first_id + n,
                page_ptr_id=first_id + n,
                title=f"เรื่องทดสอบที่ {n}",
                draft_title=f"เรื่องทดสอบที่ {n}",
                slug=slug,
                depth=parent.depth + 1,
                path=Page._get_path(parent.path, parent.depth + 1, numchild[parent.pk]),
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale=locale,
                content_type=ContentType.objects.get_for_model(page_class),
                translation_key=uuid.uuid4(),
                summary=f"สรุปเรื่องทดสอบที่ {n}",
                body=body,
            )
            if page_class is DocumentPage:
                page.fiscal_year = 2569 - n % 3
            base_rows.append(
                Page(**{f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields})
            )
            specific_rows.append(page)
        for start in range(0, total, 500):
            Page.objects.bulk_create(base_rows[start : start + 500])
        for page_class in (NewsPage, DocumentPage):
            rows = [row for row in specific_rows if type(row) is page_class]
            fields = page_class._meta.local_concrete_fields
            for start in range(0, len(rows), 500):
                page_class._base_manager._insert(rows[start : start + 500], fields=fields)
        for parent_pk, count in numchild.items():
            Page.objects.filter(pk=parent_pk).update(numchild=count)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('wagtailcore_page', 'id'), "
                    "(SELECT max(id) FROM wagtailcore_page))"
                )
    problems = Page.find_problems()
    if any(problems):
        raise RuntimeError(f"tree problems after the bulk build: {problems}")
    print(
        json.dumps(
            {
                "seconds": round(time.monotonic() - started, 1),
                "pages": Page.objects.live().filter(depth__gt=1).count(),
                "body_links": links_made,
                "documents": len(documents),
                "images": len(images),
            }
        )
    )
    return 0


# --- One check (child process, Django set up) ----------------------------------------------------
def check(args) -> int:
    _django()
    import cProfile
    import pstats
    from collections import Counter

    from django.db import connection
    from wagtail.models import Site

    from thesaban.monitoring import services
    from thesaban.monitoring.models import ExternalLinkResult, Finding

    if args.cold:
        ExternalLinkResult.objects.all().delete()
    stored_before = ExternalLinkResult.objects.count()

    # Where the wall time goes: the check's own steps, timed from outside.
    spent: Counter = Counter()

    def timed(owner, name, key):
        original = getattr(owner, name)

        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return original(*a, **kw)
            finally:
                spent[key] += time.perf_counter() - t0

        setattr(owner, name, wrapper)

    timed(services._SiteChecker, "_render", "render pages")
    timed(services._SiteChecker, "_check_internal", "internal links")
    timed(services._SiteChecker, "_check_external", "outside links")
    timed(services, "_record", "record findings")

    profiler = cProfile.Profile() if args.profile else None
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    run = services.run_check(
        site=Site.objects.get(is_default_site=True),
        batch_size=args.batch_size or services.BATCH_SIZE,
    )
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if profiler:
        profiler.dump_stats(args.profile)
        with open(f"{args.profile}.txt", "w") as out:
            stats = pstats.Stats(args.profile, stream=out).sort_stats("cumulative")
            stats.print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
    findings = Counter(
        Finding.objects.filter(last_seen_run=run).values_list("kind", flat=True).iterator()
    )
    examples = dict(
        Finding.objects.filter(last_seen_run=run)
        .order_by("kind", "pk")
        .values_list("kind", "detail")
        .iterator()
    )
    outcomes = Counter(ExternalLinkResult.objects.values_list("outcome", flat=True).iterator())
    spent["rest (batches, queries, commits)"] = wall - sum(spent.values())
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "wall_s": round(wall, 1),
                "cpu_s": round(
                    usage.ru_utime - usage0.ru_utime + usage.ru_stime - usage0.ru_stime, 1
                ),
                "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
                "pages_checked": run.pages_checked,
                "links_checked": run.links_checked,
                "findings_opened": run.findings_opened,
                "findings_seen": dict(findings),
                "finding_examples": examples,
                "stored_answers_before": stored_before,
                "stored_answers_after": sum(outcomes.values()),
                "outcomes": dict(outcomes),
                "spent_s": {key: round(value, 1) for key, value in spent.items()},
            }
        )
    )
    return 0


# --- The orchestration -------------------------------------------------------------------------
def project_env(tmp: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="thesaban.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        THESABAN_VAR_DIR=str(tmp),
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        THESABAN_SITE_CHECK_AT="off",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def child(env: dict, *args: str, timeout: float = 3600) -> dict:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), "")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
    }


def report(results: dict) -> str:
    lines = [
        (
            f"Site check benchmark, {results['date']}, {results['database']}, "
            f"{results['build']['pages']} pages, body links {results['build']['body_links']}"
        ),
        "",
        (
            "| Run | wall | CPU | peak RSS | pages | links | findings opened | outside answers "
            "stored before → after | render | internal | outside | record | rest |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, run in results["runs"].items():
        spent = run["spent_s"]
        lines.append(
            f"| {name} | {run['wall_s']:.0f} s | {run['cpu_s']:.0f} s | "
            f"{run['peak_rss_mib']:.0f} MiB | {run['pages_checked']:,} | "
            f"{run['links_checked']:,} | {run['findings_opened']:,} | "
            f"{run['stored_answers_before']:,} → {run['stored_answers_after']:,} | "
            f"{spent.get('render pages', 0):.0f} s | {spent.get('internal links', 0):.0f} s | "
            f"{spent.get('outside links', 0):.0f} s | {spent.get('record findings', 0):.0f} s | "
            f"{spent.get('rest (batches, queries, commits)', 0):.0f} s |"
        )
    lines += ["", f"Findings seen (cold): {results['runs']['cold']['findings_seen']}"]
    lines += [f"Outside answers: {results['runs']['cold']['outcomes']}"]
    lines += [f"Link server: {results['link_server']}"]
    return "\n".join(lines)


def run(args, tmp: Path) -> dict:
    if args.again:
        return run_again(args, tmp)
    if args.db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {PG_DATABASE}")
        database_url = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
    else:
        database_url = f"sqlite:///{tmp / 'db.sqlite3'}"
    env = project_env(tmp, database_url)
    hosts_file = tmp / "hosts.json"
    layout = start_link_server(hosts_file)

    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        log(f"manage.py {command[0]}: {time.monotonic() - started:.1f} s")
    built = child(
        env,
        "build",
        "--hosts-file",
        str(hosts_file),
        "--pages",
        str(args.pages),
        "--links-per-page",
        str(args.links_per_page),
    )
    log(f"build: {built}")
    (tmp / "kept.json").write_text(json.dumps({"env": env, "build": built, "db": args.db}))
    if args.build_only:
        return {"build": built}
    return measure(args, env, built, layout)


def start_link_server(hosts_file: Path) -> dict:
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "serve", "--hosts-file", str(hosts_file)],
        start_new_session=True,
    )
    _CHILDREN.append(server)
    ready = hosts_file.with_suffix(".ready")
    for _ in range(600):
        if ready.exists() or server.poll() is not None:
            break
        time.sleep(0.1)
    ready.unlink()
    return json.loads(hosts_file.read_text())


def run_again(args, tmp: Path) -> dict:
    """The checks again on a site kept by --keep: no migrate, no build."""
    kept = json.loads((tmp / "kept.json").read_text())
    args.db = kept["db"]
    layout = start_link_server(tmp / "hosts.json")
    # The caches of the first run (rendered fragments, remembered values) go: cold again.
    shutil.rmtree(tmp / "cache", ignore_errors=True)
    return measure(args, kept["env"], kept["build"], layout)


def measure(args, env: dict, built: dict, layout: dict) -> dict:
    runs = {}
    size = ["--batch-size", str(args.batch_size)] if args.batch_size else []
    check_args = ["check", "--cold", *size]
    if args.profile:
        check_args += ["--profile", str(RESULTS_DIR / f"site-check-{args.db}.prof")]
    RESULTS_DIR.mkdir(exist_ok=True)
    log("cold run (empty ExternalLinkResult)…")
    runs["cold"] = child(env, *check_args)
    log(f"cold: {runs['cold']}")
    if not args.no_warm:
        log("warm run (the day's answers stored)…")
        runs["warm"] = child(env, "check", *size)
        log(f"warm: {runs['warm']}")
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "database": args.db,
        "build": built,
        "runs": runs,
        "link_server": link_server_stats(layout["hosts"], layout["roles"]),
    }


_CHILDREN: list[subprocess.Popen] = []


def stop_children() -> None:
    while _CHILDREN:
        process = _CHILDREN.pop()
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def main(args) -> int:
    tmp = Path(args.again) if args.again else Path(tempfile.mkdtemp(prefix="thesaban-site-check-"))
    args.keep = args.keep or args.build_only or bool(args.again and not args.drop)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        results = run(args, tmp)
        stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
        if "runs" in results:
            (RESULTS_DIR / f"site-check-{stamp}.json").write_text(json.dumps(results, indent=2))
            print(report(results))
        return 0
    finally:
        stop_children()
        if args.db == "postgres" and not args.keep:
            with contextlib.suppress(Exception):
                psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--links-per-page", type=float, default=5.0)
    parser.add_argument("--no-warm", action="store_true", help="skip the second, warm run")
    parser.add_argument(
        "--batch-size", type=int, help="run_check(batch_size=); default: services.BATCH_SIZE"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the cold run")
    parser.add_argument("--keep", action="store_true", help="keep the directory and database")
    parser.add_argument("--again", metavar="DIR", help="measure again a site kept by --keep")
    parser.add_argument("--drop", action="store_true", help="with --again: remove it after")
    parser.add_argument("--build-only", action="store_true", help="build, keep, measure nothing")
    serve_parser = sub.add_parser("serve")
    serve_parser.add_argument("--hosts-file", required=True)
    build_parser = sub.add_parser("build")
    build_parser.add_argument("--hosts-file", required=True)
    build_parser.add_argument("--pages", type=int, default=5000)
    build_parser.add_argument("--links-per-page", type=float, default=5.0)
    check_parser = sub.add_parser("check")
    check_parser.add_argument("--cold", action="store_true")
    check_parser.add_argument("--profile")
    check_parser.add_argument("--batch-size", type=int)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.command == "serve":
        sys.exit(serve(arguments))
    if arguments.command == "build":
        sys.exit(build(arguments))
    if arguments.command == "check":
        sys.exit(check(arguments))
    sys.exit(main(arguments))
