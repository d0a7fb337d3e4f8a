"""Benchmark Thesaban's public pages under gunicorn with wrk, against a bare-Django ceiling.

    uv run python benchmarks/run.py                 # full run: 20 s per measurement, twice
    uv run python benchmarks/run.py --quick         # smoke test: 3 s, once
    uv run python benchmarks/run.py --duration 10 --runs 3

Everything happens in a throwaway directory (SQLite database, media, static files, file-based
page cache) with production settings; only loopback traffic; gunicorn is always stopped and the
directory removed, even on Ctrl-C. See benchmarks/README.md for what the figures mean.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE_KIB = os.sysconf("SC_PAGE_SIZE") / 1024

# An invalid session key: Django treats the visitor as anonymous, the page cache skips them.
BYPASS_COOKIE = "sessionid=benchmark"
WARM_UP_REQUESTS = 10

# The reference Wagtail site (bakerydemo) on this kind of machine, from
# /work/shared/reference/performance-anchors.md: (name, req/s, p99 ms, CPU ms/request, queries).
REFERENCE = {
    "home": ("bakerydemo home", 29.7, 614, 66.9, 43),
    "article": ("bakerydemo blog post", 54.2, 416, 36.6, 22),
    "listing": ("bakerydemo blog index", 49.8, 378, 40.1, 40),
    "documents": ("bakerydemo blog index", 49.8, 378, 40.1, 40),
    "static": ("bakerydemo hashed CSS", 2587, 10, 0.6, None),
    "bare": ("bare Django 20 KB", 2600, None, None, None),
}
REFERENCE_BARE_RPS = 2600

# Targets: CPU ms/request for rendered pages, queries per rendered page, cached share of bare.
TARGET_CPU_MS = {"home": 22.0, "article": 12.0}
TARGET_QUERIES = 15
TARGET_CACHED_SHARE = 0.75

# Exact percentiles and counters from wrk, printed as one JSON line.
WRK_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- /proc -----------------------------------------------------------------------------------
def cpu_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def system_busy_ticks() -> int:
    """Clock ticks all CPUs spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    return sum(values[:8]) - values[3] - values[4]  # user … steal, minus idle and iowait


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except FileNotFoundError:
        return []


def memory_kib(pid: int) -> dict:
    """Resident and private memory of one process, in KiB."""
    result = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                result["rss"] = int(line.split()[1])
    with contextlib.suppress(FileNotFoundError), open(f"/proc/{pid}/smaps_rollup") as rollup:
        private = 0
        for line in rollup:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                private += int(line.split()[1])
        result["private"] = private
    return result


# --- Processes -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, cookie: str | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid)

    def ticks(self) -> int:
        total = 0
        for pid in self.pids:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                total += cpu_ticks(pid)
        return total

    def wait_idle(self, timeout: float = 15.0) -> None:
        """Wait until the workers stop using CPU (requests left over from wrk are done)."""
        deadline = time.monotonic() + timeout
        previous = self.ticks()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            current = self.ticks()
            if current == previous:
                return
            previous = current

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


GUNICORN_CONFIG = """
from pathlib import Path


def post_worker_init(worker):
    # The worker has imported the application and is about to accept requests.
    Path({ready_dir!r}, "ready-%d" % worker.pid).touch()
"""


