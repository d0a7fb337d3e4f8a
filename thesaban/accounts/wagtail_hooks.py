from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from . import services
from .models import Division
from .permissions import DivisionPermissionPolicy
from .views.divisions import DivisionViewSet
from .views.reports import LoginFailureReportView
from .views.users import (
    AssignRoleOnlyToOthersBulkAction,
    DeleteOfOwnMunicipalityBulkAction,
    SetActiveStateOfManageableBulkAction,
)

# Registered before the viewset, so that its views and menu item ask this policy.
register_permission_policy(Division, DivisionPermissionPolicy(Division))


@hooks.register("register_admin_viewset")
def register_division_viewset():
    return DivisionViewSet()


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


class SectionsHandedOverLogFormatter(LogFormatter):
    label = _("โอนส่วนของเว็บไซต์")

    def format_message(self, log_entry) -> str:
        return gettext("โอนส่วนของเว็บไซต์ให้ %(to)s: %(sections)s") % {
            "to": log_entry.data.get("to", "-"),
            "sections": ", ".join(log_entry.data.get("sections", [])) or "-",
        }


@hooks.register("register_log_actions")
def register_roles_changed_log_action(actions) -> None:
    actions.register_action(services.ROLES_CHANGED)(RolesChangedLogFormatter)
    actions.register_action(services.DIVISION_SECTIONS_HANDED_OVER)(SectionsHandedOverLogFormatter)


# Registered after Wagtail's own (order=1) so that these replace its three user bulk actions.
hooks.register("register_bulk_action", AssignRoleOnlyToOthersBulkAction, order=1)
hooks.register("register_bulk_action", SetActiveStateOfManageableBulkAction, order=1)
hooks.register("register_bulk_action", DeleteOfOwnMunicipalityBulkAction, order=1)
