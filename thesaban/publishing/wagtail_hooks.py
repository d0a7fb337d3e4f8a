"""The publishing app's share of the Wagtail admin."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import record_views
from .records import record_access
from .reports import PublicationScheduleMenuItem, PublicationScheduleView
from .rules import ATTEST_ACTION


@hooks.register("register_log_actions")
def register_publishing_log_actions(actions) -> None:
    # The preparer's attestation at submission (step 1 of the announcement) is evidence for
    # the publication record, so it lives in Wagtail's audit log beside the approvals.
    actions.register_action(
        ATTEST_ACTION,
        _("ยืนยันความถูกต้องของข้อมูล"),
        _("ยืนยันว่าตรวจสอบความถูกต้องของข้อมูลแล้ว"),
    )


@hooks.register("register_admin_urls")
def register_publication_schedule_urls():
    return [
        path(
            "reports/publication-schedule/",
            PublicationScheduleView.as_view(),
            name="publishing_schedule_report",
        ),
        path(
            "reports/publication-schedule/results/",
            PublicationScheduleView.as_view(results_only=True),
            name="publishing_schedule_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_publication_schedule_menu_item():
    return PublicationScheduleMenuItem(
        _("กำหนดการเผยแพร่"),
        reverse("publishing_schedule_report"),
        name="publication-schedule",
        icon_name="calendar-alt",
        order=650,
    )


# --- Publication records (แบบฟอร์มการขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์) ----------------------
_record_urls = [
    path("", record_views.RecordIndexView.as_view(), name="index"),
    path("month.pdf", record_views.month_pdf, name="month_pdf"),
    path("<int:revision_id>/", record_views.record_detail, name="detail"),
    path("<int:revision_id>/pdf/", record_views.record_pdf, name="pdf"),
]


@hooks.register("register_admin_urls")
def register_publication_record_urls():
    return [path("publishing/records/", include((_record_urls, "publishing_records")))]


class PublicationRecordsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return record_access(request.user).sees_any


@hooks.register("register_admin_menu_item")
def register_publication_records_menu_item():
    return PublicationRecordsMenuItem(
        _("บันทึกการขออนุญาตเผยแพร่"),
        reverse("publishing_records:index"),
        name="publication-records",
        icon_name="doc-full",
        order=300,
    )


# The workflow's hooks live in their own module; importing it registers them.
from . import workflow_hooks  # noqa: E402, F401