def start_gunicorn(name, app, env, workers, tmp: Path, extra_args=()) -> Server:
    """Start gunicorn; return once every worker has loaded the app (no request made yet)."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        gunicorn = REPO_DIR / ".venv" / "bin" / "gunicorn"
    log_path = tmp / f"gunicorn-{name}.log"
    ready_dir = tmp / f"ready-{name}"
    ready_dir.mkdir()
    config = tmp / f"gunicorn-{name}.conf.py"
    config.write_text(GUNICORN_CONFIG.format(ready_dir=str(ready_dir)))
    command = [str(gunicorn), app, "-c", str(config), "-w", str(workers), "-k", "sync"]
    command += ["-b", f"127.0.0.1:{port}", *extra_args]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg stops master and workers
        )
    server = Server(name, process, port, log_path)
    _SERVERS.append(server)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {name} exited:\n{log_path.read_text()[-3000:]}")
        current = server.workers
        if len(current) == workers and all(
            (ready_dir / f"ready-{pid}").exists() for pid in current
        ):
            return server
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn {name} did not start within 60 s")


_SERVERS: list[Server] = []


def stop_all_servers() -> None:
    while _SERVERS:
        _SERVERS.pop().stop()


# --- The environment ---------------------------------------------------------------------------
def project_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="thesaban.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        THESABAN_VAR_DIR=str(tmp),
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_python(env: dict, script: str, *args: str) -> str:
    """Run a Python script of the repository in the benchmark environment; its stdout."""
    result = subprocess.run(
        [sys.executable, script, *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def manage(env: dict, *args: str) -> str:
    started = time.monotonic()
    output = run_python(env, "manage.py", *args)
    log(f"manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s")
    return output


def probe(env: dict, *args: str) -> dict:
    output = run_python(env, str(BENCH_DIR / "django_probe.py"), *args)
    return json.loads(output.strip().splitlines()[-1])


def hashed_static_url(static_root: Path, name: str) -> str:
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][name]


# --- Measuring -------------------------------------------------------------------------------
@dataclass
class Target:
    key: str  # home, listing, article, documents, static, bare
    label: str
    path: str
    mode: str  # cached, rendered, static, bare
    server: str  # thesaban or bare
    bytes: int = 0

    @property
    def cookie(self) -> str | None:
        return BYPASS_COOKIE if self.mode == "rendered" else None


@dataclass
class Measurement:
    target: Target
    runs: list[dict] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(run[name] for run in self.runs)

    def summary(self) -> dict:
        return {
            "page": self.target.key,
            "label": self.target.label,
            "path": self.target.path,
            "mode": self.target.mode,
            "rps": self.median("rps"),
            "p50_ms": self.median("p50_ms"),
            "p99_ms": self.median("p99_ms"),
            "cpu_ms_per_request": self.median("cpu_ms"),
            "other_cores": self.median("other_cores"),
            "errors": sum(run["errors"] for run in self.runs),
            "non_2xx": sum(run["non_2xx"] for run in self.runs),
            "requests": sum(run["requests"] for run in self.runs),
            "runs": self.runs,
        }


def check_mode(server: Server, target: Target) -> None:
    """Warm the URL up and make sure it is served the way the mode says."""
    for _ in range(3):
        status, headers, body = http_get(server.port, target.path, target.cookie)
        if status != 200:
            raise RuntimeError(f"{target.path} ({target.mode}) answered {status}")
    x_cache = headers.get("x-cache")
    expected = {"cached": "hit", "rendered": None, "static": None, "bare": None}[target.mode]
    if x_cache != expected:
        raise RuntimeError(f"{target.path} ({target.mode}): X-Cache is {x_cache!r}")
    target.bytes = len(body)


def run_wrk(server: Server, target: Target, args, lua: Path) -> dict:
    url = f"http://127.0.0.1:{server.port}{target.path}"
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += ["--timeout", "10s", "--latency", "-s", str(lua)]
    if target.cookie:
        command += ["-H", f"Cookie: {target.cookie}"]
    command.append(url)
    workers_before = set(server.workers)
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before, started = system_busy_ticks(), time.monotonic()
    ticks_before = server.ticks()
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 60, check=False
    )
    ticks_after = server.ticks()  # right away: the tail wrk abandons is not counted
    busy_after, elapsed = system_busy_ticks(), time.monotonic() - started
    usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_seconds = (usage_after.ru_utime + usage_after.ru_stime) - (
        usage_before.ru_utime + usage_before.ru_stime
    )
    server_seconds = (ticks_after - ticks_before) / CLK_TCK
    # Whatever else ran on the machine meanwhile (other people's tests, browsers…), in cores.
    other_cores = ((busy_after - busy_before) / CLK_TCK - server_seconds - wrk_seconds) / elapsed
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr}")
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    if set(server.workers) != workers_before:
        log(f"warning: a gunicorn worker was replaced during {target.path}; CPU figure is low")
    server.wait_idle()
    requests = max(data["requests"], 1)
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return {
        "requests": data["requests"],
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p90_ms": data["p90_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "mean_ms": data["mean_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "errors": errors,
        "non_2xx": data["status"],  # wrk counts responses with status > 399
        "cpu_ms": server_seconds * 1000 / requests,
        "server_cores": server_seconds / elapsed,
        "wrk_cores": wrk_seconds / elapsed,
        "other_cores": max(other_cores, 0.0),
        "wrk_stdout": result.stdout,
    }


def other_load(servers: dict, seconds: float = 3.0) -> float:
    """Cores used by processes other than the benchmark's servers over a few seconds."""

    def own() -> int:
        return sum(server.ticks() for server in servers.values())

    busy, own_before, started = system_busy_ticks(), own(), time.monotonic()
    time.sleep(seconds)
    others = system_busy_ticks() - busy - (own() - own_before)
    return max(others / CLK_TCK / (time.monotonic() - started), 0.0)


