"""The site check's content checks (announcement 3.2, issue #4): what must be on the site and
is not, and what is stuck on its way there.

- **Freshness rules** (`FreshnessRule`, data that staff edit): per section of the site, that
  something is published there, that the newest item is recent enough, that there is an item
  of the current or previous fiscal year, or one per month of the fiscal year so far.
- **Workflow**: items waiting for a reviewer longer than `THESABAN_WORKFLOW_MAX_WORKING_DAYS`
  working days (`core.working_days`), counted from the start of the step they wait in.
- **Publication windows**: a start or an end that should have fired more than
  `SCHEDULE_GRACE` ago and did not; live items whose end comes within `EXPIRING_WITHIN`.
- **Files**: documents without a title or description, images without alt text, reported on
  the page that uses them (so the division that owns it hears of it).

Each municipality is checked on its own (`find_problems(site=…)`): its rules, its pages and
records, the files its pages use or its collection holds (`_Scope`). Every check is a handful
of queries however many pages it has: the rules are judged from one aggregate query.
`find_problems()` returns what it finds as `PageResult`s, which `services` records with the
run; `find_problems(site=…, page=…)` is the same for one page, so that "check again" keeps
what is still true.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.images.models import AbstractRendition
from wagtail.models import Page, Revision, Site, TaskState, WorkflowState

from thesaban.accounts import access
from thesaban.accounts.models import Division, SiteCollection
from thesaban.core.models import SiteDocument, SiteImage
from thesaban.core.thai_dates import (
    BANGKOK,
    buddhist_year,
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    format_thai_date,
    format_thai_datetime,
    local_date,
    thai_month_name,
)
from thesaban.core.working_days import holidays_between, working_days_between
from thesaban.pages.models import (
    Attachment,
    ContentPage,
    OrgChartPage,
    Person,
    PersonGroup,
    PersonIndexPage,
)
from thesaban.publishing.windows import scheduled_models

from .models import Finding, FreshnessRule
from .problems import PageResult, Problem

# The scheduler fires every 30 seconds; a start or an end this late did not happen.
SCHEDULE_GRACE = timedelta(minutes=10)
EXPIRING_WITHIN = timedelta(days=7)
RULES_VIEWSET = "freshness_rules"

CONTENT_KINDS = frozenset(
    {
        Finding.Kind.MISSING_CONTENT,
        Finding.Kind.STALE_CONTENT,
        Finding.Kind.WORKFLOW_OVERDUE,
        Finding.Kind.SCHEDULE_MISSED,
        Finding.Kind.EXPIRING_SOON,
        Finding.Kind.DOCUMENT_METADATA,
        Finding.Kind.IMAGE_ALT,
    }
)
# People shown on the organisation chart (OrgChartPage.get_context).
_CHART_GROUPS = {PersonGroup.EXECUTIVE, PersonGroup.COUNCIL, PersonGroup.DIVISION_HEAD}


def find_problems(
    *, site: Site, now: datetime | None = None, page: Page | None = None
) -> list[PageResult]:
    """Every content problem of the municipality `site` now, or only those recorded on `page`
    (one of its pages)."""
    now = now or timezone.now()
    found = _Found()
    scope = _Scope(site)
    _check_rules(found, scope, now=now, page=page)
    _check_workflows(found, scope, now=now, page=page)
    _check_schedules(found, scope, now=now, page=page)
    _check_files(found, scope)
    results = found.results()
    if page is not None:
        results = [result for result in results if result.page and result.page.pk == page.pk]
    return results


def is_still_found(finding: Finding, *, now: datetime | None = None) -> bool:
    """Whether the content problem of a finding of no page is still there.

    Such a finding (a rule without a live section, a snippet, a file no page uses) has no page
    to check again when staff mark it fixed: this checks its municipality's content instead.
    """
    if finding.page_id is not None or finding.kind not in CONTENT_KINDS:
        return False
    return any(
        Finding.fingerprint_of(kind=problem.kind, page_id=None, target_url=problem.target_url)
        == finding.fingerprint
        for result in find_problems(site=finding.site, now=now)
        if result.page is None
        for problem in result.problems
    )


class _Scope:
    """What belongs to the municipality being checked: its pages (`access.site_id_of_page`),
    its records (their `site`, or their division's), its files (in its collection, or used by
    its pages or records). What belongs to none (a file of the shared root collection that
    nothing uses) is the default site's, as the data migrations decided for older records."""

    def __init__(self, site: Site):
        self.site = site
        self.site_id = site.pk
        # The tree paths of each municipality's collection, the longest (innermost) first.
        self.collections = sorted(
            SiteCollection.objects.values_list("collection__path", "site_id"),
            key=lambda row: -len(row[0]),
        )

    def pages(self, queryset=None):
        return access.pages_of_site(self.site, queryset)

    def has_page(self, page: Page) -> bool:
        return access.site_id_of_page(page) == self.site_id

    def has(self, obj: models.Model) -> bool:
        if isinstance(obj, Page):
            return self.has_page(obj)
        if (site_id := getattr(obj, "site_id", None)) is not None:
            return site_id == self.site_id
        if (division := getattr(obj, "division", None)) is not None:
            return division.site_id == self.site_id
        return self.site.is_default_site

    def site_id_of_collection(self, path: str) -> int | None:
        for collection_path, site_id in self.collections:
            if path.startswith(collection_path):
                return site_id
        return None


