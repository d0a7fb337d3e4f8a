"""The daily site check (announcement 3.2): render every live page, follow every link.

Each municipality (a Wagtail `Site`) is checked on its own: a `CheckRun` of its site, its
live public pages (those below its home page), findings of its site. `run_check()` renders
each of those pages through Django (no network: Django's test `Client`, with a session cookie
so the anonymous page cache neither answers nor stores), records a page that does not render,
and checks the links in its content:

- links inside the install (pages, documents, of this or another municipality it hosts) are
  requested the same way, through Django; a page that is not live answers 404 or 410 and the
  link is broken; images and other files under MEDIA_URL must exist in storage; `/static/`
  files ship with the code and are skipped;
- links to other sites go to `link_checker` (httpx), whose answers are kept for a day in
  `ExternalLinkResult`.

Links are taken from the page's `<main>` only, so the menu and footer, the same on every page,
are checked once, on the home page, where they are reported.

After the pages, each site's robots.txt and sitemap are read at the site's public address, as
an outside checker reads them (`site_files`); the sitemap's addresses are the pages just
rendered, whose answers are reused.

Each problem becomes a `Finding` for the page and the division that owns it. Pages are checked
in tree order, a batch at a time, each batch committed with the run's progress: a run that
stops half way keeps what it found, and the next run carries on from where it stopped. Only a
run that reaches the end closes the findings it did not see again, of its own site only.

One check runs at a time across every worker (a database lock): the scheduler opens a run per
municipality and enqueues a task for each; the task that holds the lock takes on every run
waiting, one after the other (`run_waiting_checks`), so that no run is lost to a taken lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Site

from thesaban.accounts import access as staff_access
from thesaban.accounts.models import Division
from thesaban.core.locks import database_lock
from thesaban.core.thai_dates import BANGKOK
from thesaban.publishing.windows import scheduler_lock

from . import content_checks, history, link_checker, site_files
from .models import CheckRun, ExternalLinkResult, Finding
from .problems import PageResult, Problem

if TYPE_CHECKING:
    from django.test import Client

logger = logging.getLogger(__name__)

EXTERNAL_RESULT_LIFETIME = timedelta(days=1)
# Answers older than this are of no use to anyone: removed after each run.
EXTERNAL_RESULT_KEPT = timedelta(days=7)
# Each batch waits for its slowest outside link (up to the checker's read timeout): fewer,
# larger batches wait fewer times. 200 pages take ~20 s; a run that stops loses at most that.
BATCH_SIZE = 200
SITE_CHECK_LOCK = "site-check"
# A run whose heartbeat is older than this, with nobody holding the lock, lost its worker.
STALLED_AFTER = timedelta(minutes=15)
_SKIPPED_SCHEMES = {"mailto", "tel", "javascript", "data", "sms", "line"}


# --- Public services -----------------------------------------------------------------------
def run_check(
    *,
    site: Site | None = None,
    run_id: int | None = None,
    limits: link_checker.CheckerLimits | None = None,
    batch_size: int = BATCH_SIZE,
) -> CheckRun | None:
    """Check one municipality's site, or finish its run that stopped half way; returns the run.

    With `site`: its run still RUNNING is carried on, or a new one opened. With `run_id` (a run
    the scheduler opened): that run, or None if an earlier task already finished it, rather
    than starting a second one. One check at a time, across every worker (`SITE_CHECK_LOCK`):
    returns None at once if another is running.
    """
    if (site is None) == (run_id is None):
        raise TypeError("run_check() takes either a site or a run_id")
    with database_lock(SITE_CHECK_LOCK) as held:
        if not held:
            logger.info("Site check not started: another check is running")
            return None
        run = _waiting_run(run_id) if run_id is not None else open_run(site=site)
        if run is None:
            return None
        return _run_check(run, limits=limits, batch_size=batch_size)


def run_waiting_checks(
    *,
    run_id: int | None = None,
    limits: link_checker.CheckerLimits | None = None,
    batch_size: int = BATCH_SIZE,
    after_each: Callable[[CheckRun], object] | None = None,
) -> list[CheckRun]:
    """Check the run `run_id`, then every other run waiting, one after the other; returns the
    runs finished here, each passed to `after_each` (the digests) as it finishes.

    The scheduler opens a run per municipality and enqueues a task for each; one check runs
    at a time, so every task but one finds the lock taken. Its run must not be lost: it stays
    RUNNING, and the task holding the lock takes it on. That task looks for the next waiting
    run (oldest first) before it lets the lock go, and once more after it has let it go, for a
    run whose task found the lock taken in between. Returns [] at once if the lock is taken.

    A run that fails is logged and left RUNNING (the scheduler takes it on again once it
    stalls, `stalled_runs`), so one broken site does not keep the others from their check;
    the first such error is raised once the others are done.
    """
    finished: list[CheckRun] = []
    tried: set[int] = set()
    failure: Exception | None = None
    while True:
        with database_lock(SITE_CHECK_LOCK) as held:
            if not held:
                break
            while (run := _next_waiting_run(first=run_id, tried=tried)) is not None:
                tried.add(run.pk)
                try:
                    run = _run_check(run, limits=limits, batch_size=batch_size)
                    finished.append(run)
                    if after_each is not None:
                        after_each(run)
                except Exception as error:
                    logger.exception("Site check %s of %s failed", run.pk, run.site.hostname)
                    failure = failure or error
        if (
            not CheckRun.objects.filter(status=CheckRun.Status.RUNNING)
            .exclude(pk__in=tried)
            .exists()
        ):
            break
    if failure is not None:
        raise failure
    return finished


def open_run(*, site: Site) -> CheckRun:
    """The run of `site` still RUNNING (to be carried on), or a new one."""
    run = _waiting_runs().filter(site=site).first()
    if run is None:
        run = CheckRun.objects.create(site=site)
    return run


def _waiting_runs():
    return (
        CheckRun.objects.filter(status=CheckRun.Status.RUNNING)
        .select_related("site__root_page")
        .order_by("started_at", "pk")
    )


def _waiting_run(run_id: int) -> CheckRun | None:
    return _waiting_runs().filter(pk=run_id).first()


def _next_waiting_run(*, first: int | None, tried: set[int]) -> CheckRun | None:
    if first is not None and first not in tried and (run := _waiting_run(first)) is not None:
        return run
    return _waiting_runs().exclude(pk__in=tried).first()


def _run_check(
    run: CheckRun, *, limits: link_checker.CheckerLimits | None, batch_size: int
) -> CheckRun:
    site = run.site
    if run.progress_path:
        logger.info(
            "Resuming site check %s of %s after %r", run.pk, site.hostname, run.progress_path
        )
    CheckRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    checker = _SiteChecker(limits=limits)
    pages = staff_access.pages_of_site(site, Page.objects.live().public())
    while True:
        batch = list(
            pages.filter(path__gt=run.progress_path).order_by("path").specific()[:batch_size]
        )
        if not batch:
            break
        results = checker.check_pages(batch)
        with transaction.atomic():
            opened = sum(_record(result, run=run) for result in results)
            CheckRun.objects.filter(pk=run.pk).update(
                progress_path=batch[-1].path,
                heartbeat_at=timezone.now(),
                pages_checked=F("pages_checked") + sum(result.rendered for result in results),
                links_checked=F("links_checked") + sum(result.links for result in results),
                findings_opened=F("findings_opened") + opened,
            )
        run.progress_path = batch[-1].path
    # robots.txt and the sitemap as an outsider reads them (site_files), after the pages so
    # that the sitemap's addresses the run rendered are not rendered again.
    opened = _record_whole_site_check(
        run=run,
        find=lambda: [PageResult(page=None, problems=checker.check_site_files(site))],
        kinds=site_files.SITE_FILE_KINDS,
        target="site-files",
        label="การตรวจ robots.txt และแผนผังเว็บไซต์ทำงานไม่สำเร็จ",
    )
    # What must be there and is not, what is stuck (content_checks): a handful of queries for
    # the whole site, recorded with the run so that what is gone is closed below.
    opened += _record_whole_site_check(
        run=run,
        find=lambda: content_checks.find_problems(site=site),
        kinds=content_checks.CONTENT_KINDS,
        target="content-checks",
        label="การตรวจข้อมูลตามเกณฑ์ทำงานไม่สำเร็จ",
    )
    CheckRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now(), findings_opened=F("findings_opened") + opened
    )
    with transaction.atomic():
        # Only this municipality's: another's findings were not looked for.
        gone = list(
            Finding.objects.unresolved()
            .filter(site=site)
            .exclude(last_seen_run=run)
            .values_list("pk", flat=True)
        )
        closed = Finding.objects.filter(pk__in=gone).update(
            status=Finding.Status.RESOLVED, resolved_at=timezone.now()
        )
        history.log_resolved(gone, run=run)
        CheckRun.objects.filter(pk=run.pk).update(
            status=CheckRun.Status.FINISHED, finished_at=timezone.now(), findings_closed=closed
        )
        ExternalLinkResult.objects.filter(
            checked_at__lt=timezone.now() - EXTERNAL_RESULT_KEPT
        ).delete()
    run.refresh_from_db()
    logger.info(
        "Site check %s of %s: %s pages, %s links, %s findings opened, %s closed",
        run.pk,
        site.hostname,
        run.pages_checked,
        run.links_checked,
        run.findings_opened,
        run.findings_closed,
    )
    return run


def _record_whole_site_check(
    *,
    run: CheckRun,
    find: Callable[[], Iterable[PageResult]],
    kinds: Iterable[str],
    target: str,
    label: str,
) -> int:
    """Record what a check of the whole site finds with the run; returns the findings opened.

    A fault in such a check (a rule no code foresaw) must not keep every run from finishing,
    closing the links fixed and mailing the digests. What it found before stays open, since
    nobody could say it is gone, and the web operators are told.
    """
    try:
        results = list(find())
        with transaction.atomic():
            return sum(_record(result, run=run) for result in results)
    except Exception as error:
        logger.exception("Whole-site check %r of site check %s failed", target, run.pk)
        with transaction.atomic():
            Finding.objects.unresolved().filter(site=run.site, kind__in=kinds).update(
                last_seen_run=run
            )
            failure = Problem(
                Finding.Kind.PAGE_ERROR,
                Finding.Severity.HIGH,
                target_url=target,
                detail=f"{label}: {_describe(error)}",
            )
            return _record(PageResult(page=None, problems=[failure]), run=run)


def check_page(*, page: Page, user=None, fixed: Finding | None = None) -> tuple[int, int]:
    """Check one page now ("ตรวจอีกครั้ง"): record what is there, resolve what is gone.

    The page is checked as part of its own municipality's site. Outside links are asked again
    rather than taken from the day's cache: the person has just fixed them. `fixed` is the
    finding they said they fixed, if gone logged as such. Returns (findings opened, findings
    resolved).
    """
    page = page.specific
    site = Site.objects.filter(pk=staff_access.site_id_of_page(page)).first()
    seen: set[str] = set()
    opened = 0
    # A page of no site is reached by nobody: nothing to check, whatever was found is gone.
    if site is not None and page.live:
        [result] = _SiteChecker(use_cache=False).check_pages([page])
        seen = {_fingerprint(problem, page) for problem in result.problems}
        with transaction.atomic():
            opened = _record(result, run=None, site_id=site.pk)
    # The content checks of this page (its section's rules, its workflow and window, the files
    # it uses) are still true or not whether it is live: what still is must stay open.
    results = content_checks.find_problems(site=site, page=page) if site is not None else []
    for result in results:
        seen |= {_fingerprint(problem, page) for problem in result.problems}
        with transaction.atomic():
            opened += _record(result, run=None, site_id=site.pk)
    with transaction.atomic():
        gone = list(
            Finding.objects.unresolved()
            .filter(page=page)
            .exclude(fingerprint__in=seen)
            .values_list("pk", flat=True)
        )
        resolved = Finding.objects.filter(pk__in=gone).update(
            status=Finding.Status.RESOLVED, resolved_at=timezone.now(), resolved_by=user
        )
        history.log_resolved(gone, user=user, fixed=fixed)
    return opened, resolved


def mark_fixed(*, finding: Finding, user) -> bool:
    """Staff say the problem is fixed: its page is checked again at once.

    Returns True, the finding resolved by `user`, if the problem is gone; otherwise it stays
    open with `last_seen_at` updated. Either way the finding's history says so
    (`history.FIXED` or `history.STILL_THERE`, by `user`).
    """
    if finding.page is None:
        # No page to check again (a rule whose section is gone, a file no page uses, the
        # sitemap): the content checks, or robots.txt and the sitemap, are looked at again.
        still_found = _is_still_found(finding)
        with transaction.atomic():
            if still_found:
                Finding.objects.filter(pk=finding.pk).update(last_seen_at=timezone.now())
                finding.refresh_from_db()
                log(
                    instance=finding,
                    action=history.STILL_THERE,
                    user=user,
                    data={"detail": finding.detail},
                )
                return False
            Finding.objects.filter(pk=finding.pk).update(
                status=Finding.Status.RESOLVED, resolved_at=timezone.now(), resolved_by=user
            )
            finding.refresh_from_db()
            log(instance=finding, action=history.FIXED, user=user)
        return True
    # The re-check logs the finding as FIXED by `user` if it resolves it.
    check_page(page=finding.page, user=user, fixed=finding)
    finding.refresh_from_db()
    fixed = finding.status == Finding.Status.RESOLVED
    if not fixed:
        log(
            instance=finding,
            action=history.STILL_THERE,
            user=user,
            data={"detail": finding.detail},
        )
    return fixed


def accept_finding(*, finding: Finding, user, reason: str) -> Finding:
    """Staff decide the problem may stay (an outside site that refuses robots); a reason is owed.

    The decision and its reason go to the finding's history (`history.ACCEPTED`), by `user`.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required to accept a finding.")
    finding.status = Finding.Status.ACCEPTED
    finding.accepted_by = user
    finding.accepted_reason = reason
    finding.accepted_at = timezone.now()
    with transaction.atomic():
        finding.save(update_fields=["status", "accepted_by", "accepted_reason", "accepted_at"])
        log(instance=finding, action=history.ACCEPTED, user=user, data={"reason": reason})
    return finding


