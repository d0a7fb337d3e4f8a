"""The publication record: "แบบฟอร์มการขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์" (issue #3, R3).

The announcement asks that who prepared, approved and published each item, and when, can be
shown as evidence; ITA assessors ask for it as a form per published item. Nobody types the
form: it is read from what Wagtail records anyway, so it cannot disagree with what happened.

The evidence, all of it generic Wagtail:

- The publication: the first "wagtail.publish" or "wagtail.publish.scheduled" audit entry that
  names a revision is the moment that revision went live (the second is the scheduler's, for a
  revision approved with a future go-live time). A revision approved for the future that has
  not gone live yet has a record too, shown as scheduled.
- The approvals: the approved `WorkflowState` whose approved `TaskState`s point at that
  revision (WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT makes every approval of a finished
  workflow point at the revision that went live). Its `requested_by` is the preparer and its
  `created_at` the date of the request. In the workflow's task order, the first approved task
  state is the supervisor's step (step 2 of the announcement), the last the web operator's
  (step 3), whatever the task classes are.
- The attestation (step 1): the "thesaban.attest" audit entry whose data names that workflow
  state, logged by the preparer when they submit.
- The publication window: the go-live time the last approval scheduled ("wagtail.publish.schedule"
  entry) or else the moment it went live; the `expire_at` of the published revision, or, once
  the scheduler has fired and cleared it, the moment the scheduler took the item down
  ("wagtail.unpublish.scheduled").

A publication without all of that (a superuser who published directly, a workflow with a
single step, a submission with no attestation) has no record: `build_record` returns None, and
the listing shows the publication marked as lacking evidence, so the gap is visible to the
people who must fix it instead of being hidden.

Who may see records (`record_access`, from `accounts.access`): the host's superusers see every
municipality's; a municipality's superusers and web operators every division's of their own;
anyone else sees the records of the divisions whose preparers' or supervisors' group they
belong to. An IT administrator sees a division's records only if they also belong to one of
its groups. Pages that no division owns are seen only by superusers and web operators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from wagtail.models import (
    Page,
    PageLogEntry,
    PageLogEntryQuerySet,
    Revision,
    TaskState,
    WorkflowState,
    WorkflowTask,
)

from thesaban.accounts import access as staff_access
from thesaban.accounts.models import Division, SectionOwners
from thesaban.core.thai_dates import BANGKOK, BUDDHIST_ERA_OFFSET

from .rules import ATTEST_ACTION

# The audit actions Wagtail logs when a revision becomes live: published at once, or
# published by `publish_scheduled` when an approved go-live time arrives.
WENT_LIVE_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")
# Logged when the last approval found a go-live time in the future, with that time.
SCHEDULED_ACTION = "wagtail.publish.schedule"
# Logged when the scheduler takes an item down at its expiry time.
EXPIRED_ACTION = "wagtail.unpublish.scheduled"
# Fields of the revision's content the record shows; the first non-empty summary wins.
_SUMMARY_FIELDS = ("summary", "introduction", "search_description")
_CONTENT_FIELDS = ("title", *_SUMMARY_FIELDS, "go_live_at", "expire_at")

AnyUser = AbstractBaseUser | AnonymousUser


# --- What a record holds --------------------------------------------------------------------
@dataclass(frozen=True)
class Signatory:
    """A person who performed a step, as the record prints them."""

    name: str
    username: str

    @classmethod
    def of(cls, user: AbstractBaseUser) -> Signatory:
        # A custom user model need not have a full name; the username always exists.
        full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
        return cls(name=full_name or user.get_username(), username=user.get_username())


@dataclass(frozen=True)
class PublicationRecord:
    """One filled-in publication form: one revision of one page, approved and published."""

    page_id: int
    revision_id: int
    workflow_state_id: int
    division: Division | None
    title: str
    summary: str
    url: str
    submitted_at: datetime
    preparer: Signatory
    attested_at: datetime
    attestation: str
    supervisor: Signatory
    supervisor_approved_at: datetime
    supervisor_comment: str
    operator: Signatory
    operator_published_at: datetime
    operator_comment: str
    go_live_at: datetime | None
    expire_at: datetime | None
    published_at: datetime | None

    @property
    def window_start(self) -> datetime:
        """When the public could first see it (or will): the approved go-live time if any."""
        return self.go_live_at or self.published_at or self.operator_published_at

    @property
    def is_scheduled(self) -> bool:
        """Approved for a go-live time that has not come yet."""
        return self.published_at is None


@dataclass(frozen=True)
class Publication:
    """One revision that went live, with its record, or the reason it has none."""

    page_id: int
    revision_id: int
    title: str
    division: Division | None
    published_at: datetime
    published_by: str
    record: PublicationRecord | None
    missing_evidence: str

    @property
    def has_record(self) -> bool:
        return self.record is not None


# --- Who may see records --------------------------------------------------------------------
@dataclass(frozen=True)
class RecordAccess:
    """What `record_access` found: every division's records of the municipalities under
    `root_paths` (None: every municipality, for the host), or those of some divisions."""

    sees_all: bool
    division_ids: frozenset[int]
    root_paths: tuple[str, ...] | None = ()

    @property
    def sees_any(self) -> bool:
        return self.sees_all or bool(self.division_ids)

    def can_see(self, division: Division | None, *, page_path: str = "") -> bool:
        if self.sees_all:
            return self.root_paths is None or page_path.startswith(self.root_paths)
        return division is not None and division.pk in self.division_ids

    def divisions(self) -> QuerySet[Division]:
        """The divisions whose records may be listed, for the division filter."""
        return Division.objects.filter(pk__in=self.division_ids)


def record_access(user: AnyUser) -> RecordAccess:
    """Which divisions' publication records `user` may see (see the module docstring)."""
    division_ids = staff_access.division_ids_for(user)
    if not staff_access.oversees(user):
        return RecordAccess(sees_all=False, division_ids=division_ids)
    if staff_access.is_host_administrator(user):
        return RecordAccess(sees_all=True, division_ids=division_ids, root_paths=None)
    site = staff_access.site_of(user)
    return RecordAccess(sees_all=True, division_ids=division_ids, root_paths=(site.root_page.path,))


