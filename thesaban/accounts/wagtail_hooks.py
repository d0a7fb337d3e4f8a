from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from . import access, services
from .views.reports import LoginFailureReportView
from .views.users import AssignRoleOnlyToOthersBulkAction, SetActiveStateOfManageableBulkAction


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "reports/login-failures/",
            LoginFailureReportView.as_view(),
            name="accounts_login_failures",
        ),
        path(
            "reports/login-failures/results/",
            LoginFailureReportView.as_view(results_only=True),
            name="accounts_login_failures_results",
        ),
    ]


class _SignInLogMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return services.can_view_sign_in_log(request.user)


@hooks.register("register_reports_menu_item")
def register_login_failures_menu_item():
    return _SignInLogMenuItem(
        _("การเข้าสู่ระบบที่ไม่สำเร็จ"),
        reverse("accounts_login_failures"),
        name="login-failures",
        icon_name="warning",
        order=1000,
    )


class RolesChangedLogFormatter(LogFormatter):
    label = _("เปลี่ยนบทบาทผู้ใช้")

    def format_message(self, log_entry) -> str:
        added = ", ".join(log_entry.data.get("added", [])) or "-"
        removed = ", ".join(log_entry.data.get("removed", [])) or "-"
        return gettext("เปลี่ยนบทบาทผู้ใช้ เพิ่ม: %(added)s ถอน: %(removed)s") % {
            "added": added,
            "removed": removed,
        }


@hooks.register("register_log_actions")
def register_roles_changed_log_action(actions) -> None:
    actions.register_action(services.ROLES_CHANGED)(RolesChangedLogFormatter)


# Registered after Wagtail's own (order=1) so that these replace its two user bulk actions.
hooks.register("register_bulk_action", AssignRoleOnlyToOthersBulkAction, order=1)
hooks.register("register_bulk_action", SetActiveStateOfManageableBulkAction, order=1)


@hooks.register("construct_page_chooser_queryset")
def only_own_municipality_in_page_chooser(pages, request):
    return access.pages_in_reach(request.user, pages)


@hooks.register("construct_explorer_page_queryset")
def only_own_municipality_in_explorer(parent_page, pages, request):
    return access.pages_in_reach(request.user, pages)


@hooks.register("construct_reports_menu")
def hide_host_only_reports(request, menu_items):
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "page-types-usage" or access.is_host_administrator(request.user)
    ]