def wait_until_quiet(servers: dict, args) -> None:
    """With --wait-quiet, wait (up to that many seconds) until the machine is nearly idle."""
    if not args.wait_quiet:
        return
    deadline = time.monotonic() + args.wait_quiet
    while (load := other_load(servers)) > args.quiet_threshold:
        if time.monotonic() > deadline:
            log(f"  machine still busy ({load:.2f} cores used by others); measuring anyway")
            return
        log(f"  waiting: other processes use {load:.2f} cores")


def measure_round(servers: dict, measurements: list, number: int, args, lua: Path) -> None:
    """One wrk run of every target, in turn: noise on a shared machine spreads over all."""
    for measurement in measurements:
        target = measurement.target
        wait_until_quiet(servers, args)
        run = run_wrk(servers[target.server], target, args, lua)
        if not args.keep_wrk_output:
            run.pop("wrk_stdout")
        measurement.runs.append(run)
        log(
            f"  round {number}  {target.key:9} {target.mode:8} {run['rps']:8.1f} req/s  "
            f"p99 {run['p99_ms']:7.1f} ms  CPU {run['cpu_ms']:6.2f} ms/req  "
            f"errors {run['errors']} non-2xx {run['non_2xx']}  "
            f"(other processes: {run['other_cores']:.2f} cores)"
        )


def worker_memory(server: Server) -> list[dict]:
    return [memory_kib(pid) for pid in server.workers]


# --- Report ----------------------------------------------------------------------------------
def machine_info() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = None
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    versions = {}
    for module in ("django", "wagtail", "gunicorn"):
        with contextlib.suppress(ImportError):
            versions[module] = __import__(module).__version__
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": mem_gib,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
        "git_commit": commit.stdout.strip(),
        "load_average_at_start": os.getloadavg(),
        **versions,
    }


def fmt(value, digits=1, suffix="") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value}{suffix}"


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def build_report(results: dict) -> str:
    rows = results["measurements"]
    bare = next(row for row in rows if row["page"] == "bare")
    bare_rps, bare_cpu = bare["rps"], bare["cpu_ms_per_request"]
    queries = results["queries"]
    machine, run_settings = results["machine"], results["settings"]
    title = (
        f"Thesaban benchmark, {results['date']} — {machine['cpus']} CPUs "
        f"({machine['cpu_model']}), wrk -t{run_settings['threads']} "
        f"-c{run_settings['connections']} -d{run_settings['duration']}s, "
        f"median of {run_settings['runs']} run(s), gunicorn -w {run_settings['workers']} sync."
    )
    header = (
        "| Page | Mode | req/s | % of bare req/s | % of bare by CPU | p99 | CPU ms/req | queries "
        "| errors / non-2xx | ref. CPU ms/req | CPU vs ref. | others' load |"
    )
    lines = [title, "", header, "|---" * 12 + "|"]
    for row in rows:
        ref = REFERENCE.get(row["page"])
        ref_cpu = ref[3] if ref and row["mode"] in ("rendered", "static") else None
        ratio = row["cpu_ms_per_request"] / ref_cpu if ref_cpu else None
        share = cpu_share = None
        if row["page"] != "bare":
            share = row["rps"] / bare_rps * 100
            cpu_share = bare_cpu / row["cpu_ms_per_request"] * 100
        query_count = None
        if row["path"] in queries:
            key = "rendered" if row["mode"] == "rendered" else "cached_hit"
            query_count = queries[row["path"]][key]
        lines.append(
            f"| {row['label']} | {row['mode']} | {fmt(row['rps'])} | {fmt(share, 0, ' %')} | "
            f"{fmt(cpu_share, 0, ' %')} | {fmt(row['p99_ms'], 1, ' ms')} | "
            f"{fmt(row['cpu_ms_per_request'], 2)} | {fmt(query_count)} | "
            f"{row['errors']} / {row['non_2xx']} | {fmt(ref_cpu)} | {fmt(ratio, 2, '×')} | "
            f"{fmt(row.get('other_cores'), 2)} |"
        )
    memory = results["memory"]
    others = [run["other_cores"] for row in rows for run in row["runs"]]

    def mib(processes: list[dict]) -> str:
        pairs = (f"{m['rss'] / 1024:.0f} / {m.get('private', 0) / 1024:.0f}" for m in processes)
        return ", ".join(pairs)

    lines += [
        "",
        (
            f"Worker memory (RSS / private, MiB): cold {mib(memory['cold'])}; after load "
            f"{mib(memory['after_load'])} (reference: 114 / 91 cold, 125–134 RSS after load)."
        ),
        "",
        (
            "Other processes on the machine used a median of "
            f"{statistics.median(others):.2f} cores (max {max(others):.2f}) of "
            f"{machine['cpus']} during the runs: the more, the lower req/s and the higher CPU ms."
        ),
        "",
        "| Target | Value | Verdict |",
        "|---|---|---|",
    ]
    for check in results["targets"]:
        lines.append(f"| {check['target']} | {check['value']} | {verdict(check['met'])} |")
    return "\n".join(lines) + "\n"