# --- Which division owns a page --------------------------------------------------------------
class _SectionOwners(SectionOwners):
    """Every division's sections, read once (`accounts.models.SectionOwners`), and a filter on
    the pages a set of divisions owns, for a month's publications."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, Division]] = list(self.owner_of_section.items())

    def pages_of(self, divisions: Iterable[Division], *, field: str = "page__path") -> Q:
        """A filter on page paths matching the pages the divisions own."""
        wanted = {division.pk for division in divisions}
        condition = Q(pk__in=[])
        for path, division in self.links:
            if division.pk not in wanted:
                continue
            # The section's subtree, less the sections nested in it that others own; a
            # section of ours nested inside theirs adds its own term.
            term = Q(**{f"{field}__startswith": path})
            for other_path, other in self.links:
                nested = len(other_path) > len(path) and other_path.startswith(path)
                if nested and other.pk not in wanted:
                    term &= ~Q(**{f"{field}__startswith": other_path})
            condition |= term
        return condition


# --- Publications, as a QuerySet of audit entries ------------------------------------------
def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first moment of a month and of the next one, in Bangkok; `year` is Buddhist Era."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1 to 12, not {month!r}")
    gregorian = year - BUDDHIST_ERA_OFFSET
    start = datetime(gregorian, month, 1, tzinfo=BANGKOK)
    end = datetime(gregorian + month // 12, month % 12 + 1, 1, tzinfo=BANGKOK)
    return start, end


class PublicationQuerySet(PageLogEntryQuerySet):
    """Audit entries of revisions going live, one per revision (its first)."""

    def went_live(self) -> PublicationQuerySet:
        earlier = PageLogEntry.objects.filter(
            Q(timestamp__lt=OuterRef("timestamp"))
            | Q(timestamp=OuterRef("timestamp"), pk__lt=OuterRef("pk")),
            revision_id=OuterRef("revision_id"),
            action__in=WENT_LIVE_ACTIONS,
        )
        return self.filter(action__in=WENT_LIVE_ACTIONS, revision__isnull=False).exclude(
            Exists(earlier)
        )

    def in_month(self, year: int, month: int) -> PublicationQuerySet:
        """Went live in `month` of `year` (Buddhist Era), Bangkok time."""
        start, end = month_bounds(year, month)
        return self.filter(timestamp__gte=start, timestamp__lt=end)

    def owned_by(self, divisions: Iterable[Division]) -> PublicationQuerySet:
        return self.filter(_SectionOwners().pages_of(divisions))

    def visible_to(self, access: RecordAccess) -> PublicationQuerySet:
        if access.sees_all:
            if access.root_paths is None:
                return self
            within = Q(pk__in=[])
            for path in access.root_paths:
                within |= Q(page__path__startswith=path)
            return self.filter(within)
        return self.owned_by(Division.objects.filter(pk__in=access.division_ids))


def publications() -> PublicationQuerySet:
    """Every revision that went live, newest first: filter with the QuerySet's methods."""
    return (
        PublicationQuerySet(PageLogEntry)
        .went_live()
        .select_related("page", "user")
        .order_by("-timestamp", "-pk")
    )