class _Found:
    """Problems gathered per page, or per owner for what is on no page."""

    def __init__(self):
        self._results: dict[tuple[str, int | None], PageResult] = {}

    def add(self, problem: Problem, *, page: Page | None, division: Division | None = None):
        if page is not None:
            key = ("page", page.pk)
        else:
            key = ("owner", division.pk if division else None)
        if key not in self._results:
            self._results[key] = PageResult(page, division=None if page else division)
        self._results[key].problems.append(problem)

    def results(self) -> list[PageResult]:
        return list(self._results.values())


# --- Freshness rules ----------------------------------------------------------------------
# Items whose date is not a field of their own: their first publication dates them (or, for
# a page made live without going through publishing, its latest revision).
_UNDATED = Q(documentpage__isnull=True, newspage__isnull=True, videopage__isnull=True)
_PUBLISHED = Coalesce("first_published_at", "latest_revision_created_at")


def _check_rules(found: _Found, scope: _Scope, *, now: datetime, page: Page | None) -> None:
    rules = FreshnessRule.objects.filter(site=scope.site, active=True)
    if page is not None:
        rules = rules.filter(section=page)
    rules = list(rules)
    if not rules:
        return
    today = local_date(now)
    # A section of another municipality (chosen before sections were kept to one's own) is
    # no section of this one: the rule is reported as having none, never judged by it.
    sections = scope.pages(
        Page.objects.filter(pk__in={rule.section_id for rule in rules if rule.section_id})
    )
    sections = {section.pk: section for section in sections.specific()}
    judged = []
    for rule in rules:
        section = sections.get(rule.section_id)
        if section is not None and section.live:
            judged.append((rule, section))
            continue
        detail = (
            _("หมวด “%(section)s” ของเกณฑ์ “%(rule)s” ไม่ได้เผยแพร่อยู่")
            % {"section": section.title, "rule": rule}
            if section is not None
            else _("เกณฑ์ “%(rule)s” ไม่มีหมวดของเว็บไซต์ (หมวดถูกลบหรือยังไม่ได้เลือก)") % {"rule": rule}
        )
        found.add(
            _rule_problem(rule, Finding.Kind.MISSING_CONTENT, detail),
            page=None,
            division=Division.objects.owning(section) if section is not None else None,
        )
    if not judged:
        return
    facts = _section_facts(judged, today=today)
    own_content = _sections_with_own_content(
        [section for rule, section in judged if rule.requirement == rule.Requirement.PRESENT],
        scope,
    )
    for rule, section in judged:
        problem = _judge(rule, section, facts, own_content=own_content, today=today)
        if problem is not None:
            found.add(problem, page=section)