def _is_still_found(finding: Finding) -> bool:
    """Whether the problem of a finding of no page is still there, looked at again now."""
    if finding.kind not in site_files.SITE_FILE_KINDS:
        return content_checks.is_still_found(finding)
    # robots.txt and the sitemap of the finding's municipality; only the one address, if the
    # finding is about an address of the sitemap.
    only_urls = {finding.target_url} if finding.kind in site_files.URL_KINDS else set()
    checker = _SiteChecker(use_cache=False)
    return any(
        _fingerprint(problem, None) == finding.fingerprint
        for problem in checker.check_site_files(finding.site, only_urls=only_urls)
    )


def start_due_check(*, now: datetime | None = None) -> list[CheckRun]:
    """Open today's run of every municipality that has none yet, once `THESABAN_SITE_CHECK_AT`
    (Bangkok time) has passed; returns the runs opened.

    The worker's scheduler asks every minute; the caller enqueues a check for each run, which
    takes it over (`run_waiting_checks`). A municipality's run still unfinished from an earlier
    day is abandoned: today's checks its whole site again. A municipality added later in the
    day gets its run at the next look.
    """
    check_at = daily_check_time()
    if check_at is None:
        return []
    now = now or timezone.now()
    local = timezone.localtime(now, BANGKOK)
    due = local.replace(hour=check_at.hour, minute=check_at.minute, second=0, microsecond=0)
    if local < due:
        return []
    # Two workers' schedulers may ask at the same moment: one opens the runs.
    with scheduler_lock() as held:
        if not held:
            return []
        with transaction.atomic():
            sites = list(
                Site.objects.exclude(
                    pk__in=CheckRun.objects.filter(started_at__gte=due).values("site_id")
                ).order_by("pk")
            )
            if not sites:
                return []
            CheckRun.objects.filter(site__in=sites, status=CheckRun.Status.RUNNING).update(
                status=CheckRun.Status.ABANDONED, finished_at=now
            )
            return CheckRun.objects.bulk_create(
                [CheckRun(site=site, started_at=now) for site in sites]
            )