def publications_for(
    *, access: RecordAccess, year: int, month: int, division: Division | None = None
) -> PublicationQuerySet:
    """What the listing shows: one month, one division or all the user may see."""
    queryset = publications().in_month(year, month).visible_to(access)
    return queryset.owned_by([division]) if division is not None else queryset


# --- Assembling records from the evidence --------------------------------------------------
def _parse_moment(value: object) -> datetime | None:
    moment = parse_datetime(value) if isinstance(value, str) and value else None
    if moment is not None and timezone.is_naive(moment):
        # Wagtail serialises times in UTC; a naive one would be UTC too.
        moment = timezone.make_aware(moment, UTC)
    return moment


@dataclass(frozen=True)
class _Item:
    """A revision of a page to make the record of, and when it went live (None: not yet)."""

    page: Page
    revision_id: int
    published_at: datetime | None


@dataclass(frozen=True)
class _RevisionFacts:
    page_id: int
    title: str
    summary: str
    go_live_at: datetime | None
    expire_at: datetime | None


def _revision_facts(revision_ids: Sequence[int]) -> dict[int, _RevisionFacts]:
    # Only the few fields the record prints: the content of a revision can be large.
    rows = Revision.objects.filter(pk__in=revision_ids).values(
        "pk", "object_id", **{field: KT(f"content__{field}") for field in _CONTENT_FIELDS}
    )
    return {
        row["pk"]: _RevisionFacts(
            page_id=int(row["object_id"]),
            title=row["title"] or "",
            summary=next((row[field] for field in _SUMMARY_FIELDS if row[field]), ""),
            go_live_at=_parse_moment(row["go_live_at"]),
            expire_at=_parse_moment(row["expire_at"]),
        )
        for row in rows
    }


def _approvals(revision_ids: Sequence[int]) -> dict[int, list[TaskState]]:
    """Per revision, the approved steps of the latest approved workflow, in task order."""
    task_order = WorkflowTask.objects.filter(
        workflow_id=OuterRef("workflow_state__workflow_id"), task_id=OuterRef("task_id")
    ).values("sort_order")[:1]
    states = (
        TaskState.objects.filter(
            revision_id__in=revision_ids,
            status=TaskState.STATUS_APPROVED,
            workflow_state__status=WorkflowState.STATUS_APPROVED,
        )
        .select_related("finished_by", "workflow_state__requested_by")
        .annotate(task_order=Subquery(task_order))
        .order_by("finished_at", "pk")
    )
    by_revision: dict[int, dict[int, dict[int, TaskState]]] = defaultdict(lambda: defaultdict(dict))
    for state in states:
        # A step approved twice on one revision (changes requested at a later step, then
        # resumed without an edit): the later approval stands.
        by_revision[state.revision_id][state.workflow_state_id][state.task_id] = state
    approvals = {}
    for revision_id, workflows in by_revision.items():
        # Should one revision have been approved by two workflows, the latest speaks.
        latest = workflows[max(workflows)]
        approvals[revision_id] = sorted(
            latest.values(),
            key=lambda s: (s.task_order is None, s.task_order or 0, s.finished_at, s.pk),
        )
    return approvals