def evaluate_targets(results: dict) -> list[dict]:
    rows = {(row["page"], row["mode"]): row for row in results["measurements"]}
    bare_rps = rows[("bare", "bare")]["rps"]
    checks = []
    for page, limit in TARGET_CPU_MS.items():
        row = rows.get((page, "rendered"))
        if row:
            value = row["cpu_ms_per_request"]
            checks.append(
                {
                    "target": f"rendered {page} ≤ {limit:g} ms CPU/request",
                    "value": f"{value:.2f} ms",
                    "met": value <= limit,
                }
            )
    page_of_path = {row["path"]: page for (page, _), row in rows.items()}
    for path, counts in results["queries"].items():
        checks.append(
            {
                "target": f"{page_of_path.get(path, path)} ≤ {TARGET_QUERIES} queries (rendered)",
                "value": str(counts["rendered"]),
                "met": counts["rendered"] <= TARGET_QUERIES,
            }
        )
    bare_cpu = rows[("bare", "bare")]["cpu_ms_per_request"]
    for (page, mode), row in rows.items():
        if mode == "cached":
            share = row["rps"] / bare_rps
            cpu_share = bare_cpu / row["cpu_ms_per_request"]
            checks.append(
                {
                    "target": f"cached {page} ≥ {TARGET_CACHED_SHARE:.0%} of bare-Django req/s",
                    "value": f"{share:.1%} (by CPU/request: {cpu_share:.1%})",
                    "met": share >= TARGET_CACHED_SHARE,
                }
            )
    clean = all(row["errors"] == 0 and row["non_2xx"] == 0 for row in rows.values())
    checks.append({"target": "0 errors, 0 non-2xx", "value": str(clean), "met": clean})
    return checks


# --- Main ------------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run (20)")
    parser.add_argument("--runs", type=int, default=2, help="wrk runs per URL; median (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 3 s, 1 run")
    parser.add_argument(
        "--pages", default="home,listing,article,documents", help="pages to measure (all)"
    )
    parser.add_argument("--modes", default="cached,rendered", help="page modes (both)")
    parser.add_argument("--no-static", action="store_true", help="skip the static file")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-Django ceiling")
    parser.add_argument(
        "--wait-quiet",
        type=int,
        default=0,
        metavar="SECONDS",
        help="before each wrk run, wait up to SECONDS for other processes to go quiet (0: off)",
    )
    parser.add_argument(
        "--quiet-threshold",
        type=float,
        default=0.3,
        metavar="CORES",
        help="CPU use by other processes counted as quiet (0.3 cores)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="JSON",
        help="only rebuild the Markdown report from a saved results JSON (no measuring)",
    )
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (debugging)")
    parser.add_argument("--keep-wrk-output", action="store_true", help="store wrk's own output")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.runs = 3, 1
    if not 1 <= args.duration <= 300 or not 1 <= args.runs <= 10:
        parser.error("--duration must be 1–300 s and --runs 1–10")
    if args.no_bare:
        parser.error("the report needs the bare-Django ceiling; --no-bare is not supported")
    return args


