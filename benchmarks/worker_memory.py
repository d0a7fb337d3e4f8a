"""Memory of one Thesaban web worker at start, and which optional libraries it has loaded.

    uv run python benchmarks/worker_memory.py            # about 3 minutes, mostly collectstatic
    uv run python benchmarks/worker_memory.py --runs 5   # more workers started, median shown

As `run.py` does: a throwaway directory with a SQLite database and production settings
(`migrate`, `setup_site`, `collectstatic`), then `gunicorn thesaban.wsgi -w 1 -k sync`. Each run
starts a new gunicorn and reads the worker's RSS and private memory (`/proc`) once it has
loaded the app, before any request (run.py's "cold" figure, the one compared with the
reference Wagtail site), and again after one rendered request for the home page.

A second, plain process (`--probe`, same environment) says where the memory goes: RSS after
`django.setup()` (importing `thesaban.wsgi`, as gunicorn's worker does), after loading the
URLconf and the Wagtail hooks, and after one request through the WSGI application; and which of
the libraries that only a PDF, an export, the site check or TOTP enrolment need are loaded at
each point (none should be: `thesaban/core/tests/test_startup_imports.py`).
"""

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

# Loaded only by what needs them: PDFs (weasyprint and what it brings), XLSX (openpyxl), the
# site check (httpx), TOTP enrolment (qrcode and Pillow's drawing), tests (pypdf).
DEFERRED = (
    "weasyprint",
    "fontTools",
    "pydyf",
    "openpyxl",
    "httpx",
    "qrcode",
    "PIL.ImageDraw",
    "pypdf",
)
# The reference Wagtail site (bakerydemo), gunicorn worker RSS before any request, from
# /work/shared/reference/performance-anchors.md (measured side by side on 2026-12-04).
REFERENCE_COLD_MIB = 117


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def probe() -> None:
    """In the benchmark's environment: RSS and deferred libraries at each step, as JSON."""
    sys.path.insert(0, str(REPO_DIR))
    steps = {"interpreter": {"rss": rss_mib()}}

    def step(name: str) -> None:
        steps[name] = {"rss": rss_mib(), "loaded": [m for m in DEFERRED if m in sys.modules]}

    from thesaban.wsgi import application  # django.setup(), as a gunicorn worker

    step("django.setup()")
    from django.urls import get_resolver
    from wagtail import hooks

    get_resolver().url_patterns  # noqa: B018 (loading it is the point)
    hooks.search_for_hooks()
    step("+ URLconf and Wagtail hooks")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": "sessionid=benchmark",  # rendered, not a page-cache hit
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses = []
    b"".join(application(environ, lambda status, headers, *_: statuses.append(status)))
    if statuses != ["200 OK"]:
        raise RuntimeError(f"the home page answered {statuses}")
    step("+ one request (home, rendered)")
    print(json.dumps(steps))


def gunicorn_worker_memory(run, env: dict, tmp: Path, number: int) -> dict:
    """RSS and private memory (MiB) of a new single gunicorn worker: cold, after one request."""
    server = run.start_gunicorn(f"memory-{number}", "thesaban.wsgi", env, 1, tmp)
    try:
        [worker] = server.workers
        cold = run.memory_kib(worker)
        status, _headers, _body = run.http_get(server.port, "/", run.BYPASS_COOKIE)
        if status != 200:
            raise RuntimeError(f"the home page answered {status}")
        warm = run.memory_kib(worker)
    finally:
        server.stop()
        run._SERVERS.remove(server)
    return {
        "cold_rss": cold["rss"] / 1024,
        "cold_private": cold.get("private", 0) / 1024,
        "request_rss": warm["rss"] / 1024,
        "request_private": warm.get("private", 0) / 1024,
    }


def measure(run, args, tmp: Path) -> str:
    env = run.project_env(tmp)
    run.log(f"preparing {tmp}")
    run.manage(env, "migrate", "--noinput")
    run.manage(env, "setup_site")
    run.manage(env, "collectstatic", "--noinput")

    workers = []
    for number in range(1, args.runs + 1):
        workers.append(gunicorn_worker_memory(run, env, tmp, number))
        run.log(f"gunicorn worker {number}: {workers[-1]['cold_rss']:.1f} MiB cold")
    steps = json.loads(run.run_python(env, __file__, "--probe").strip().splitlines()[-1])

    def row(label: str, when: str, reference: str = "") -> str:
        rss, private = (
            statistics.median(w[f"{when}_{kind}"] for w in workers) for kind in ("rss", "private")
        )
        return f"| {label} | {rss:.1f} | {private:.1f} | {reference} |"

    lines = [
        f"gunicorn sync worker, median of {len(workers)} (RSS / private, MiB):",
        "",
        "| | RSS | private | reference RSS |",
        "|---|---|---|---|",
        row("cold (app loaded, no request)", "cold", str(REFERENCE_COLD_MIB)),
        row("after one rendered request", "request"),
        "",
        "In one plain process (RSS, MiB; deferred libraries loaded):",
        "",
        "| step | RSS | deferred libraries loaded |",
        "|---|---|---|",
    ]
    for name, step in steps.items():
        loaded = ", ".join(step.get("loaded", [])) or ("–" if "loaded" in step else "")
        lines.append(f"| {name} | {step['rss']:.1f} | {loaded} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="gunicorn workers started (3)")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe()
        return 0

    sys.path.insert(0, str(BENCH_DIR))
    import run  # the benchmark's environment, gunicorn handling and /proc readers

    run.interrupt_on_signals()
    tmp = Path(tempfile.mkdtemp(prefix="thesaban-memory-"))
    try:
        print(measure(run, args, tmp))
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        run.stop_all_servers()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
