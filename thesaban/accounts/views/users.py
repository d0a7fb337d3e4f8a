"""Wagtail's user screens, narrowed for the IT administrator.

Wagtail lets anyone who may add or change users tick "Administrator" (superuser) and change
a superuser's password, and lets them change their own groups. Here only a superuser does
those things: the IT administrator creates accounts and assigns roles, and can neither make
a superuser nor give themselves the right to publish. An account whose password was set by
someone else must choose its own at its first sign-in.

Every screen is cut to the person's municipality (`access.accounts_for`, `access.groups_for`):
an IT administrator lists, edits and acts in bulk on their own site's accounts only, and hands
out their own site's roles only; another municipality's account answers 404. A new account
belongs to the creator's municipality (the host's superusers choose one) and is mailed a link
to choose its own password. The import of a sheet of accounts is `views.staff_import`.
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import (
    AssignRoleBulkAction,
    DeleteBulkAction,
    SetActiveStateBulkAction,
)

from .. import access, services
from . import staff_import
from .sites import SitePickerMixin

# --- One municipality's accounts and roles ------------------------------------------------


class _AccountsOfOwnMunicipality:
    """Edit and delete find only the accounts the person manages."""

    def get_queryset(self):
        return access.accounts_for(self.request.user, super().get_queryset())


class _HistoryOfOwnMunicipality:
    """The history finds only the accounts the person manages (its own queryset is of log
    entries, which Wagtail already cuts to the account)."""

    def get_base_object_queryset(self):
        return access.accounts_for(self.request.user, super().get_base_object_queryset())


def _limit_groups_to_municipality(form, *, actor, site) -> None:
    """The role check boxes show the roles of the account's municipality only (a host
    account's: the groups of no municipality)."""
    field = form.fields.get("groups")
    if field is None:
        return
    if site is not None:
        field.queryset = access.groups_for(actor, services.groups_of_site(site))
    elif access.is_host_administrator(actor):
        field.queryset = field.queryset.exclude(pk__in=services.groups_of_any_site().values("pk"))
    else:
        field.queryset = field.queryset.none()


class UserFilterSet(wagtail_users.UserFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        group = self.filters["group"]
        group.queryset = access.groups_for(request.user if request else None, group.queryset)


def _drop_fields_the_actor_may_not_set(form, *, actor, account=None) -> None:
    if not actor.is_superuser:
        form.fields.pop("is_superuser", None)
    if account is not None and not services.can_change_roles_of(actor=actor, account=account):
        form.fields.pop("groups", None)


class CreateView(SitePickerMixin, wagtail_users.CreateView):
    # The host's superusers also make the host's own accounts, of no municipality.
    site_picker_allows_none = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _drop_fields_the_actor_may_not_set(form, actor=self.request.user)
        _limit_groups_to_municipality(form, actor=self.request.user, site=self.chosen_site)
        return form

    def save_instance(self):
        user = super().save_instance()
        if self.chosen_site is not None:
            services.enrol_in_municipality(
                user=user, site=self.chosen_site, created_by=self.request.user
            )
        services.require_password_change(user=user, set_by=self.request.user)
        services.record_role_changes(account=user, actor=self.request.user, added=user.groups.all())
        if self.chosen_site is not None:
            services.send_first_login_mail(accounts=[user], site=self.chosen_site)
        return user


class EditView(_AccountsOfOwnMunicipality, wagtail_users.EditView):
    def dispatch(self, request, *args, **kwargs):
        if not services.can_manage_account(actor=request.user, account=self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _drop_fields_the_actor_may_not_set(form, actor=self.request.user, account=self.object)
        _limit_groups_to_municipality(
            form, actor=self.request.user, site=access.account_site_id(self.object)
        )
        return form

    def save_instance(self):
        before = set(self.object.groups.all())
        user = super().save_instance()
        if "password1" in self.form.changed_data and not self.editing_self:
            services.require_password_change(user=user, set_by=self.request.user)
        after = set(user.groups.all())
        services.record_role_changes(
            account=user, actor=self.request.user, added=after - before, removed=before - after
        )
        return user


class DeleteView(_AccountsOfOwnMunicipality, wagtail_users.DeleteView):
    pass


class HistoryView(_HistoryOfOwnMunicipality, wagtail_users.HistoryView):
    pass


class IndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        confirmed_totp = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        accounts = access.accounts_for(self.request.user, super().get_base_queryset())
        return accounts.annotate(has_totp=Exists(confirmed_totp))

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if staff_import.may_import(self.request.user):
            buttons.append(
                HeaderButton(
                    _("นำเข้าจากไฟล์"),
                    url=reverse("wagtailusers_users:import"),
                    icon_name="upload",
                )
            )
        return buttons

    def get_edit_url(self, instance):
        if services.can_manage_account(actor=self.request.user, account=instance):
            return super().get_edit_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.has_totp and services.can_manage_account(
            actor=self.request.user, account=instance
        ):
            buttons.append(
                MenuItem(
                    _("ล้างการยืนยันตัวตนสองขั้นตอน"),
                    url=reverse("wagtailusers_users:remove_totp", args=[quote(instance.pk)]),
                    icon_name="key",
                    priority=60,
                )
            )
        return buttons


class RemoveTOTPView(WagtailAdminTemplateMixin, TemplateView):
    """The IT administrator removes a person's TOTP device (a lost phone): they enrol again."""

    template_name = "accounts/remove_totp.html"
    page_title = gettext_lazy("ล้างการยืนยันตัวตนสองขั้นตอน")
    header_icon = "key"

    def dispatch(self, request, pk, *args, **kwargs):
        self.account = get_object_or_404(access.accounts_for(request.user), pk=pk)
        if not services.can_manage_account(actor=request.user, account=self.account):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.account.get_username()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": _("ผู้ใช้")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, **kwargs)

    def post(self, request, *args, **kwargs):
        services.remove_totp_devices(user=self.account, removed_by=request.user)
        messages.success(
            request,
            _("ล้างการยืนยันตัวตนสองขั้นตอนของ %(username)s แล้ว ผู้ใช้จะต้องลงทะเบียนใหม่")
            % {"username": self.account.get_username()},
        )
        return redirect("wagtailusers_users:index")


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    filterset_class = UserFilterSet
    # Wagtail's, with the host's choice of municipality above it.
    create_template_name = "accounts/users/create.html"
    # A copy would start from another person's e-mail and roles, of any municipality.
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                f"remove-totp/<{self.pk_path_converter}:pk>/",
                RemoveTOTPView.as_view(),
                name="remove_totp",
            ),
            path("import/", staff_import.ImportView.as_view(), name="import"),
            path("import/template.xlsx", staff_import.import_template, name="import_template"),
        ]


