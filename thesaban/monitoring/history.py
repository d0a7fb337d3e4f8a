"""A finding's history, kept in Wagtail's audit log (`ModelLogEntry`).

Every step of a finding's life is an audit entry, so it shows in Wagtail's own site history
report (filtered by these actions) as well as on the page findings screen:

- `OPENED`: the check saw a new problem;
- `RESOLVED`: the check (a run, or a page checked again) no longer saw it;
- `FIXED`: a member of staff said it was fixed and the re-check no longer saw it;
- `STILL_THERE`: a member of staff said it was fixed but the re-check still saw it;
- `ACCEPTED`: a member of staff accepted it, with the reason.

The check itself opens and resolves findings a batch at a time with queryset updates, so
`log_opened` and `log_resolved` write their entries in one `bulk_create` rather than one
`log()` per finding; the staff actions (`services.mark_fixed`, `services.accept_finding`)
use Wagtail's `log()`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter
from wagtail.models import ModelLogEntry

from .models import Finding

OPENED = "thesaban.finding.opened"
RESOLVED = "thesaban.finding.resolved"
FIXED = "thesaban.finding.fixed"
STILL_THERE = "thesaban.finding.still_there"
ACCEPTED = "thesaban.finding.accepted"
ACTIONS = (OPENED, RESOLVED, FIXED, STILL_THERE, ACCEPTED)


# --- Formatters: what the site history report and the page findings screen say ---------------
class _OpenedFormatter(LogFormatter):
    label = _("ข้อบกพร่อง: พบใหม่")

    def format_message(self, log_entry) -> str:
        detail = log_entry.data.get("detail")
        if detail:
            return gettext_now("การตรวจเว็บไซต์พบข้อบกพร่องนี้ (%(detail)s)") % {"detail": detail}
        return gettext_now("การตรวจเว็บไซต์พบข้อบกพร่องนี้")


class _ResolvedFormatter(LogFormatter):
    label = _("ข้อบกพร่อง: ไม่พบแล้ว")

    def format_message(self, log_entry) -> str:
        # With a person, the check was theirs ("ตรวจอีกครั้ง"); without, the daily run's.
        if log_entry.user_id:
            return gettext_now("ตรวจหน้าอีกครั้งแล้วไม่พบข้อบกพร่องนี้แล้ว")
        return gettext_now("การตรวจเว็บไซต์ไม่พบข้อบกพร่องนี้แล้ว")


class _FixedFormatter(LogFormatter):
    label = _("ข้อบกพร่อง: แจ้งว่าแก้ไขแล้ว")
    message = _("แจ้งว่าแก้ไขแล้ว และตรวจอีกครั้งไม่พบข้อบกพร่องนี้แล้ว")


class _StillThereFormatter(LogFormatter):
    label = _("ข้อบกพร่อง: แจ้งว่าแก้ไขแล้วแต่ยังพบอยู่")

    def format_message(self, log_entry) -> str:
        detail = log_entry.data.get("detail")
        if detail:
            return gettext_now("แจ้งว่าแก้ไขแล้ว แต่ตรวจอีกครั้งยังพบข้อบกพร่องนี้อยู่ (%(detail)s)") % {
                "detail": detail
            }
        return gettext_now("แจ้งว่าแก้ไขแล้ว แต่ตรวจอีกครั้งยังพบข้อบกพร่องนี้อยู่")


class _AcceptedFormatter(LogFormatter):
    label = _("ข้อบกพร่อง: ยอมรับได้")

    def format_message(self, log_entry) -> str:
        # The reason is the point of the record: show it wherever the audit log is listed.
        return gettext_now("ยอมรับข้อบกพร่องนี้ เหตุผล: %(reason)s") % {
            "reason": log_entry.data.get("reason", "")
        }


_FORMATTERS = {
    OPENED: _OpenedFormatter,
    RESOLVED: _ResolvedFormatter,
    FIXED: _FixedFormatter,
    STILL_THERE: _StillThereFormatter,
    ACCEPTED: _AcceptedFormatter,
}


def register_actions(actions) -> None:
    """Called by the `register_log_actions` hook (`wagtail_hooks`)."""
    for action, formatter in _FORMATTERS.items():
        actions.register_action(action)(formatter)


# --- Writing -------------------------------------------------------------------------------
def log_opened(findings: Iterable[Finding]) -> int:
    """Log `OPENED` for findings just created by the check; returns the entries written.

    Dated when the finding was first seen. The label is `str(finding)`, which reads the page:
    pass findings created with the page object itself (as the check does) to save a query each.
    """
    findings = [finding for finding in findings if finding.pk is not None]
    if not findings:
        return 0
    content_type = _content_type()
    entries = [
        ModelLogEntry(
            content_type=content_type,
            object_id=str(finding.pk),
            label=str(finding),
            action=OPENED,
            timestamp=finding.first_seen_at or timezone.now(),
            data={"severity": finding.severity, "detail": finding.detail},
        )
        for finding in findings
    ]
    ModelLogEntry.objects.bulk_create(entries)
    return len(entries)


def log_resolved(finding_ids: Iterable[int], *, user=None, run=None, fixed=None) -> int:
    """Log `RESOLVED` for findings the check saw gone; returns the entries written.

    Call it after the update that resolved them, with their ids selected before it (in the same
    transaction). `user` is the person whose "ตรวจอีกครั้ง" it was, None for the daily run.
    Dated when the finding was resolved. `fixed`, the finding the person marked fixed
    (`services.mark_fixed`), is logged as `FIXED` instead, so that it has one entry, not two.
    """
    ids = list(dict.fromkeys(finding_ids))
    if not ids:
        return 0
    content_type = _content_type()
    now = timezone.now()
    entries = [
        ModelLogEntry(
            content_type=content_type,
            object_id=str(finding.pk),
            label=str(finding),
            action=FIXED if fixed is not None and finding.pk == fixed.pk else RESOLVED,
            timestamp=finding.resolved_at or now,
            user=user,
            data={"run": run.pk} if run is not None else {},
        )
        for finding in Finding.objects.filter(pk__in=ids).select_related("page").order_by("pk")
    ]
    ModelLogEntry.objects.bulk_create(entries)
    return len(entries)


# --- Reading -------------------------------------------------------------------------------
def entries_for(findings: Iterable[Finding | int]):
    """The audit entries of these findings, newest first, one query."""
    ids = [str(getattr(finding, "pk", finding)) for finding in findings]
    return (
        ModelLogEntry.objects.filter(content_type=_content_type(), object_id__in=ids)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )


def _content_type() -> ContentType:
    return ContentType.objects.get_for_model(Finding)
