"""Thai e-mail about staff accounts, sent by the background worker."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from thesaban.core.mail import enqueue_mail, personal_messages

from . import access
from .models import Division


def _answerable_group_id(group: Group) -> int:
    # A division's roles are answered for by its supervisors; a site-wide role by its members.
    division = Division.objects.filter(Q(preparers=group) | Q(supervisors=group)).first()
    if division is not None and division.supervisors_id is not None:
        return division.supervisors_id
    return group.pk


def notify_roles_given(*, account, actor, groups: list[Group]) -> None:
    """Tell the people each new role works with (its division's supervisors, or the other
    members of a site-wide role) that `account` now holds it, and who gave it."""
    recipients = (
        get_user_model()
        .objects.filter(is_active=True, groups__in={_answerable_group_id(g) for g in groups})
        .exclude(pk__in={account.pk, actor.pk if actor else None} - {None})
        .exclude(email="")
        .distinct()
    )
    context = {"account": account, "actor": actor, "groups": groups}
    addresses = [user.email for user in recipients]
    enqueue_mail(
        personal_messages(
            "accounts/email/roles_given", context, addresses, site=access.site_of(account)
        )
    )