def stalled_runs(*, now: datetime | None = None) -> list[CheckRun]:
    """Runs left RUNNING by a worker that died, to be taken over by new tasks.

    Their heartbeat (or start) is older than `STALLED_AFTER` and no process holds the check's
    lock (a process that holds it takes every waiting run on, `run_waiting_checks`). Their
    heartbeat is moved on, so that the scheduler's next look, a minute later, does not enqueue
    the same runs again while the first tasks wait in the queue.
    """
    now = now or timezone.now()
    stale_before = now - STALLED_AFTER
    stale = CheckRun.objects.filter(status=CheckRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, started_at__lt=stale_before)
    )
    runs = list(stale.order_by("started_at", "pk"))
    if not runs:
        return []
    with database_lock(SITE_CHECK_LOCK) as held:
        if not held:
            return []  # a check is running after all, and will get to them
        CheckRun.objects.filter(pk__in=[run.pk for run in runs]).update(heartbeat_at=now)
    for run in runs:
        logger.warning("Site check %s stalled since %s: enqueued again", run.pk, run.heartbeat_at)
    return runs


def daily_check_time() -> time | None:
    value = (settings.THESABAN_SITE_CHECK_AT or "").strip().lower()
    if value in {"", "off"}:
        return None
    return datetime.strptime(value, "%H:%M").time()


