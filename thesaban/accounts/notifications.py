"""Thai e-mail about staff accounts, sent by the background worker."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from thesaban.core.mail import enqueue_mail, personal_messages
from thesaban.core.thai_dates import format_thai_datetime

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
    enqueue_mail(personal_messages("accounts/email/roles_given", context, addresses))


def _tell_the_owner(template: str, *, account, actor, addresses: Iterable[str]) -> None:
    # Sent to the person whose account it is: if they did not ask for it, someone else may be
    # about to sign in as them, and they are the one who would know.
    context = {"account": account, "actor": actor, "at": format_thai_datetime(timezone.now())}
    enqueue_mail(personal_messages(template, context, addresses))


def notify_password_reset(*, account, actor, addresses: Iterable[str]) -> None:
    """Tell `account`'s owner that `actor` set a new password for it (never the password)."""
    _tell_the_owner(
        "accounts/email/password_reset", account=account, actor=actor, addresses=addresses
    )


def notify_totp_removed(*, account, actor) -> None:
    """Tell `account`'s owner that `actor` removed its two-step sign-in."""
    _tell_the_owner(
        "accounts/email/totp_removed", account=account, actor=actor, addresses=[account.email]
    )
