"""The monitoring app's share of the Wagtail admin: the findings report and its row actions,
a page's findings ("ตรวจอีกครั้ง" among the page's header buttons), the dashboard panel, and
the findings' history in Wagtail's audit log."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.widgets import Button

from . import history, views
from .models import Finding
from .views import FindingAdminURLFinder, FindingReportMenuItem, FindingReportView


@hooks.register("register_admin_urls")
def register_findings_report_urls():
    return [
        path("reports/site-check/", FindingReportView.as_view(), name="monitoring_findings"),
        path(
            "reports/site-check/results/",
            FindingReportView.as_view(results_only=True),
            name="monitoring_findings_results",
        ),
        path(
            "reports/site-check/<int:finding_id>/",
            views.finding_action,
            name="monitoring_finding_action",
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


@hooks.register("register_log_actions")
def register_finding_log_actions(actions) -> None:
    # Each step of a finding's life is an audit entry, so Wagtail's site history lists it.
    history.register_actions(actions)


# Wagtail's site history links each entry to its object; a finding's is its page's findings.
register_admin_url_finder(Finding, FindingAdminURLFinder)


@hooks.register("register_admin_viewset")
def register_freshness_rule_viewset():
    from .freshness_admin import FreshnessRuleViewSet

    return FreshnessRuleViewSet()
