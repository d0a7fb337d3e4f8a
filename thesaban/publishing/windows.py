"""Publication windows (R4): items go live and come down at the times set on them, unattended.

A window is Wagtail's own publishing schedule: `go_live_at` and `expire_at` on any page (or
any snippet with `DraftStateMixin`). When the workflow's last step approves a revision whose
go-live time is in the future, Wagtail marks that revision with `approved_go_live_at`, and the
page is "scheduled". `publish_scheduled()` is what makes the schedule happen; the worker's
scheduler runs it every 30 seconds (`scheduler.py`, docs/decisions/0004-scheduler.md).

It does what Wagtail's `publish_scheduled` management command does, with the same queries and
the same Wagtail actions (so the audit log records "wagtail.publish.scheduled" and
"wagtail.unpublish.scheduled"), and adds:

- Each item in its own transaction; one that fails is logged and does not hold back the rest.
- Wagtail leaves a schedule in place after it has fired (Wagtail issue #13896): an expired
  page keeps its past `expire_at` in its latest revision, and the next time anyone edits it
  the admin refuses to save ("Expiry date/time must be in the future"), with the error hidden
  in the status side panel. Each item that fires has the times that have passed cleared, in
  the same transaction.
- One run at a time, across every worker process: a second scheduler finds the lock taken
  and does nothing (`scheduler_lock`).
- A second look for ends after the starts: an item whose whole window passed while no worker
  ran is taken down in the same run, never left public until the next.
- The anonymous page cache is cleared by Wagtail's publish/unpublish signals, once at once and
  once more after the commit (`pages/signal_handlers.py`), so a reader cannot re-cache the old
  page in between.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import dateparse, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, Page, Revision

from thesaban.core.locks import database_lock

logger = logging.getLogger(__name__)

SCHEDULE_FIELDS = ("go_live_at", "expire_at")


def scheduled_models() -> list[type[models.Model]]:
    """Every model that can carry a publication window, as Wagtail's command lists them."""
    return [
        Page,
        *(
            model
            for model in apps.get_models()
            if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
        ),
    ]


# --- Running the schedule ----------------------------------------------------------------
@dataclass
class ScheduledRun:
    """What one run of the scheduler did; `skipped` if another run held the lock."""

    went_live: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: bool = False

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def publish_scheduled() -> ScheduledRun:
    """Take down what has reached its end, publish what has reached its start, and clear the
    times that have fired. Safe to run from several processes at once: only one does the work.
    """
    run = ScheduledRun()
    with scheduler_lock() as held:
        if not held:
            run.skipped = True
            return run
        # Wagtail's order: ends first, then starts. A second look for ends catches an item
        # whose whole window passed while no worker ran: it must not stay public until the
        # next run.
        _expire_due(run)
        _go_live_due(run)
        if run.went_live:
            _expire_due(run)
    # Publishing and unpublishing send Wagtail's signals, which clear the page cache at once
    # and again after commit (pages/signal_handlers.py).
    return run


def _expire_due(run: ScheduledRun) -> None:
    # Pages taken down with a page above them: listed as due too if their own end has passed.
    ended_with_ancestor: set[int] = set()
    for model in scheduled_models():
        now = timezone.now()
        try:
            # Listed before anything changes, as Wagtail's command does.
            with transaction.atomic():
                due = list(
                    model._default_manager.filter(live=True, expire_at__lt=now).order_by(
                        "expire_at"
                    )
                )
        except Exception:
            # A model that cannot be read (a migration not yet applied) must not stop the rest.
            logger.exception("Could not list the expired items of %s", model._meta.label)
            run.failed.append(model._meta.label)
            continue
        for obj in due:
            label = _label(obj)
            if isinstance(obj, Page) and obj.pk in ended_with_ancestor:
                continue  # already ended with a page above it in this run
            try:
                with transaction.atomic():
                    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
                    _clear_passed_times(type(obj), obj.pk, SCHEDULE_FIELDS, fired_revision_id=None)
                    below = _expire_descendants(obj) if isinstance(obj, Page) else []
            except Exception:
                # One item that cannot be taken down must not keep the others up.
                logger.exception("Could not end the publication of %s", label)
                run.failed.append(label)
            else:
                logger.info("Publication ended: %s", label)
                run.expired.append(label)
                for descendant in below:
                    logger.info("Publication ended with the page above it: %s", _label(descendant))
                    run.expired.append(_label(descendant))
                    ended_with_ancestor.add(descendant.pk)


def _expire_descendants(page: Page) -> list[Page]:
    """End the publication of every live page under `page` with it; returns them.

    Wagtail unpublishes only the page itself yet still routes to the pages below it. Their
    addresses live under the ended page's and they were approved as part of it, so they end
    too, as expired (410 "publication ended"): listings, the site map, search and the daily
    site check, which all read `live`, then agree with what the public gets. Bringing the
    page back does not bring them back; each goes through the workflow again.
    """
    ended = []
    for descendant in page.get_descendants().live().defer_streamfields().specific().iterator():
        descendant.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        _clear_passed_times(
            type(descendant), descendant.pk, SCHEDULE_FIELDS, fired_revision_id=None
        )
        ended.append(descendant)
    return ended


