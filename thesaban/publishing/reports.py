"""The admin report of publication windows: what starts or ends in the next 30 days.

For the people who answer for what is public: division supervisors, web operators and
superusers. Registered under the admin's Reports menu in `wagtail_hooks.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from thesaban.accounts import access as staff_access
from thesaban.core.thai_dates import format_thai_datetime

from . import rules
from .windows import scheduled_changes

REPORT_PERIOD = timedelta(days=30)


def can_view_publication_schedule(user: AbstractBaseUser) -> bool:
    """Superusers, web operators, and the supervisors of any division."""
    return staff_access.oversees(user) or staff_access.supervises_any(user)


@dataclass(frozen=True)
class ScheduleRow:
    moment: datetime
    kind: str
    title: str
    division: str
    edit_url: str | None

    @property
    def moment_display(self) -> str:
        return format_thai_datetime(self.moment)


def schedule_rows(user: AbstractBaseUser, *, now: datetime | None = None) -> list[ScheduleRow]:
    finder = AdminURLFinder(user)
    rows = []
    for change in scheduled_changes(within=REPORT_PERIOD, now=now):
        # Another municipality's schedule is none of this person's business.
        if not staff_access.may_see_site(user, rules.site_id_of(change.obj)):
            continue
        division = rules.owning_division(change.obj)
        rows.append(
            ScheduleRow(
                moment=change.moment,
                kind=str(change.kind.label),
                title=change.title,
                division=division.name if division else "",
                # None when the user may not edit it: the title is then shown without a link.
                edit_url=finder.get_edit_url(change.obj),
            )
        )
    return rows


class PublicationScheduleView(ReportView):
    page_title = _("กำหนดเริ่มและสิ้นสุดการเผยแพร่")
    page_subtitle = _("ภายใน 30 วันข้างหน้า")
    header_icon = "calendar-alt"
    index_url_name = "publishing_schedule_report"
    index_results_url_name = "publishing_schedule_report_results"
    paginate_by = 100
    columns = [
        Column("moment_display", label=_("วันและเวลา")),
        Column("kind", label=_("กำหนดการ")),
        TitleColumn("title", label=_("ชื่อเรื่อง"), get_url=lambda row: row.edit_url),
        Column("division", label=_("ส่วนราชการที่รับผิดชอบ")),
    ]
    list_export = ["moment_display", "kind", "title", "division"]
    export_headings = {
        "moment_display": _("วันและเวลา"),
        "kind": _("กำหนดการ"),
        "title": _("ชื่อเรื่อง"),
        "division": _("ส่วนราชการที่รับผิดชอบ"),
    }
    export_filename = "publication-schedule"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_publication_schedule(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> list[ScheduleRow]:
        return schedule_rows(self.request.user)


class PublicationScheduleMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_publication_schedule(request.user)