def run(args: argparse.Namespace, tmp: Path) -> dict:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    started = time.monotonic()
    machine = machine_info()
    env = project_env(tmp)
    log(f"preparing {tmp}")
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput")

    pages = {
        "home": ("home /", "/"),
        "listing": ("listing /news/activities/", "/news/activities/"),
        "documents": ("documents /plans/budget/", "/plans/budget/"),
    }
    article = probe(env, "article-url", "/news/activities/")["article"]
    pages["article"] = ("article (1st in /news/activities/)", article)
    order = ["home", "listing", "article", "documents"]
    wanted = [page for page in order if page in args.pages.split(",")]
    modes = [mode for mode in ("cached", "rendered") if mode in args.modes.split(",")]
    log(f"article: {article}")

    log("counting queries per page")
    queries = probe(env, "queries", "--trace", *(pages[page][1] for page in wanted))
    for path, counts in queries.items():
        log(f"  {path}: {counts['rendered']} rendered, {counts['cached_hit']} on a cache hit")

    lua = tmp / "report.lua"
    lua.write_text(WRK_LUA)

    # Both servers stay up; an idle sync worker costs nothing measurable.
    bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    bare = start_gunicorn(
        "bare", "bare_django:application", bare_env, args.workers, tmp, ["--chdir", str(BENCH_DIR)]
    )
    server = start_gunicorn("thesaban", "thesaban.wsgi", env, args.workers, tmp)
    memory_cold = worker_memory(server)  # the app is loaded, no request served yet
    log(f"bare Django on port {bare.port}, thesaban on port {server.port}")
    servers = {"bare": bare, "thesaban": server}

    targets = [Target("bare", "bare Django 20 KB", "/", "bare", "bare")]
    for mode in modes:
        for page in wanted:
            label, path = pages[page]
            targets.append(Target(page, label, path, mode, "thesaban"))
    if not args.no_static:
        css = hashed_static_url(tmp / "static", "css/site.css")
        targets.append(Target("static", "static css/site.css (hashed)", css, "static", "thesaban"))
    for target in targets:
        check_mode(servers[target.server], target)
        # Warm up: with several workers, each should have served the URL a few times.
        for _ in range(WARM_UP_REQUESTS):
            http_get(servers[target.server].port, target.path, target.cookie)
    measurements = [Measurement(target) for target in targets]
    for number in range(1, args.runs + 1):
        measure_round(servers, measurements, number, args, lua)
    memory_after = worker_memory(server)
    stop_all_servers()

    results = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine,
        "settings": {
            "duration": args.duration,
            "runs": args.runs,
            "threads": args.threads,
            "connections": args.connections,
            "workers": args.workers,
            "settings_module": env["DJANGO_SETTINGS_MODULE"],
            "cache": "file-based (no REDIS_URL)",
            "database": "SQLite (temp dir)",
            "wait_quiet_s": args.wait_quiet,
        },
        "measurements": [m.summary() for m in measurements],
        "article_url": urllib.parse.unquote(article),
        "queries": queries,
        "memory": {"cold": memory_cold, "after_load": memory_after},
        "reference": {"source": "/work/shared/reference/performance-anchors.md", **REFERENCE},
        "elapsed_s": round(time.monotonic() - started),
    }
    results["targets"] = evaluate_targets(results)
    return results


def interrupt_on_signals() -> None:
    """Ctrl-C, kill and a closed terminal all raise KeyboardInterrupt, so the caller's clean-up
    runs. SIGINT is set explicitly: a background job inherits it ignored, and then Python would
    not raise KeyboardInterrupt."""

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)


def main() -> int:
    args = parse_args()
    if args.report:
        results = json.loads(args.report.read_text())
        results["targets"] = evaluate_targets(results)
        report = build_report(results)
        args.report.with_suffix(".md").write_text(report)
        print(report)
        return 0

    interrupt_on_signals()
    tmp = Path(tempfile.mkdtemp(prefix="thesaban-bench-"))
    try:
        results = run(args, tmp)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception:  # report, then clean up below
        log("failed:")
        traceback.print_exc()
        return 1
    finally:
        stop_all_servers()
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    report = build_report(results)
    print(report)
    if not args.no_save:
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = datetime.date.today().isoformat() + ("-quick" if args.quick else "")
        (RESULTS_DIR / f"{stem}.json").write_text(
            json.dumps(results, indent=2, ensure_ascii=False) + "\n"
        )
        (RESULTS_DIR / f"{stem}.md").write_text(report)
        log(f"wrote {RESULTS_DIR / stem}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