def _rule_problem(rule: FreshnessRule, kind: str, detail: str) -> Problem:
    # The rule's own address tells two rules on one section apart, and leads to the rule.
    target = reverse(f"{RULES_VIEWSET}:edit", args=[rule.pk])
    return Problem(kind, rule.severity, target, detail, rule_id=rule.pk)


def _in_section(section: Page) -> Q:
    return Q(path__startswith=section.path, depth__gt=section.depth)


def _bangkok_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BANGKOK)


def _in_fiscal_years(years: Iterable[int]) -> Q:
    """Items of these fiscal years: a document by its fiscal year, news and videos by their
    date, anything else by its first publication (in Bangkok)."""
    years = sorted(set(years))
    condition = Q(documentpage__fiscal_year__in=years)
    for year in years:
        first, last = fiscal_year_bounds(year)
        condition |= Q(newspage__date__range=(first, last))
        condition |= Q(videopage__date__range=(first, last))
        condition |= _UNDATED & Q(
            published__gte=_bangkok_midnight(first),
            published__lt=_bangkok_midnight(last + timedelta(days=1)),
        )
    return condition


def _fiscal_years_required(rule: FreshnessRule, *, today: date) -> tuple[set[int], date]:
    """The fiscal years whose item satisfies a FISCAL_YEAR rule today, and its deadline.

    The rule's year (current or previous) is due `grace_days` after the fiscal year starts;
    until then the year before it still counts.
    """
    current = fiscal_year_of(today)
    wanted = current + rule.fiscal_year
    deadline = fiscal_year_bounds(current)[0] - timedelta(days=1) + timedelta(days=rule.grace_days)
    years = {wanted} if today > deadline else {wanted, wanted - 1}
    return years, deadline


def _months_due(rule: FreshnessRule, *, today: date) -> tuple[int, int, date, date]:
    """For a MONTHLY rule: the fiscal year of the latest month due, how many of its months are
    due, that month (its first day) and its deadline (`grace_days` after the month ends)."""
    month_start = today.replace(day=1)
    while True:
        month_end = month_start - timedelta(days=1)
        month_start = month_end.replace(day=1)
        deadline = month_end + timedelta(days=rule.grace_days)
        if today > deadline:
            break
    fiscal_year = fiscal_year_of(month_start)
    months = (month_start.month - 10) % 12 + 1  # October is the first month of the year
    return fiscal_year, months, month_start, deadline


def _section_facts(judged: list[tuple[FreshnessRule, Page]], *, today: date) -> dict:
    """What the rules need to know of their sections' items, in one aggregate query."""
    aggregates = {}
    scope = Q()
    for rule, section in judged:
        in_section = _in_section(section)
        scope |= in_section
        key = f"rule_{rule.pk}"
        aggregates[f"{key}_items"] = Count("pk", filter=in_section)
        if rule.requirement == rule.Requirement.RECENT:
            for field in ("newspage__date", "videopage__date", "documentpage__date"):
                aggregates[f"{key}_{field}"] = Max(field, filter=in_section)
            aggregates[f"{key}_published"] = Max("published", filter=in_section & _UNDATED)
        elif rule.requirement == rule.Requirement.FISCAL_YEAR:
            years, _deadline = _fiscal_years_required(rule, today=today)
            aggregates[f"{key}_period"] = Count("pk", filter=in_section & _in_fiscal_years(years))
        elif rule.requirement == rule.Requirement.MONTHLY:
            fiscal_year, *_rest = _months_due(rule, today=today)
            aggregates[f"{key}_period"] = Count(
                "pk", filter=in_section & _in_fiscal_years([fiscal_year])
            )
    items = Page.objects.live().filter(scope).annotate(published=_PUBLISHED)
    return items.aggregate(**aggregates)


