"""Wagtail's user screens, narrowed for the IT administrator.

Wagtail lets anyone who may add or change users tick "Administrator" (superuser) and change
a superuser's password, and lets them change their own groups. Here only a superuser does
those things: the IT administrator creates accounts and assigns roles, and can neither make
a superuser nor give themselves the right to publish. An account whose password was set by
someone else must choose its own at its first sign-in. Roles are given through
`services.assign_roles`: those carrying approval or publication rights wait for a second
person, and the screens say which.
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
from ..models import RoleGrant


def _drop_fields_the_actor_may_not_set(form, *, actor, account=None) -> None:
    if not actor.is_superuser:
        form.fields.pop("is_superuser", None)
    if account is not None and not services.can_change_roles_of(actor=actor, account=account):
        form.fields.pop("groups", None)


def _mark_roles_that_wait(form, *, account=None) -> None:
    """Say beside each role whether it waits for a second person, and tick the ones asked for
    this account that still wait (unticking one takes the request back)."""
    field = form.fields.get("groups")
    if field is None:
        return
    waiting = set()
    if account is not None:
        waiting = set(
            RoleGrant.objects.pending().filter(account=account).values_list("group_id", flat=True)
        )
    guarded = services.groups_needing_confirmation(field.queryset)

    def label(group) -> str:
        if group.pk in waiting:
            return _("%(role)s — รอการยืนยัน") % {"role": group.name}
        if group.pk in guarded:
            return _("%(role)s — มีผลเมื่อได้รับการยืนยัน") % {"role": group.name}
        return group.name

    field.label_from_instance = label
    field.help_text = " ".join(
        (
            _("บทบาทที่ให้สิทธิ์อนุมัติ เผยแพร่ ยืนยันสิทธิ์ หรือดูแลบัญชีผู้ใช้ มีผลเมื่อบุคคลที่สองยืนยันแล้ว"),
            _("ผู้ยืนยันคือผู้ยืนยันการให้สิทธิ์ของเทศบาล (เช่น ปลัดเทศบาล) หรือผู้ดูแลระบบสูงสุด"),
            _("บทบาทผู้จัดทำข้อมูลมีผลทันที"),
        )
    )
    if waiting and not form.is_bound:
        form.initial["groups"] = [*form.initial.get("groups", []), *waiting]


def _requested_roles(form):
    """The roles ticked in the form, taken out of what the form itself saves: they are given
    through `services.assign_roles`, never straight into the account's groups."""
    return form.cleaned_data.pop("groups", None)


def _tell_what_waits(request, assignment: services.RoleAssignment | None) -> None:
    if assignment is None or not assignment.pending:
        return
    messages.warning(
        request,
        _("บทบาทต่อไปนี้ยังไม่มีผล รอการยืนยันจากผู้ยืนยันการให้สิทธิ์หรือผู้ดูแลระบบสูงสุด: %(roles)s")
        % {"roles": ", ".join(grant.group.name for grant in assignment.pending)},
    )


class CreateView(wagtail_users.CreateView):
    role_assignment = None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _drop_fields_the_actor_may_not_set(form, actor=self.request.user)
        _mark_roles_that_wait(form)
        return form

    def save_instance(self):
        requested = _requested_roles(self.form) or []
        user = super().save_instance()
        actor = self.request.user
        services.require_password_change(user=user, set_by=actor)
        services.record_new_account(account=user, actor=actor, groups=requested)
        self.role_assignment = services.assign_roles(account=user, add=requested, actor=actor)
        return user

    def save_action(self):
        response = super().save_action()
        _tell_what_waits(self.request, self.role_assignment)
        return response


class EditView(wagtail_users.EditView):
    role_assignment = None

    def dispatch(self, request, *args, **kwargs):
        if not services.can_manage_account(actor=request.user, account=self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _drop_fields_the_actor_may_not_set(form, actor=self.request.user, account=self.object)
        _mark_roles_that_wait(form, account=self.object)
        return form

    def save_instance(self):
        requested = _requested_roles(self.form)
        # The form has already put the new address on the instance; the owner is told at both.
        previous_email = (
            get_user_model().objects.filter(pk=self.object.pk).values_list("email", flat=True).get()
        )
        user = super().save_instance()
        if "password1" in self.form.changed_data and not self.editing_self:
            services.record_password_reset(
                user=user, reset_by=self.request.user, previous_email=previous_email
            )
        if requested is not None:
            held = set(user.groups.all())
            waiting = {
                grant.group
                for grant in RoleGrant.objects.pending()
                .filter(account=user)
                .select_related("group")
            }
            requested = set(requested)
            self.role_assignment = services.assign_roles(
                account=user,
                add=requested - held,
                remove=(held | waiting) - requested,
                actor=self.request.user,
            )
        return user

    def save_action(self):
        response = super().save_action()
        _tell_what_waits(self.request, self.role_assignment)
        return response


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
        if role is None:
            return None
        granted = waiting = 0
        for user in objects:
            assignment = services.assign_roles(account=user, add=[role], actor=actor)
            granted += role in assignment.granted or role in user.groups.all()
            waiting += bool(assignment.pending)
        # Wagtail passes the two counts to the success message: here, those who hold the role
        # now and those whose grant waits for a second person.
        return granted, waiting

    def get_success_message(self, num_parent_objects, num_child_objects):
        role = self.cleaned_form.cleaned_data["role"].name
        if num_child_objects:
            messages.warning(
                self.request,
                _("บทบาท %(role)s ของผู้ใช้ %(count)d คนยังไม่มีผล รอการยืนยันจากบุคคลที่สอง")
                % {"count": num_child_objects, "role": role},
            )
        if not num_parent_objects:
            return None
        return _("ผู้ใช้ %(count)d คนมีบทบาท %(role)s แล้ว") % {
            "count": num_parent_objects,
            "role": role,
        }


class SetActiveStateOfManageableBulkAction(SetActiveStateBulkAction):
    def check_perm(self, obj):
        return services.can_manage_account(actor=self.request.user, account=obj)