# --- Recording ------------------------------------------------------------------------------
def _fingerprint(problem: Problem, page: Page | None) -> str:
    return Finding.fingerprint_of(
        kind=problem.kind, page_id=page.pk if page else None, target_url=problem.target_url
    )


def _record(result: PageResult, *, run: CheckRun | None, site_id: int | None = None) -> int:
    """Record one page's problems for the run's municipality (or `site_id`'s, for a page
    checked on its own); returns how many findings are new."""
    if not result.problems:
        return 0
    site_id = run.site_id if run is not None else site_id
    if site_id is None:
        raise ValueError("A finding belongs to a municipality: pass the run or the site.")
    now = timezone.now()
    # A page's problems go to the division that owns it; those of no page to the owner the
    # check named (a snippet's division), or to nobody: the web operators.
    page = result.page
    division = Division.objects.owning(page) if page is not None else result.division
    created: list[Finding] = []
    seen: set[str] = set()
    for problem in result.problems:
        fingerprint = _fingerprint(problem, result.page)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        seen_again = {
            "last_seen_at": now,
            "detail": problem.detail,
            "severity": problem.severity,
            "division": division,
        }
        # A page checked on its own leaves the run's mark alone: the run in progress, if
        # any, must still close only what it did not see.
        if run is not None:
            seen_again["last_seen_run"] = run
        updated = (
            Finding.objects.unresolved()
            .filter(site_id=site_id, fingerprint=fingerprint)
            .update(**seen_again)
        )
        if not updated:
            created.append(
                Finding.objects.create(
                    site_id=site_id,
                    fingerprint=fingerprint,
                    kind=problem.kind,
                    severity=problem.severity,
                    page=result.page,
                    division=division,
                    target_url=problem.target_url,
                    rule_id=problem.rule_id,
                    detail=problem.detail,
                    first_seen_at=now,
                    last_seen_at=now,
                    last_seen_run=run,
                )
            )
    history.log_opened(created)
    return len(created)