def _sections_with_own_content(sections: list[Page], scope: _Scope) -> set[int]:
    """Sections that are themselves the item (a content page, a list of people, the chart)
    and have something in them."""
    if not sections:
        return set()
    content_pages = [section.pk for section in sections if isinstance(section, ContentPage)]
    attached = set(
        Attachment.objects.filter(page_id__in=content_pages).values_list("page_id", flat=True)
        if content_pages
        else ()
    )
    groups = None
    if any(isinstance(section, PersonIndexPage | OrgChartPage) for section in sections):
        groups = set(
            Person.objects.live().filter(site=scope.site).values_list("group", flat=True).distinct()
        )
    with_content = set()
    for section in sections:
        if isinstance(section, ContentPage):
            has_content = bool(section.body) or section.pk in attached
        elif isinstance(section, PersonIndexPage):
            has_content = section.group in groups
        elif isinstance(section, OrgChartPage):
            has_content = bool(groups & _CHART_GROUPS) or bool(strip_tags(section.duties).strip())
        else:
            has_content = False
        if has_content:
            with_content.add(section.pk)
    return with_content


def _judge(
    rule: FreshnessRule, section: Page, facts: dict, *, own_content: set[int], today: date
) -> Problem | None:
    key = f"rule_{rule.pk}"
    items = facts[f"{key}_items"]
    names = {"rule": rule.name, "section": section.title}
    Requirement = FreshnessRule.Requirement
    if rule.requirement == Requirement.RECENT and rule.max_age_days is not None:
        latest = _latest_date(facts, key)
        if latest is None:
            detail = _("ยังไม่มีรายการใดในหมวด “%(section)s” (%(rule)s)") % names
        elif (today - latest).days > rule.max_age_days:
            detail = _(
                "รายการล่าสุดในหมวด “%(section)s” ลงวันที่ %(date)s เก่ากว่า %(days)s วัน (%(rule)s)"
            ) % {**names, "date": format_thai_date(latest), "days": rule.max_age_days}
        else:
            return None
        return _rule_problem(rule, Finding.Kind.STALE_CONTENT, detail)
    if rule.requirement == Requirement.FISCAL_YEAR:
        if facts[f"{key}_period"]:
            return None
        years, deadline = _fiscal_years_required(rule, today=today)
        detail = _("ยังไม่มี%(rule)s ของ%(year)s ในหมวด “%(section)s” (ครบกำหนด %(deadline)s)") % {
            **names,
            "year": fiscal_year_label(max(years)),
            "deadline": format_thai_date(deadline),
        }
        return _rule_problem(rule, Finding.Kind.MISSING_CONTENT, detail)
    if rule.requirement == Requirement.MONTHLY:
        fiscal_year, months, month, deadline = _months_due(rule, today=today)
        count = facts[f"{key}_period"]
        if count >= months:
            return None
        detail = _(
            "%(rule)s ของ%(year)s ในหมวด “%(section)s” มี %(count)s รายการ "
            "แต่ถึงกำหนดแล้ว %(months)s เดือน (ถึงเดือน%(month)s ครบกำหนด %(deadline)s)"
        ) % {
            **names,
            "year": fiscal_year_label(fiscal_year),
            "count": count,
            "months": months,
            "month": f"{thai_month_name(month.month)} {buddhist_year(month)}",
            "deadline": format_thai_date(deadline),
        }
        return _rule_problem(rule, Finding.Kind.MISSING_CONTENT, detail)
    # PRESENT (and a RECENT rule with no age set): anything published there.
    if items or section.pk in own_content:
        return None
    detail = _("ยังไม่มี%(rule)s เผยแพร่ในหมวด “%(section)s”") % names
    return _rule_problem(rule, Finding.Kind.MISSING_CONTENT, detail)


def _latest_date(facts: dict, key: str) -> date | None:
    dates = [
        facts[f"{key}_{field}"]
        for field in ("newspage__date", "videopage__date", "documentpage__date")
        if facts[f"{key}_{field}"] is not None
    ]
    if facts[f"{key}_published"] is not None:
        dates.append(local_date(facts[f"{key}_published"]))
    return max(dates, default=None)