def _attestations(workflow_states: dict[int, WorkflowState]) -> dict[int, PageLogEntry]:
    """The preparer's latest attestation for each workflow state."""
    if not workflow_states:
        return {}
    entries = (
        PageLogEntry.objects.filter(
            action=ATTEST_ACTION, data__workflow_state_id__in=list(workflow_states)
        )
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    attestations = {}
    for entry in entries:
        state = workflow_states.get((entry.data or {}).get("workflow_state_id"))
        # Only the person who asked for publication attests for it.
        if state is not None and entry.user_id == state.requested_by_id:
            attestations[state.pk] = entry
    return attestations


def _scheduled_starts(revision_ids: Sequence[int]) -> dict[int, datetime]:
    """The go-live time each revision was approved for, from Wagtail's scheduling entries.

    Not from the revision: the scheduler clears a time once it has fired (Wagtail #13896,
    `publishing.windows`), and the record must still show it afterwards.
    """
    entries = (
        PageLogEntry.objects.filter(action=SCHEDULED_ACTION, revision_id__in=revision_ids)
        .order_by("timestamp", "pk")
        .values_list("revision_id", "data")
    )
    starts = {}
    for revision_id, data in entries:
        moment = _parse_moment(((data or {}).get("revision") or {}).get("go_live_at"))
        if moment is not None:
            starts[revision_id] = moment
    return starts


def _page_timelines(items: Sequence[_Item]) -> dict[int, list[tuple[datetime, str]]]:
    """For each page, when its revisions went live and when the scheduler took it down."""
    published = [item.published_at for item in items if item.published_at is not None]
    if not published:
        return {}
    entries = (
        PageLogEntry.objects.filter(
            page_id__in={item.page.pk for item in items},
            action__in=(*WENT_LIVE_ACTIONS, EXPIRED_ACTION),
            timestamp__gt=min(published),
        )
        .order_by("timestamp", "pk")
        .values_list("page_id", "timestamp", "action")
    )
    timelines: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for page_id, timestamp, action in entries:
        timelines[page_id].append((timestamp, action))
    return timelines


class _Evidence:
    """The evidence for a set of revisions, read in a fixed number of queries."""

    def __init__(self, items: Sequence[_Item]) -> None:
        revision_ids = [item.revision_id for item in items]
        self.revisions = _revision_facts(revision_ids)
        self.approvals = _approvals(revision_ids)
        self.attestations = _attestations(
            {
                state.workflow_state_id: state.workflow_state
                for states in self.approvals.values()
                for state in states
            }
        )
        self.scheduled_starts = _scheduled_starts(revision_ids)
        self.timelines = _page_timelines(items)
        self.owners = _SectionOwners()

    def scheduled_end(self, page_id: int, published_at: datetime) -> datetime | None:
        """When the scheduler took the page down, unless another revision went live first."""
        for timestamp, action in self.timelines.get(page_id, ()):
            if timestamp <= published_at:
                continue
            return timestamp if action == EXPIRED_ACTION else None
        return None

    def assemble(
        self, item: _Item, *, request: HttpRequest | None = None
    ) -> tuple[PublicationRecord | None, str]:
        """The record of `item`, or None and why it cannot be made."""
        page, revision_id, published_at = item.page, item.revision_id, item.published_at
        facts = self.revisions.get(revision_id)
        if facts is None or facts.page_id != page.pk:
            return None, _("ไม่พบฉบับที่เผยแพร่")
        approvals = self.approvals.get(revision_id, [])
        if not approvals:
            return None, _("เผยแพร่โดยไม่ผ่านขั้นตอนการขออนุญาตเผยแพร่")
        if len(approvals) < 2:
            return None, _("การอนุมัติไม่ครบทั้งขั้นตอนผู้บังคับบัญชาและผู้ปฏิบัติงานเผยแพร่")
        supervisor_step, operator_step = approvals[0], approvals[-1]
        workflow_state = supervisor_step.workflow_state
        if (
            workflow_state.requested_by is None
            or supervisor_step.finished_by is None
            or operator_step.finished_by is None
        ):
            return None, _("ไม่พบบัญชีผู้ใช้ของผู้ดำเนินการบางขั้นตอน")
        attestation = self.attestations.get(workflow_state.pk)
        if attestation is None:
            return None, _("ไม่พบการยืนยันความถูกต้องของข้อมูลโดยผู้จัดทำ")

        go_live_at = self.scheduled_starts.get(revision_id)
        if go_live_at is None and published_at is None:
            go_live_at = facts.go_live_at
        expire_at = facts.expire_at
        if expire_at is None and published_at is not None:
            expire_at = self.scheduled_end(page.pk, published_at)
        record = PublicationRecord(
            page_id=page.pk,
            revision_id=revision_id,
            workflow_state_id=workflow_state.pk,
            division=self.owners.owner(page.path),
            title=facts.title,
            summary=facts.summary,
            url=page.get_full_url(request) or "",
            submitted_at=workflow_state.created_at,
            preparer=Signatory.of(workflow_state.requested_by),
            attested_at=attestation.timestamp,
            attestation=(attestation.data or {}).get("statement", ""),
            supervisor=Signatory.of(supervisor_step.finished_by),
            supervisor_approved_at=supervisor_step.finished_at,
            supervisor_comment=supervisor_step.comment,
            operator=Signatory.of(operator_step.finished_by),
            operator_published_at=operator_step.finished_at,
            operator_comment=operator_step.comment,
            go_live_at=go_live_at,
            expire_at=expire_at,
            published_at=published_at,
        )
        return record, ""


def publication_rows(
    entries: Iterable[PageLogEntry], *, request: HttpRequest | None = None
) -> list[Publication]:
    """Publications with their records, from entries of `publications()` (e.g. one page of
    a listing), in a fixed number of queries however many there are."""
    entries = list(entries)
    items = [
        _Item(page=entry.page, revision_id=entry.revision_id, published_at=entry.timestamp)
        for entry in entries
    ]
    evidence = _Evidence(items)
    rows = []
    for entry, item in zip(entries, items, strict=True):
        record, missing = evidence.assemble(item, request=request)
        facts = evidence.revisions.get(entry.revision_id)
        rows.append(
            Publication(
                page_id=entry.page_id,
                revision_id=entry.revision_id,
                title=(facts.title if facts else "") or entry.label,
                division=evidence.owners.owner(entry.page.path),
                published_at=entry.timestamp,
                published_by=(
                    Signatory.of(entry.user).name if entry.user else _("ระบบ (ตามเวลาที่กำหนด)")
                ),
                record=record,
                missing_evidence=missing,
            )
        )
    return rows


def records_for(
    entries: Iterable[PageLogEntry], *, request: HttpRequest | None = None
) -> list[PublicationRecord]:
    """Only the complete records among `entries`, e.g. for a month's bundle."""
    return [row.record for row in publication_rows(entries, request=request) if row.record]


def build_record(
    page: Page, revision: Revision | None = None, *, request: HttpRequest | None = None
) -> PublicationRecord | None:
    """The publication record of `revision` of `page` (by default the live revision, or the
    one approved to go live later), or None when the evidence is not complete."""
    if revision is None:
        revision = page.live_revision or (
            Revision.objects.for_instance(page)
            .filter(approved_go_live_at__isnull=False)
            .order_by("-created_at", "-pk")
            .first()
        )
    if revision is None:
        return None
    published_at = (
        PageLogEntry.objects.filter(revision_id=revision.pk, action__in=WENT_LIVE_ACTIONS)
        .order_by("timestamp", "pk")
        .values_list("timestamp", flat=True)
        .first()
    )
    item = _Item(page=page, revision_id=revision.pk, published_at=published_at)
    record, _missing = _Evidence([item]).assemble(item, request=request)
    return record
