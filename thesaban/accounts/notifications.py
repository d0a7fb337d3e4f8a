"""Thai e-mail about staff accounts, sent by the background worker."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django_tasks import task

from .models import Division


@task()
def send_mail_task(messages: list[list]) -> int:
    return send_mass_mail([tuple(message) for message in messages], fail_silently=False)


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
    addresses = sorted({user.email for user in recipients})
    if not addresses:
        return
    context = {"account": account, "actor": actor, "groups": groups}
    subject = render_to_string("accounts/email/roles_given_subject.txt", context).strip()
    body = render_to_string("accounts/email/roles_given.txt", context)
    sender = settings.DEFAULT_FROM_EMAIL
    send_mail_task.enqueue(
        [[settings.EMAIL_SUBJECT_PREFIX + subject, body, sender, [a]] for a in addresses]
    )
