"""Who may keep a municipality's divisions: Wagtail's admin asks this policy (registered in
`wagtail_hooks`) rather than Django's model permissions, which cannot say "only in my own
municipality". The answers come from `access`: the IT administrators of a
municipality keep its divisions, the host's superusers every municipality's. Nobody deletes a
division: its records (people, findings, problems) keep pointing at it; it is deactivated.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from . import access

_NEVER = "delete"


class DivisionPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action) -> bool:
        return action != _NEVER and access.manages_accounts(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return action != _NEVER and access.manages_accounts(user, instance.site_id)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_permission_for(self, user, action):
        if action == _NEVER:
            return self.model._default_manager.none()
        return access.divisions_managed_by(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if set(actions) <= {_NEVER}:
            return self.model._default_manager.none()
        return access.divisions_managed_by(user)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])

    def users_with_any_permission(self, actions):
        if set(actions) <= {_NEVER}:
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__site_role__role="it_administrator"),
                is_active=True,
            )
            .distinct()
        )
