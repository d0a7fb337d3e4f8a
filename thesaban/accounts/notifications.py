"""Thai e-mail about staff accounts and their roles, sent by the background worker."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from thesaban.core.mail import enqueue_mail, personal_messages, site_link
from thesaban.core.thai_dates import format_thai_datetime

from . import access
from .models import Division, RoleGrant


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


def _confirmation_url(site_id) -> str:
    return site_link(Site.objects.filter(pk=site_id).first(), reverse("accounts_role_grants"))


def notify_grants_requested(*, grants: list[RoleGrant]) -> None:
    """Tell those who may decide (the municipality's grant confirmers and superusers) that
    grants wait for them; the account and the requester are left out, they cannot decide."""
    if not grants:
        return
    first = grants[0]
    recipients = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(groups__site_role__site=first.site_id, groups__site_role__role="grant_confirmer")
        .exclude(pk__in={first.account_id, first.requested_by_id} - {None})
        .exclude(email="")
        .distinct()
    )
    context = {
        "account": first.account,
        "requested_by": first.requested_by,
        "groups": [grant.group for grant in grants],
        "url": _confirmation_url(first.site_id),
    }
    addresses = [user.email for user in recipients]
    enqueue_mail(
        personal_messages("accounts/email/grant_requested", context, addresses, site=first.site)
    )


def notify_grant_decided(*, grant: RoleGrant) -> None:
    """Tell the requester and the account how a grant was decided (and why, if refused)."""
    people = [grant.account, grant.requested_by]
    addresses = [
        person.email
        for person in people
        if person is not None and person.is_active and person.pk != grant.decided_by_id
    ]
    context = {"grant": grant, "confirmed": grant.status == RoleGrant.Status.CONFIRMED}
    enqueue_mail(
        personal_messages("accounts/email/grant_decided", context, addresses, site=grant.site)
    )


def _tell_the_owner(template: str, *, account, actor, addresses: Iterable[str]) -> None:
    # Sent to the person whose account it is: if they did not ask for it, someone else may be
    # about to sign in as them, and they are the one who would know.
    context = {"account": account, "actor": actor, "at": format_thai_datetime(timezone.now())}
    enqueue_mail(personal_messages(template, context, addresses, site=access.site_of(account)))


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
