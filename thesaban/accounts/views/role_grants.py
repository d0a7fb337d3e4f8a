"""The confirmation screen: role grants of the municipality that wait for a second person.

Shown to the municipality's grant confirmers and superusers (and the host's); each row says
whether this person may decide it, and if not, why (it is their own request, their own
account, or an account they made). Deciding is `services.confirm_grant` / `refuse_grant`.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .. import access, services
from ..forms import RefuseGrantForm
from ..models import RoleGrant

_RECENT_DECISIONS = 20


class _ConfirmersOnly:
    def dispatch(self, request, *args, **kwargs):
        if not access.confirms_grants(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _grants_for(user):
    """The grants of the municipalities `user` may see, with what the screen shows of them."""
    return access.limit_to_sites_of(user, RoleGrant.objects.all()).select_related(
        "site", "account", "group", "requested_by", "decided_by", "account__staff_membership"
    )


def _grant_or_404(request, pk: int) -> RoleGrant:
    # Another municipality's grant is not there at all for this person.
    return get_object_or_404(_grants_for(request.user), pk=pk)


class RoleGrantsView(_ConfirmersOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "accounts/role_grants.html"
    page_title = gettext_lazy("ยืนยันการให้สิทธิ์")
    header_icon = "lock"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        user = self.request.user
        grants = _grants_for(user)
        pending = [
            (grant, access.grant_decision_refusal(user, grant))
            for grant in grants.pending().order_by("requested_at", "pk")
        ]
        decided = grants.decided().order_by("-decided_at", "-pk")[:_RECENT_DECISIONS]
        return super().get_context_data(
            pending=pending,
            decided=decided,
            show_site=access.is_host_administrator(user),
            **kwargs,
        )


class ConfirmGrantView(_ConfirmersOnly, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        grant = _grant_or_404(request, pk)
        try:
            services.confirm_grant(grant=grant, actor=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, _message(error))
        else:
            messages.success(
                request,
                _("ยืนยันแล้ว: %(account)s มีบทบาท %(role)s")
                % {"account": grant.account.get_username(), "role": grant.group.name},
            )
        return redirect("accounts_role_grants")


class RefuseGrantView(_ConfirmersOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "accounts/refuse_grant.html"
    form_class = RefuseGrantForm
    page_title = gettext_lazy("ไม่ยืนยันการให้สิทธิ์")
    header_icon = "lock"

    @cached_property
    def grant(self) -> RoleGrant:
        # Read after `dispatch` has turned away those who confirm nothing.
        return _grant_or_404(self.request, self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.grant.account.get_username()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("accounts_role_grants"), "label": _("ยืนยันการให้สิทธิ์")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            grant=self.grant,
            refusal=access.grant_decision_refusal(self.request.user, self.grant),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.refuse_grant(
                grant=self.grant, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(self.request, _message(error))
        else:
            messages.success(
                self.request,
                _("ไม่ยืนยันแล้ว: %(account)s ไม่ได้รับบทบาท %(role)s")
                % {"account": self.grant.account.get_username(), "role": self.grant.group.name},
            )
        return redirect("accounts_role_grants")


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("ท่านไม่มีสิทธิ์ทำรายการนี้")