# --- Workflow --------------------------------------------------------------------------------
def _check_workflows(found: _Found, scope: _Scope, *, now: datetime, page: Page | None) -> None:
    limit = settings.THESABAN_WORKFLOW_MAX_WORKING_DAYS
    # Waiting for a reviewer; an item sent back for changes waits for its preparer instead.
    states = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        current_task_state__status=TaskState.STATUS_IN_PROGRESS,
        # More working days than the limit needs at least as many calendar days.
        current_task_state__started_at__lt=now - timedelta(days=limit),
    ).select_related("current_task_state__task")
    if page is not None:
        states = states.for_instance(page)
    states = list(states)
    if not states:
        return
    started = [state.current_task_state.started_at for state in states]
    holidays = holidays_between(min(started), now)
    overdue = []
    for state in states:
        task_state = state.current_task_state
        waited = working_days_between(task_state.started_at, now, holidays=holidays)
        if waited > limit:
            overdue.append((state, task_state, waited))
    objects = _objects_of(
        ((state.base_content_type_id, state.object_id) for state, *_ in overdue), scope
    )
    for state, task_state, waited in overdue:
        obj = objects.get((state.base_content_type_id, state.object_id))
        if obj is None:
            continue
        detail = _(
            "รอการพิจารณาในขั้นตอน “%(task)s” ตั้งแต่ %(since)s นาน %(days)s วันทำการ "
            "(กำหนดไม่เกิน %(limit)s วันทำการ)"
        ) % {
            "task": task_state.task.name,
            "since": format_thai_datetime(task_state.started_at),
            "days": waited,
            "limit": limit,
        }
        _add_for_object(
            found,
            obj,
            Problem(Finding.Kind.WORKFLOW_OVERDUE, Finding.Severity.MEDIUM, detail=detail),
        )


# --- Publication windows ----------------------------------------------------------------------
def _check_schedules(found: _Found, scope: _Scope, *, now: datetime, page: Page | None) -> None:
    late = now - SCHEDULE_GRACE
    missed: dict[tuple[int, str], list[str]] = defaultdict(list)
    # A start that fired clears the revision's mark (publishing.windows): still marked, missed.
    starts = Revision.objects.filter(approved_go_live_at__lt=late).order_by("approved_go_live_at")
    if page is not None:
        starts = starts.for_instance(page)
    for revision in starts:
        missed[(revision.base_content_type_id, revision.object_id)].append(
            _("ตั้งเวลาเริ่มเผยแพร่ไว้ %(moment)s แต่ยังไม่ได้เผยแพร่")
            % {"moment": format_thai_datetime(revision.approved_go_live_at)}
        )
    expiring = []
    for model in scheduled_models():
        if page is not None and model is not Page:
            continue
        live = model._default_manager.filter(live=True, expire_at__lt=now + EXPIRING_WITHIN)
        if page is not None:
            live = live.filter(pk=page.pk)
        if model is Page:
            live = scope.pages(live)
        for obj in live.order_by("expire_at"):
            if not scope.has(obj):
                continue
            key = (obj.get_base_content_type().pk, str(obj.pk))
            if obj.expire_at < late:
                missed[key].append(
                    _("กำหนดสิ้นสุดการเผยแพร่ %(moment)s แต่ยังเผยแพร่อยู่")
                    % {"moment": format_thai_datetime(obj.expire_at)}
                )
            elif obj.expire_at >= now:
                expiring.append((key, obj.expire_at))
    objects = _objects_of([*missed, *(key for key, _moment in expiring)], scope)
    for key, details in missed.items():
        if (obj := objects.get(key)) is not None:
            detail = "; ".join(details)
            _add_for_object(
                found,
                obj,
                Problem(Finding.Kind.SCHEDULE_MISSED, Finding.Severity.HIGH, detail=detail),
            )
    for key, moment in expiring:
        if (obj := objects.get(key)) is not None:
            detail = _("จะสิ้นสุดการเผยแพร่ %(moment)s") % {"moment": format_thai_datetime(moment)}
            _add_for_object(
                found, obj, Problem(Finding.Kind.EXPIRING_SOON, Finding.Severity.LOW, detail=detail)
            )


