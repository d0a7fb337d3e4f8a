"""Thai e-mail to the people the next step waits for.

Wagtail's own notifiers only know its group-approval task and would copy every superuser
(`WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS` is off). Mail is sent by the background worker so
a slow mail server never slows an approval down.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Page, Site, TaskState

from thesaban.core.mail import enqueue_mail, personal_messages, site_link

from . import rules


def _send(template: str, context: dict, recipients, *, obj) -> None:
    addresses = [user.email for user in recipients if user.is_active]
    site = _site_of(obj)
    enqueue_mail(personal_messages(f"publishing/email/{template}", context, addresses, site=site))


def _site_of(obj) -> Site | None:
    site_id = rules.site_id_of(obj)
    return Site.objects.filter(pk=site_id).first() if site_id else None


def _edit_url(obj) -> str:
    """The item's edit screen on its own municipality's domain."""
    return site_link(_site_of(obj), AdminURLFinder().get_edit_url(obj) or "")


def notify_task_submitted(sender, instance: TaskState, user=None, **kwargs) -> None:
    """Tell the reviewers of the step that has just started that an item waits for them."""
    from .models import ReviewTask

    task_model = instance.task.specific
    if not isinstance(task_model, ReviewTask):
        return
    obj = instance.workflow_state.content_object
    if isinstance(obj, Page):
        obj = obj.specific
    # Only people who may act: the submitter and earlier approvers are left out.
    recipients = [
        reviewer
        for reviewer in task_model.reviewers(obj)
        if reviewer != user and task_model.refusal(obj, reviewer, instance) is None
    ]
    _send(
        "task_submitted",
        {
            "object": obj,
            "task": task_model,
            "requested_by": instance.workflow_state.requested_by,
            "division": rules.owning_division(obj) if isinstance(obj, Page) else None,
            "edit_url": _edit_url(obj),
        },
        recipients,
        obj=obj,
    )


def notify_takedown(page: Page, user, reason: str) -> None:
    division = rules.owning_division(page)
    recipients = []
    if division is not None and division.supervisors_id is not None:
        recipients = list(
            get_user_model().objects.filter(groups=division.supervisors_id).exclude(pk=user.pk)
        )
    _send(
        "takedown",
        {
            "page": page,
            "user": user,
            "reason": reason,
            "division": division,
            "edit_url": _edit_url(page),
        },
        recipients,
        obj=page,
    )