# --- Checking ------------------------------------------------------------------------------
class _SiteChecker:
    """Renders pages and checks their links; remembers each link's answer for one run."""

    def __init__(self, *, limits: link_checker.CheckerLimits | None = None, use_cache: bool = True):
        self.limits = limits
        self.use_cache = use_cache
        self.internal_results: dict[str, Problem | None] = {}
        # What each page rendered answered (status only), by `site_files.normal_url`: the
        # sitemap lists these addresses again, and they are not rendered twice.
        self.page_answers: dict[str, site_files.Answer] = {}
        self._clients: dict[str, Client] = {}
        sites = list(Site.objects.values_list("hostname", "port", "root_page_id"))
        # Host and port, as a link names them: a port of 127.0.0.1 is not this site. Every
        # municipality's host is served by this install, so a link from one to another is
        # requested through Django too; its finding is the linking page's, of its own site.
        self.site_hosts = {_host(f"http://{hostname}:{port}") for hostname, port, _ in sites} | {
            _host(settings.SITE_URL)
        }
        # Their menu and footer, the same on every page of the site, are checked there once.
        self.home_page_ids = {root_page_id for *_, root_page_id in sites}

    def check_pages(self, pages: Iterable[Page]) -> list[PageResult]:
        results: list[PageResult] = []
        external: dict[int, list[str]] = {}
        for page in pages:
            result = PageResult(page)
            results.append(result)
            rendered = self._render(page)
            if rendered is None:
                continue
            result.rendered = True
            base_url, html, problem = rendered
            if problem:
                result.problems.append(problem)
                continue
            links = extract_links(html, whole_document=page.pk in self.home_page_ids)
            result.links = len(links)
            outside = []
            for raw in links:
                url = urljoin(base_url, raw)
                parts = urlsplit(url)
                if parts.scheme in _SKIPPED_SCHEMES or not parts.scheme:
                    continue
                if _host(url) in self.site_hosts:
                    problem = self._check_internal(url)
                    if problem:
                        result.problems.append(problem)
                elif parts.scheme in {"http", "https"}:
                    outside.append(url.split("#", 1)[0])
            external[id(result)] = outside
        answers = self._check_external(url for urls in external.values() for url in urls)
        for result in results:
            for url in external.get(id(result), []):
                problem = _problem_for(answers[url])
                if problem:
                    result.problems.append(problem)
        return results

    def check_site_files(self, site: Site, *, only_urls: set[str] | None = None) -> list[Problem]:
        """robots.txt, the sitemap and its addresses, through the site's public address."""
        return site_files.find_problems(
            site=site, fetch=self.fetch, known=self.page_answers, only_urls=only_urls
        )

    def fetch(self, url: str, *, follow: bool = False) -> site_files.Answer:
        """Ask for `url` through Django as a visitor at its address would (`site_files.Fetch`)."""
        parts = urlsplit(url)
        client = self._client(url)
        try:
            response = client.get(
                f"{parts.path}?{parts.query}" if parts.query else parts.path or "/",
                follow=follow,
                secure=parts.scheme == "https",
            )
        except Exception as error:
            return site_files.Answer(None, detail=_describe(error))
        if response.streaming:
            _close(response)
            body = b""
        else:
            body = response.content
        return site_files.Answer(response.status_code, body, response.headers.get("Location", ""))

    def _client(self, url: str) -> Client:
        # One client per host for the whole check: a new Client loads the middleware again
        # on its first request, and WhiteNoise's scans every static file (~150 ms).
        parts = urlsplit(url)
        client = self._clients.get(parts.netloc)
        if client is None:
            # Imported here: the test client is a check's tool, not every web worker's.
            from django.test import Client

            client = Client(raise_request_exception=False, HTTP_HOST=parts.netloc)
            self._clients[parts.netloc] = client
        # Any session cookie makes the page cache step aside (core.page_cache): the check
        # must see the page as rendered now, and must not fill the cache. Set before every
        # request: an answer may have deleted it.
        client.cookies[settings.SESSION_COOKIE_NAME] = "site-check"
        return client

    def _render(self, page: Page) -> tuple[str, str, Problem | None] | None:
        url = page.get_full_url()
        if not url:
            return None  # not under any site: nobody can reach it
        parts = urlsplit(url)
        client = self._client(url)
        key = site_files.normal_url(url)
        try:
            response = client.get(parts.path, secure=parts.scheme == "https")
        except Exception as error:  # any failure to render is the finding
            self.page_answers[key] = site_files.Answer(None, detail=_describe(error))
            return (
                url,
                "",
                Problem(Finding.Kind.PAGE_ERROR, Finding.Severity.HIGH, detail=_describe(error)),
            )
        self.page_answers[key] = site_files.Answer(
            response.status_code, location=response.headers.get("Location", "")
        )
        if response.status_code >= 400:
            detail = f"HTTP {response.status_code}"
            if getattr(response, "exc_info", None):
                detail += f": {_describe(response.exc_info[1])}"
            return url, "", Problem(Finding.Kind.PAGE_ERROR, Finding.Severity.HIGH, detail=detail)
        if 300 <= response.status_code < 400:
            # A link page: what it leads to is its one link.
            location = response.headers.get("Location", "")
            return url, f'<main><a href="{location}"></a></main>', None
        body = b"".join(response.streaming_content) if response.streaming else response.content
        html = body.decode(response.charset or "utf-8", errors="replace")
        return url, html, None

    def _check_internal(self, url: str) -> Problem | None:
        url = url.split("#", 1)[0]
        if url in self.internal_results:
            return self.internal_results[url]
        parts = urlsplit(url)
        path = parts.path
        problem = None
        if path.startswith(settings.STATIC_URL):
            problem = None
        elif path.startswith(settings.MEDIA_URL):
            name = unquote(path[len(settings.MEDIA_URL) :])
            if not default_storage.exists(name):
                problem = Problem(
                    Finding.Kind.BROKEN_LINK,
                    Finding.Severity.HIGH,
                    url,
                    "ไม่พบไฟล์",
                )
        else:
            client = self._client(url)
            try:
                response = client.get(
                    f"{path}?{parts.query}" if parts.query else path,
                    follow=True,
                    secure=parts.scheme == "https",
                )
                status = response.status_code
                _close(response)
            except Exception as error:
                status = None
                detail = _describe(error)
            else:
                detail = f"HTTP {status}"
            # A page that answers 5xx is reported once, as that page's error, not as a broken
            # link on every page that links to it.
            if status is None or 400 <= status < 500:
                problem = Problem(Finding.Kind.BROKEN_LINK, Finding.Severity.HIGH, url, detail)
        self.internal_results[url] = problem
        return problem

    def _check_external(self, urls: Iterable[str]) -> dict[str, link_checker.LinkResult]:
        urls = list(dict.fromkeys(urls))
        answers: dict[str, link_checker.LinkResult] = {}
        if self.use_cache and urls:
            fresh_since = timezone.now() - EXTERNAL_RESULT_LIFETIME
            for stored in ExternalLinkResult.objects.filter(
                url_hash__in=[ExternalLinkResult.hash_of(url) for url in urls],
                checked_at__gte=fresh_since,
            ):
                answers[stored.url] = link_checker.LinkResult(
                    stored.url,
                    stored.outcome,
                    stored.status_code,
                    stored.final_url,
                    stored.detail,
                )
        to_ask = [url for url in urls if url not in answers]
        # What the run learnt about hosts lasts the whole run: a host that stopped answering
        # in one batch is not waited for again in every batch after it.
        if not hasattr(self, "external_hosts"):
            self.external_hosts = link_checker.HostMemory()
        asked = link_checker.check_links(to_ask, limits=self.limits, hosts=self.external_hosts)
        now = timezone.now()
        # One statement per batch (insert, or update the day-old answer), not two per address.
        ExternalLinkResult.objects.bulk_create(
            [
                ExternalLinkResult(
                    url_hash=ExternalLinkResult.hash_of(result.url),
                    url=result.url,
                    outcome=result.outcome,
                    status_code=result.status_code,
                    final_url=result.final_url[:2000],
                    detail=result.detail[:500],
                    checked_at=now,
                )
                for result in asked.values()
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["url_hash"],
            update_fields=["url", "outcome", "status_code", "final_url", "detail", "checked_at"],
        )
        answers.update(asked)
        return answers


def _problem_for(result: link_checker.LinkResult) -> Problem | None:
    if result.outcome == link_checker.BROKEN:
        detail = f"HTTP {result.status_code}" if result.status_code else result.detail
        return Problem(Finding.Kind.BROKEN_LINK, Finding.Severity.MEDIUM, result.url, detail)
    if result.outcome == link_checker.UNREACHABLE:
        return Problem(
            Finding.Kind.UNREACHABLE_LINK, Finding.Severity.MEDIUM, result.url, result.detail
        )
    if result.outcome == link_checker.REDIRECTED:
        return Problem(
            Finding.Kind.REDIRECTED_LINK, Finding.Severity.LOW, result.url, result.detail
        )
    return None


def _close(response) -> None:
    """Release a response's file without reading it, as Django's test client does.

    Closing sends `request_finished`, whose `close_old_connections` would close the worker's
    database connection mid-transaction; the client itself disconnects it around the close.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, 80, 443) else f"{host}:{port}"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


# --- Links ---------------------------------------------------------------------------------
class _LinkParser(HTMLParser):
    def __init__(self, *, whole_document: bool):
        super().__init__(convert_charrefs=True)
        self.whole_document = whole_document
        self.main_depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.main_depth += 1
        if not (self.whole_document or self.main_depth):
            return
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"].strip())
        elif tag == "img" and attributes.get("src"):
            self.links.append(attributes["src"].strip())

    def handle_endtag(self, tag):
        if tag == "main" and self.main_depth:
            self.main_depth -= 1


def extract_links(html: str, *, whole_document: bool = False) -> list[str]:
    """The addresses of links and images in `<main>` (or in the whole document), in order."""
    parser = _LinkParser(whole_document=whole_document)
    parser.feed(html)
    parser.close()
    return [link for link in dict.fromkeys(parser.links) if link and not link.startswith("#")]
