from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from . import access, services
from .models import RoleGrant
from .views.reports import LoginFailureReportView
from .views.role_grants import ConfirmGrantView, RefuseGrantView, RoleGrantsView
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
        path("role-grants/", RoleGrantsView.as_view(), name="accounts_role_grants"),
        path(
            "role-grants/<int:pk>/confirm/",
            ConfirmGrantView.as_view(),
            name="accounts_confirm_grant",
        ),
        path(
            "role-grants/<int:pk>/refuse/", RefuseGrantView.as_view(), name="accounts_refuse_grant"
        ),
    ]


class _RoleGrantsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return access.confirms_grants(request.user)

    def render_component(self, request):
        component = super().render_component(request)
        # Those who confirm see at a glance that someone waits for them.
        waiting = access.limit_to_sites_of(request.user, RoleGrant.objects.pending()).count()
        if waiting:
            component.label = gettext("%(label)s (%(count)d)") % {
                "label": self.label,
                "count": waiting,
            }
        return component


@hooks.register("register_admin_menu_item")
def register_role_grants_menu_item():
    return _RoleGrantsMenuItem(
        _("ยืนยันการให้สิทธิ์"),
        reverse("accounts_role_grants"),
        name="role-grants",
        icon_name="lock",
        order=8500,
    )


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


class _GrantLogFormatter(LogFormatter):
    # What the entry says beside the role: who asked, and why a refusal was made.
    wording = ""

    def format_message(self, log_entry) -> str:
        data = log_entry.data
        message = self.wording % {
            "role": data.get("role", "-"),
            "requested_by": data.get("requested_by") or "-",
        }
        if data.get("reason"):
            message += " " + gettext("เหตุผล: %(reason)s") % {"reason": data["reason"]}
        return message


class GrantRequestedLogFormatter(_GrantLogFormatter):
    label = _("ขอให้สิทธิ์ (รอการยืนยัน)")
    wording = _("ขอให้มีบทบาท %(role)s รอการยืนยันจากบุคคลที่สอง")


class GrantConfirmedLogFormatter(_GrantLogFormatter):
    label = _("ยืนยันการให้สิทธิ์")
    wording = _("ยืนยันให้มีบทบาท %(role)s ตามคำขอของ %(requested_by)s")


class GrantRefusedLogFormatter(_GrantLogFormatter):
    label = _("ไม่ยืนยันการให้สิทธิ์")
    wording = _("ไม่ยืนยันให้มีบทบาท %(role)s ตามคำขอของ %(requested_by)s")


class GrantWithdrawnLogFormatter(_GrantLogFormatter):
    label = _("ถอนคำขอให้สิทธิ์")
    wording = _("ถอนคำขอให้มีบทบาท %(role)s ของ %(requested_by)s")


@hooks.register("register_log_actions")
def register_roles_changed_log_action(actions) -> None:
    actions.register_action(services.ROLES_CHANGED)(RolesChangedLogFormatter)
    actions.register_action(services.GRANT_REQUESTED)(GrantRequestedLogFormatter)
    actions.register_action(services.GRANT_CONFIRMED)(GrantConfirmedLogFormatter)
    actions.register_action(services.GRANT_REFUSED)(GrantRefusedLogFormatter)
    actions.register_action(services.GRANT_WITHDRAWN)(GrantWithdrawnLogFormatter)


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


def _scope_page_listing_filters() -> None:
    """The page explorer's filters offer every owner, editor and site of the install (Wagtail
    builds their choices from all pages): cut them to the person's municipality."""
    from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet

    def users_of(original):
        return lambda request: access.users_in_reach(request.user, original(request))

    for filterset in (PageFilterSet, GenericPageFilterSet):
        for name in ("owner", "edited_by"):
            for filters in (filterset.declared_filters, filterset.base_filters):
                listed = filters.get(name)
                if listed is not None and not getattr(listed, "_thesaban_scoped", False):
                    listed.queryset = users_of(listed.queryset)
                    listed._thesaban_scoped = True
        for filters in (filterset.declared_filters, filterset.base_filters):
            if "site" in filters:
                filters["site"].queryset = lambda request: access.sites_for(request.user)


_scope_page_listing_filters()
