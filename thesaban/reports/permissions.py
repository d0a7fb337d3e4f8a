"""Who may keep the register of problems, obstacles and suggestions.

Preparers and supervisors record for the divisions they work in; web operators and superusers
for every division of their municipality; the host's superusers for every municipality's
(`accounts.access`, `Division.objects.for_user`). Nobody sees or changes an entry of another
municipality. Wagtail's admin asks this policy (registered in `wagtail_hooks`) for the
register's listing, forms and history, instead of Django's model permissions, which cannot say
"only for my division".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from thesaban.accounts import access
from thesaban.accounts.models import Division


def problem_report_divisions(user: AbstractBaseUser) -> QuerySet[Division]:
    """The divisions `user` may record problems for (active ones)."""
    return Division.objects.for_user(user).active()


class ProblemReportPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action) -> bool:
        # Asked by the menu and each screen: the answer is read once per request.
        return bool(access.active_division_ids_for(user))

    def user_has_any_permission(self, user, actions) -> bool:
        return self.user_has_permission(user, None)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return (
            access.may_see_site(user, instance.site_id)
            and Division.objects.for_user(user).filter(pk=instance.division_id).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        entries = self.model._default_manager.filter(division__in=Division.objects.for_user(user))
        return access.limit_to_sites_of(user, entries)

    def users_with_any_permission(self, actions):
        # Whoever has a division to record for, asked of each active account through `access`
        # (the one place that knows the rule): exact rather than fast, since the admin's views
        # ask the methods above and never this.
        users = get_user_model().objects.filter(is_active=True)
        return users.filter(
            pk__in=[user.pk for user in users if problem_report_divisions(user).exists()]
        )
