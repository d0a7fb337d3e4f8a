"""Wagtail's user screens, narrowed for the IT administrator.

Wagtail lets anyone who may add or change users tick "Administrator" (superuser) and change
a superuser's password, and lets them change their own groups. Here only a superuser does
those things: the IT administrator creates accounts and assigns roles, and can neither make
a superuser nor give themselves the right to publish. An account whose password was set by
someone else must choose its own at its first sign-in.
"""

from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction, SetActiveStateBulkAction

from .. import services


def _drop_fields_the_actor_may_not_set(form, *, actor, account=None) -> None:
    if not actor.is_superuser:
        form.fields.pop("is_superuser", None)
    if account is not None and not services.can_change_roles_of(actor=actor, account=account):
        form.fields.pop("groups", None)


class CreateView(wagtail_users.CreateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _drop_fields_the_actor_may_not_set(form, actor=self.request.user)
        return form

    def save_instance(self):
        user = super().save_instance()
        services.require_password_change(user=user, set_by=self.request.user)
        services.record_role_changes(account=user, actor=self.request.user, added=user.groups.all())
        return user


class EditView(wagtail_users.EditView):
    def dispatch(self, request, *args, **kwargs):
        if not services.can_manage_account(actor=request.user, account=self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _drop_fields_the_actor_may_not_set(form, actor=self.request.user, account=self.object)
        return form

    def save_instance(self):
        before = set(self.object.groups.all())
        # The form has already put the new address on the instance; the owner is told at both.
        previous_email = (
            get_user_model().objects.filter(pk=self.object.pk).values_list("email", flat=True).get()
        )
        user = super().save_instance()
        if "password1" in self.form.changed_data and not self.editing_self:
            services.record_password_reset(
                user=user, reset_by=self.request.user, previous_email=previous_email
            )
        after = set(user.groups.all())
        services.record_role_changes(
            account=user, actor=self.request.user, added=after - before, removed=before - after
        )
        return user


class IndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        confirmed_totp = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_base_queryset().annotate(has_totp=Exists(confirmed_totp))

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
        self.account = get_object_or_404(get_user_model(), pk=pk)
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

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                f"remove-totp/<{self.pk_path_converter}:pk>/",
                RemoveTOTPView.as_view(),
                name="remove_totp",
            ),
        ]


class AssignRoleOnlyToOthersBulkAction(AssignRoleBulkAction):
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


class SetActiveStateOfManageableBulkAction(SetActiveStateBulkAction):
    def check_perm(self, obj):
        return services.can_manage_account(actor=self.request.user, account=obj)
