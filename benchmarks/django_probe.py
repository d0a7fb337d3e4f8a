"""In-process probes for the benchmark, run in a subprocess with the benchmark's environment.

    python benchmarks/django_probe.py article-url /news/activities/
    python benchmarks/django_probe.py queries / /news/activities/ [--trace]

`article-url` prints the URL of the first article a listing shows. `queries` prints, as JSON,
how many SQL queries each URL costs in steady state (after a warm-up request), both rendered
(page cache bypassed with a session cookie, as staff get it) and as a page-cache hit.
`--trace` also prints every rendered query with the template line and the project code that
triggered it, to find where the queries come from.
"""

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thesaban.settings.production")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

HOST = "127.0.0.1"
# An invalid session key: the visitor stays anonymous but the page cache skips the request.
BYPASS_COOKIE = ("sessionid", "benchmark")


def _client(bypass_cache: bool) -> Client:
    client = Client(HTTP_HOST=HOST)
    if bypass_cache:
        client.cookies[BYPASS_COOKIE[0]] = BYPASS_COOKIE[1]
    return client


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, expected 200")
    return response


def article_url(listing_url: str) -> str:
    setup_test_environment()  # makes response.context available
    response = _get(_client(bypass_cache=True), listing_url)
    items = response.context["items"]
    if not items:
        raise SystemExit(f"{listing_url} lists no articles")
    return items[0].url


# --- Where a query comes from ------------------------------------------------------------------
def _origin() -> dict:
    """The innermost template line and project/library code on the current stack."""
    frame = sys._getframe(2)
    template = project = library = None
    while frame is not None:
        code = frame.f_code
        filename = code.co_filename
        if template is None and code.co_name == "render_annotated":
            node = frame.f_locals.get("self")
            token = getattr(node, "token", None)
            origin = getattr(node, "origin", None)
            if token is not None and origin is not None:
                name = origin.template_name or origin.name
                template = f"{name}:{token.lineno} {token.contents[:60]}"
        if (
            project is None
            and "/thesaban/" in filename
            and "/site-packages/" not in filename
            and not filename.endswith("page_cache.py")  # the middleware wraps every request
        ):
            project = f"{Path(filename).relative_to(REPO_DIR)}:{frame.f_lineno} {code.co_name}"
        if library is None and "/site-packages/wagtail/" in filename:
            library = f"wagtail/{filename.split('/site-packages/wagtail/')[1]}:{frame.f_lineno}"
        frame = frame.f_back
    return {"template": template, "project": project, "wagtail": library}


class _Tracer:
    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, execute, sql, params, many, context):
        self.calls.append({"sql": sql[:300], **_origin()})
        return execute(sql, params, many, context)


def _table(sql: str) -> str:
    match = re.search(r'FROM\s+"?(\w+)"?', sql)
    return match.group(1) if match else sql.split()[0]


def count_queries(urls: list[str], trace: bool) -> dict:
    results = {}
    for url in urls:
        rendered = _client(bypass_cache=True)
        _get(rendered, url)  # warm-up: Wagtail's per-process caches, renditions, site lookup
        # Django answered the unknown session by deleting the cookie; wrk sends it every time,
        # and so each rendered request looks the session up: count that query too.
        rendered.cookies[BYPASS_COOKIE[0]] = BYPASS_COOKIE[1]
        tracer = _Tracer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(tracer):
            _get(rendered, url)
        # Copy now: the next request outside a capture resets the connection's query log.
        rendered_queries = list(captured.captured_queries)
        anonymous = _client(bypass_cache=False)
        _get(anonymous, url)  # fills the page cache (or finds it filled)
        with CaptureQueriesContext(connection) as cached_capture:
            cached_response = _get(anonymous, url)
        results[url] = {
            "rendered": len(rendered_queries),
            "cached_hit": len(cached_capture.captured_queries),
            "cached_x_cache": cached_response.get("X-Cache"),
            "by_table": dict(Counter(_table(q["sql"]) for q in rendered_queries)),
        }
        if trace:
            results[url]["trace"] = tracer.calls
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    article = sub.add_parser("article-url")
    article.add_argument("listing")
    queries = sub.add_parser("queries")
    queries.add_argument("urls", nargs="+")
    queries.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.command == "article-url":
        print(json.dumps({"article": article_url(args.listing)}))
    else:
        print(json.dumps(count_queries(args.urls, args.trace), ensure_ascii=False))


if __name__ == "__main__":
    main()