# --- Items of any kind ------------------------------------------------------------------------
def _objects_of(
    keys: Iterable[tuple[int, str]], scope: _Scope
) -> dict[tuple[int, str], models.Model]:
    """The municipality's pages and snippets by (base content type id, object id), one query
    per model; those of other municipalities are left out."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for content_type_id, object_id in keys:
        wanted[content_type_id].add(object_id)
    objects = {}
    for content_type_id, object_ids in wanted.items():
        model = _model_of(content_type_id)
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=object_ids):
            if scope.has(obj):
                objects[(content_type_id, str(obj.pk))] = obj
    return objects


def _model_of(content_type_id: int) -> type[models.Model] | None:
    return ContentType.objects.get_for_id(content_type_id).model_class()


def _add_for_object(found: _Found, obj: models.Model, problem: Problem) -> None:
    """A page's problem is the page's; a snippet's goes to its division (if it has one), with
    the snippet's edit screen as the target."""
    if isinstance(obj, Page):
        found.add(problem, page=obj)
        return
    viewset = getattr(obj, "snippet_viewset", None)
    target = reverse(viewset.get_url_name("edit"), args=[obj.pk]) if viewset else ""
    detail = f"{obj}: {problem.detail}"
    problem = Problem(problem.kind, problem.severity, target, detail, problem.rule_id)
    division = getattr(obj, "division", None) if hasattr(obj, "division_id") else None
    found.add(problem, page=None, division=division)


# --- Documents and images -----------------------------------------------------------------------
def _check_files(found: _Found, scope: _Scope) -> None:
    documents = list(
        SiteDocument.objects.annotate(
            clean_title=Trim("title"),
            clean_description=Trim("description"),
            collection_path=F("collection__path"),
        )
        .filter(Q(clean_title="") | Q(clean_description=""))
        .order_by("pk")
    )
    images = list(
        SiteImage.objects.annotate(
            clean_description=Trim("description"), collection_path=F("collection__path")
        )
        .filter(clean_description="")
        .order_by("pk")
    )
    document_owners = _owners(SiteDocument, [document.pk for document in documents], scope)
    image_owners = _owners(SiteImage, [image.pk for image in images], scope)
    for document in documents:
        if (owner := _owner_here(document, document_owners, scope)) is None:
            continue
        missing = []
        if not document.clean_title:
            missing.append(_("ไม่มีชื่อเอกสาร"))
        if not document.clean_description:
            missing.append(_("ไม่มีคำอธิบาย"))
        detail = _("เอกสาร “%(name)s”: %(missing)s") % {
            "name": document.clean_title or document.filename,
            "missing": ", ".join(missing),
        }
        severity = Finding.Severity.LOW if document.clean_title else Finding.Severity.MEDIUM
        target = reverse("wagtaildocs:edit", args=[document.pk])
        page, division = owner
        found.add(
            Problem(Finding.Kind.DOCUMENT_METADATA, severity, target, detail),
            page=page,
            division=division,
        )
    for image in images:
        if (owner := _owner_here(image, image_owners, scope)) is None:
            continue
        detail = _("รูปภาพ “%(name)s” ไม่มีข้อความแทนภาพ (alt text)") % {
            "name": image.title or image.filename
        }
        target = reverse("wagtailimages:edit", args=[image.pk])
        page, division = owner
        found.add(
            Problem(Finding.Kind.IMAGE_ALT, Finding.Severity.MEDIUM, target, detail),
            page=page,
            division=division,
        )


_Owner = tuple[Page | None, Division | None]


