"""Lighthouse (mobile) on one page of every public page type of a running Thesaban site.

    uv run python benchmarks/lighthouse.py http://127.0.0.1:8102 --lighthouse PATH/TO/lighthouse

Needs Lighthouse 12 from npm (`npm install lighthouse@12.2.3`; 13.x needs Node 22) and Debian's
chromium. The site should run with production settings (gunicorn, WhiteNoise, DEBUG off) and
the demo loaded; see benchmarks/README.md, "Lighthouse". Prints a Markdown table of the four
category scores per page and, for each score below 100, the audits that cost points. The
reports are written to benchmarks/results/lighthouse/ (git-ignored).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
RESULTS = Path(__file__).resolve().parent / "results" / "lighthouse"

# (name, path, or (listing path, CSS-like pattern of the first item's link in it))
PAGES = (
    ("home", "/"),
    ("section", "/general/"),
    ("content", "/general/about/"),
    ("news listing", "/news/activities/"),
    ("news article", ("/news/activities/", r'class="item-title" href="([^"]+)"')),
    ("document listing", "/plans/budget/"),
    ("document", ("/plans/budget/", r'<td><a href="([^"]+)"')),
    ("video listing", "/news/videos/"),
    ("video", ("/news/videos/", r'<li class="card">.*?<a href="([^"]+)"')),
    ("people", "/personnel/executives/"),
    ("org chart", "/personnel/structure/"),
    ("place listing", "/landmarks/"),
    ("place", ("/landmarks/", r'<li class="card">.*?<a href="([^"]+)"')),
    ("privacy policy", "/privacy-policy/"),
    ("search", "/search/?q=%E0%B9%80%E0%B8%97%E0%B8%A8%E0%B8%9A%E0%B8%B2%E0%B8%A5"),
)


def resolve(base: str, target) -> str:
    if isinstance(target, str):
        return base + target
    listing, pattern = target
    with urllib.request.urlopen(base + listing) as response:
        html = response.read().decode()
    found = re.search(pattern, html, re.S)
    if found is None:
        raise SystemExit(f"no item link in {listing}")
    return base + found.group(1)


def run(lighthouse: str, url: str, name: str) -> dict:
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = RESULTS / f"{name.replace(' ', '-')}.json"
    subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--only-categories=" + ",".join(CATEGORIES),
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    return json.loads(output.read_text())


def misses(report: dict, category: str) -> list[str]:
    found = []
    for reference in report["categories"][category]["auditRefs"]:
        if not reference["weight"]:
            continue
        audit = report["audits"][reference["id"]]
        if audit["score"] is not None and audit["score"] < 1:
            value = audit.get("displayValue", "")
            found.append(f"{audit['id']} ({audit['score']:.2f}{', ' + value if value else ''})")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the site, e.g. http://127.0.0.1:8102")
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse executable")
    parser.add_argument("--pages", help="comma-separated names (default: all)")
    arguments = parser.parse_args()
    wanted = set(arguments.pages.split(",")) if arguments.pages else None

    rows, notes = [], []
    for name, target in PAGES:
        if wanted and name not in wanted:
            continue
        url = resolve(arguments.base.rstrip("/"), target)
        report = run(arguments.lighthouse, url, name)
        scores = [round(report["categories"][key]["score"] * 100) for key in CATEGORIES]
        rows.append(f"| {name} | " + " | ".join(str(score) for score in scores) + " |")
        for key in CATEGORIES:
            for miss in misses(report, key):
                notes.append(f"- {name}, {key}: {miss}")
        print(rows[-1], file=sys.stderr)

    print("| Page | Performance | Accessibility | Best practices | SEO |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    if notes:
        print()
        print("\n".join(notes))


if __name__ == "__main__":
    main()
