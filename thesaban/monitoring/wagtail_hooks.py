"""The monitoring app's share of the Wagtail admin: the findings report, a page's findings
("ตรวจอีกครั้ง" among the page's header buttons) and the dashboard panel."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import views
from .views import FindingReportMenuItem, FindingReportView


@hooks.register("register_admin_urls")
def register_findings_report_urls():
    return [
        path("reports/site-check/", FindingReportView.as_view(), name="monitoring_findings"),
        path(
            "reports/site-check/results/",
            FindingReportView.as_view(results_only=True),
            name="monitoring_findings_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_findings_report_menu_item():
    return FindingReportMenuItem(
        _("ข้อบกพร่องที่ตรวจพบ"),
        reverse("monitoring_findings"),
        name="site-check-findings",
        icon_name="warning",
        order=660,
    )


@hooks.register("register_admin_urls")
def register_page_findings_url():
    return [
        path(
            "pages/<int:page_id>/findings/",
            views.page_findings,
            name="monitoring_page_findings",
        )
    ]


@hooks.register("register_page_header_buttons")
def page_findings_button(page, user, view_name, next_url=None):
    # Offered where the person may act on the page's findings; the screen checks again.
    if page.depth > 1 and views.can_act_on_page(user, page):
        yield Button(
            _("ตรวจอีกครั้ง"),
            reverse("monitoring_page_findings", args=[page.pk]),
            icon_name="warning",
            priority=80,
        )


@hooks.register("construct_homepage_panels")
def add_open_findings_panel(request, panels):
    if views.can_view_findings(request.user):
        panels.append(views.OpenFindingsPanel())