def _owner_here(
    file: models.Model, owners: tuple[dict[int, _Owner], set[int]], scope: _Scope
) -> _Owner | None:
    """Who answers for `file` in the municipality checked, or None if it is not its file.

    Its page or snippet that uses the file; else, if nothing of another municipality uses it
    either, the municipality whose collection holds it (its web operators: no page, no
    division); a file of no municipality's collection, the default site's."""
    here, elsewhere = owners
    if file.pk in here:
        return here[file.pk]
    if file.pk in elsewhere:
        return None
    site_id = scope.site_id_of_collection(file.collection_path)
    ours = scope.site.is_default_site if site_id is None else site_id == scope.site_id
    return (None, None) if ours else None


def _owners(
    file_model: type[models.Model], file_ids: list[int], scope: _Scope
) -> tuple[dict[int, _Owner], set[int]]:
    """Who answers for each file in the municipality checked: its page that uses it (a live
    one first, then the first in the tree), else the division of its snippet that uses it
    (none for a record of the site with no division: its web operators); and the files used
    only by other municipalities' pages and records. One query per foreign key that points
    at the files (page fields, attachments, people's photos, the emblem…)."""
    if not file_ids:
        return {}, set()
    pages_of: dict[int, set[int]] = defaultdict(set)
    divisions_of: dict[int, set[int]] = defaultdict(set)
    record_sites_of: dict[int, set[int]] = defaultdict(set)
    for model, field in _foreign_keys_to(file_model):
        rows = model._base_manager.filter(**{f"{field.attname}__in": file_ids})
        if issubclass(model, Page):
            for page_id, file_id in rows.values_list("pk", field.attname):
                pages_of[file_id].add(page_id)
        elif _points_at(model, "page", Page):
            for page_id, file_id in rows.values_list("page_id", field.attname):
                pages_of[file_id].add(page_id)
        else:
            columns = [
                column
                for name, target, column in (
                    ("division", Division, "division_id"),
                    ("site", Site, "site_id"),
                )
                if _points_at(model, name, target)
            ]
            if not columns:
                continue
            for row in rows.values(field.attname, *columns):
                file_id = row[field.attname]
                if row.get("division_id") is not None:
                    divisions_of[file_id].add(row["division_id"])
                elif row.get("site_id") is not None:
                    record_sites_of[file_id].add(row["site_id"])
    pages = Page.objects.in_bulk({pk for ids in pages_of.values() for pk in ids})
    divisions = Division.objects.in_bulk({pk for ids in divisions_of.values() for pk in ids})
    owners: dict[int, _Owner] = {}
    elsewhere: set[int] = set()
    for file_id in file_ids:
        used_by = [pages[pk] for pk in pages_of.get(file_id, ()) if pk in pages]
        ours = [page for page in used_by if scope.has_page(page)]
        our_divisions = sorted(
            pk
            for pk in divisions_of.get(file_id, ())
            if pk in divisions and divisions[pk].site_id == scope.site_id
        )
        if ours:
            owners[file_id] = (min(ours, key=lambda page: (not page.live, page.path)), None)
        elif our_divisions:
            owners[file_id] = (None, divisions[our_divisions[0]])
        elif scope.site_id in record_sites_of.get(file_id, ()):
            owners[file_id] = (None, None)
        elif used_by or divisions_of.get(file_id) or record_sites_of.get(file_id):
            elsewhere.add(file_id)
    return owners, elsewhere


def _foreign_keys_to(
    file_model: type[models.Model],
) -> list[tuple[type[models.Model], models.Field]]:
    """Every foreign key to `file_model` in the project, but its renditions' own."""
    keys = []
    for model in apps.get_models():
        if issubclass(model, AbstractRendition):
            continue
        for field in model._meta.local_concrete_fields:
            if field.many_to_one and field.related_model is file_model:
                keys.append((model, field))
    return keys


def _points_at(model: type[models.Model], name: str, target: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    # A site setting (the emblem) points at its site one to one.
    return (field.many_to_one or field.one_to_one) and issubclass(target, field.related_model)