class GroupIndexView(wagtail_groups.IndexView):
    def get_base_queryset(self):
        return access.groups_for(self.request.user, super().get_base_queryset())


class GroupEditView(wagtail_groups.EditView):
    def get_queryset(self):
        return access.groups_for(self.request.user, super().get_queryset())


class GroupDeleteView(wagtail_groups.DeleteView):
    def get_queryset(self):
        return access.groups_for(self.request.user, super().get_queryset())


class GroupViewSet(wagtail_groups.GroupViewSet):
    """Wagtail's groups, each municipality's staff seeing its own."""

    index_view_class = GroupIndexView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView


class _OnlyAccountsOfOwnMunicipality:
    """Bulk actions find the accounts the person manages only: an id of another
    municipality's account (or "all") neither acts on it nor names it back to them."""

    def get_all_objects_in_listing_query(self, parent_id):
        return access.accounts_for(
            self.request.user, super().get_all_objects_in_listing_query(parent_id)
        )

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        ids = [obj.pk for obj in objects] + [obj.pk for obj in extra["items_with_no_access"]]
        visible = set(
            access.accounts_for(self.request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        return [obj for obj in objects if obj.pk in visible], {
            **extra,
            "items_with_no_access": [
                obj for obj in extra["items_with_no_access"] if obj.pk in visible
            ],
        }


class AssignRoleOnlyToOthersBulkAction(_OnlyAccountsOfOwnMunicipality, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = access.groups_for(
            self.request.user, form.fields["role"].queryset
        )
        return form

    def check_perm(self, obj):
        return services.can_change_roles_of(actor=self.request.user, account=obj)

    def get_execution_context(self):
        return {**super().get_execution_context(), "actor": self.request.user}

    @classmethod
    def execute_action(cls, objects, role=None, actor=None, **kwargs):
        gaining = (
            [] if role is None else [user for user in objects if role not in user.groups.all()]
        )
        result = super().execute_action(objects, role=role, **kwargs)
        for user in gaining:
            services.record_role_changes(account=user, actor=actor, added=[role])
        return result


class SetActiveStateOfManageableBulkAction(
    _OnlyAccountsOfOwnMunicipality, SetActiveStateBulkAction
):
    def check_perm(self, obj):
        return services.can_manage_account(actor=self.request.user, account=obj)


class DeleteOfOwnMunicipalityBulkAction(_OnlyAccountsOfOwnMunicipality, DeleteBulkAction):
    pass