def _go_live_due(run: ScheduledRun) -> None:
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by(
        "approved_go_live_at"
    )
    for revision in list(due.select_related("base_content_type")):
        label = f"{revision.object_str} (revision {revision.pk})"
        try:
            with transaction.atomic():
                # The go-live time has passed, so Wagtail makes the object live.
                revision.publish(log_action="wagtail.publish.scheduled")
                # Only the start: an end that has passed too is for the expiry pass.
                _clear_passed_times(
                    revision.base_content_type.model_class(),
                    revision.object_id,
                    ("go_live_at",),
                    fired_revision_id=revision.pk,
                )
        except Exception:
            logger.exception("Could not publish %s", label)
            run.failed.append(label)
        else:
            logger.info("Published on schedule: %s", label)
            run.went_live.append(label)


def _label(obj: models.Model) -> str:
    return f"{obj._meta.label} {obj.pk} {obj}"


def _clear_passed_times(
    model: type[models.Model], pk, names: tuple[str, ...], *, fired_revision_id: int | None
) -> None:
    """Clear those of the times `names` of an object that have passed (Wagtail #13896).

    On the object itself (what the admin's edit form shows while nothing is unpublished) and in
    the revision that fired and the latest revision (what the form shows otherwise). A time
    still to come, such as the end of a window that has just started, is kept. Written with
    UPDATEs: no `save()`, so no validation of old content and no signals for a bookkeeping
    change.
    """
    now = timezone.now()
    objects = model._base_manager.filter(pk=pk)
    for name in names:
        objects.filter(**{f"{name}__lte": now}).update(**{name: None})
    latest_revision_id = objects.values_list("latest_revision_id", flat=True).first()
    revision_ids = {fired_revision_id, latest_revision_id} - {None}
    for revision in Revision.objects.filter(pk__in=revision_ids, approved_go_live_at=None):
        passed = [name for name in names if _has_passed(revision.content.get(name), now)]
        if passed:
            revision.content.update(dict.fromkeys(passed))
            revision.save(update_fields=["content"])


def _has_passed(value: str | None, now: datetime) -> bool:
    moment = dateparse.parse_datetime(value) if value else None
    if moment is None:
        return False
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment <= now


# --- One run at a time ---------------------------------------------------------------------
SCHEDULER_LOCK = "publication-windows"


def scheduler_lock(using: str = DEFAULT_DB_ALIAS):
    """Hold the scheduler's lock (`core.locks`); yields False at once if another holds it.

    Every worker process runs a scheduler, so two may wake at the same moment; both would
    publish the same revision (two audit entries, two notifications).
    """
    return database_lock(SCHEDULER_LOCK, using)


# --- What is coming ------------------------------------------------------------------------
class ChangeKind(models.TextChoices):
    GO_LIVE = "go_live", _("เริ่มเผยแพร่")
    EXPIRE = "expire", _("สิ้นสุดการเผยแพร่")


@dataclass(frozen=True)
class ScheduledChange:
    """One thing the scheduler will do: `obj` (the version that will be live) at `moment`."""

    moment: datetime
    kind: ChangeKind
    obj: models.Model

    @property
    def title(self) -> str:
        return getattr(self.obj, "title", None) or str(self.obj)


def scheduled_changes(*, within: timedelta, now: datetime | None = None) -> list[ScheduledChange]:
    """Every start and end of publication due from now until `within` from now, soonest first.

    A start is a revision approved to go live. An end is the expiry time of what will be live
    then: the scheduled version's own, or the live object's if nothing replaces it before.
    """
    now = now or timezone.now()
    until = now + within
    changes: list[ScheduledChange] = []
    # Which version replaces a live object, and when.
    replaced_at: dict[tuple[int, str], datetime] = {}
    scheduled = Revision.objects.filter(approved_go_live_at__gte=now).order_by(
        "approved_go_live_at"
    )
    for revision in scheduled.select_related("content_type"):
        replaced_at[(revision.base_content_type_id, revision.object_id)] = (
            revision.approved_go_live_at
        )
        version = revision.as_object()
        if revision.approved_go_live_at < until:
            changes.append(
                ScheduledChange(revision.approved_go_live_at, ChangeKind.GO_LIVE, version)
            )
        if version.expire_at and now <= version.expire_at < until:
            changes.append(ScheduledChange(version.expire_at, ChangeKind.EXPIRE, version))
    for model in scheduled_models():
        ending = model._default_manager.filter(live=True, expire_at__gte=now, expire_at__lt=until)
        if model is Page:
            ending = ending.specific()
        for obj in ending:
            replacement = replaced_at.get((obj.get_base_content_type().pk, str(obj.pk)))
            if replacement is None or obj.expire_at < replacement:
                changes.append(ScheduledChange(obj.expire_at, ChangeKind.EXPIRE, obj))
    return sorted(changes, key=lambda change: change.moment)
