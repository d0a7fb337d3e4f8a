"""State changes of the publishing process, shared by views, hooks, commands and migrations."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import Page, Revision, Workflow, WorkflowPage, WorkflowTask

from thesaban.accounts import access

from . import notifications, rules
from .models import DivisionApprovalTask, PublicationTask

WORKFLOW_NAME = "การขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์ ๓ ขั้นตอน"
TAKEDOWN_ACTION = "thesaban.takedown"


@transaction.atomic
def ensure_workflow() -> Workflow:
    """The one workflow, attached to the tree's root so it covers every page of every site."""
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    steps = (
        (DivisionApprovalTask, "ผู้บังคับบัญชาของส่วนราชการให้ความเห็นชอบ"),
        (PublicationTask, "ผู้ปฏิบัติงานเผยแพร่ข้อมูลตรวจทานและเผยแพร่"),
    )
    for order, (task_model, name) in enumerate(steps):
        task = task_model.objects.filter(name=name).first() or task_model.objects.create(name=name)
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    # Snippets that are public content (people) go through the same workflow.
    from wagtail.models import WorkflowContentType, WorkflowMixin
    from wagtail.snippets.models import get_snippet_models

    for model in get_snippet_models():
        if issubclass(model, WorkflowMixin):
            WorkflowContentType.objects.update_or_create(
                content_type=ContentType.objects.get_for_model(model),
                defaults={"workflow": workflow},
            )
    root = Page.get_first_root_node()
    if root is None:
        # A flushed database (transactional tests) has no tree to attach to.
        return workflow
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # Wagtail's own sample workflow would let one group approve alone.
    Workflow.objects.exclude(pk=workflow.pk).update(active=False)
    WorkflowPage.objects.exclude(workflow=workflow).delete()
    return workflow


def record_attestation(obj, user, revision: Revision | None) -> None:
    """Log the preparer's "checked and correct" with the revision they submitted."""
    workflow_state = obj.current_workflow_state
    log(
        instance=obj,
        action=rules.ATTEST_ACTION,
        user=user,
        revision=revision,
        data={
            "statement": rules.ATTESTATION_STATEMENT,
            "workflow_state_id": workflow_state.pk if workflow_state else None,
        },
    )


def takedown_refusal(user, page: Page) -> str | None:
    if not page.live:
        return _("หน้านี้ไม่ได้เผยแพร่อยู่")
    if page.is_root() or page.depth <= 2:
        return _("ไม่สามารถถอดหน้าหลักของเว็บไซต์ได้")
    if access.oversees(user, rules.site_id_of(page)):
        return None
    if rules.is_supervisor_of(user, rules.owning_division(page)):
        return None
    return _("เฉพาะผู้ปฏิบัติงานเผยแพร่ข้อมูล หรือผู้บังคับบัญชาของส่วนราชการที่รับผิดชอบ เท่านั้นที่ถอดข้อมูลได้")


@transaction.atomic
def take_down(page: Page, user, reason: str) -> None:
    """Emergency takedown: unpublish at once, with the reason on record; tell the supervisors."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("กรุณาระบุเหตุผลในการถอดข้อมูลออกจากเว็บไซต์"))
    page = Page.objects.select_for_update().get(pk=page.pk).specific
    refusal = takedown_refusal(user, page)
    if refusal:
        raise PermissionDenied(refusal)
    # Permission is decided above by role: no staff group holds Wagtail's publish permission.
    UnpublishPageAction(page, user=user, log_action=False).execute(skip_permission_checks=True)
    log(instance=page, action=TAKEDOWN_ACTION, user=user, data={"reason": reason})
    # A workflow in progress would publish the item again when its last step approves.
    workflow_state = page.current_workflow_state
    if workflow_state is not None:
        workflow_state.cancel(user=user)
    # Queued as a background task in the same transaction: no mail for a rolled-back takedown.
    notifications.notify_takedown(page, user, reason)


# Wagtail's sample groups: "Moderators" may publish alone, which the announcement forbids.
_WAGTAIL_SAMPLE_GROUPS = ("Moderators", "Editors")
_DIRECT_PUBLISHING = ("publish_page", "bulk_delete_page", "unlock_page")


def remove_direct_publishing() -> int:
    """Take Wagtail's publish (and similar) rights from every group; return how many grants."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission

    Group.objects.filter(name__in=_WAGTAIL_SAMPLE_GROUPS, user__isnull=True).delete()
    deleted, _by_model = GroupPagePermission.objects.filter(
        permission__codename__in=_DIRECT_PUBLISHING
    ).delete()
    # Snippets under the workflow have a "publish" model permission of their own.
    through = Group.permissions.through
    snippet_grants, _by_model = through.objects.filter(
        permission__codename__startswith="publish_"
    ).delete()
    return deleted + snippet_grants


def ensure_publishing_rules(**_kwargs) -> None:
    """After every migrate: the one workflow is attached and no group may publish directly."""
    ensure_workflow()
    remove_direct_publishing()
