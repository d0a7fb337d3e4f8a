"""The reports app's share of the Wagtail admin: the annual report under the Reports menu, the
register of problems, obstacles and suggestions, and the report's audit actions."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from . import services, views
from .models import ProblemReport
from .permissions import ProblemReportPermissionPolicy

# Division-scoped rights instead of Django's model permissions (see `permissions`); registered
# before the viewset so that its views find this policy.
register_permission_policy(ProblemReport, ProblemReportPermissionPolicy(ProblemReport))

_annual_urls = [
    path("", views.AnnualReportIndexView.as_view(), name="index"),
    path("<int:fiscal_year>/", views.AnnualReportDetailView.as_view(), name="detail"),
    path("<int:fiscal_year>/preview/", views.preview, name="preview"),
    path("<int:fiscal_year>/report.pdf", views.download_pdf, name="pdf"),
    path("<int:fiscal_year>/report.xlsx", views.download_xlsx, name="xlsx"),
    path("<int:fiscal_year>/approve/", views.approve, name="approve"),
    path("<int:fiscal_year>/send-to-site/", views.send_to_site, name="send_to_site"),
]


@hooks.register("register_admin_urls")
def register_annual_report_urls():
    return [path("reports/annual/", include((_annual_urls, "reports_annual")))]


@hooks.register("register_reports_menu_item")
def register_annual_report_menu_item():
    return views.AnnualReportMenuItem(
        _("รายงานผลการดำเนินงานประจำปี"),
        reverse("reports_annual:index"),
        name="annual-report",
        icon_name="doc-full-inverse",
        order=700,
    )


class ProblemReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return ProblemReportPermissionPolicy(ProblemReport).user_has_permission(
            request.user, "view"
        )


@hooks.register("register_admin_viewset")
def register_problem_report_viewset():
    return views.ProblemReportViewSet()


@hooks.register("register_reports_menu_item")
def register_problem_report_menu_item():
    return ProblemReportMenuItem(
        _("ปัญหา อุปสรรค และข้อเสนอแนะ"),
        reverse("problem_reports:index"),
        name="problem-reports",
        icon_name="warning",
        order=710,
    )


@hooks.register("register_log_actions")
def register_annual_report_log_actions(actions) -> None:
    actions.register_action(
        services.APPROVE_ACTION, _("อนุมัติรายงานประจำปี"), _("อนุมัติรายงานผลการดำเนินงานประจำปี")
    )
    actions.register_action(
        services.SEND_ACTION,
        _("ส่งรายงานประจำปีไปยังเว็บไซต์"),
        _("สร้างฉบับร่างของรายงานผลการดำเนินงานประจำปีบนเว็บไซต์"),
    )
