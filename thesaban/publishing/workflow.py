"""The finish action of the three-step workflow (`WAGTAIL_FINISH_WORKFLOW_ACTION`).

No staff group holds Wagtail's publish permission, so this is the only way a non-superuser's
work reaches the public site. Before publishing it checks the evidence once more, from the
database rather than from whatever view called it: a preparer of the owning division attested
the content, and three different people submitted, approved (step 2) and approved (step 3) the
very revision that goes live. Bulk actions, the API or a future view cannot skip it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from wagtail.models import WorkflowState

# Wagtail imports this module while `wagtail.models` is still loading (WorkflowState.on_finish
# is resolved at class creation), so models are imported inside the functions.


def evidence_refusal(workflow_state: WorkflowState, final_approver=None) -> str | None:
    """Why the workflow may not publish its object (None when the evidence is complete).

    `final_approver` asks in advance: as if that user approved the step now in progress.
    """
    from wagtail.log_actions import registry as log_registry
    from wagtail.models import TaskState

    from . import rules
    from .models import DivisionApprovalTask, PublicationTask

    obj = workflow_state.content_object
    revision = obj.get_latest_revision()
    approvals = {
        type(state.task.specific): state
        for state in TaskState.objects.filter(
            workflow_state=workflow_state,
            status=TaskState.STATUS_APPROVED,
            revision=revision,
        ).select_related("task")
    }
    supervisor_step = approvals.get(DivisionApprovalTask)
    operator_step = approvals.get(PublicationTask)
    operator_id = operator_step.finished_by_id if operator_step else None
    if final_approver is not None:
        operator_id = final_approver.pk
    if supervisor_step is None or operator_id is None:
        return _("ฉบับที่จะเผยแพร่ยังไม่ได้รับความเห็นชอบครบทุกขั้นตอน")
    people = {workflow_state.requested_by_id, supervisor_step.finished_by_id, operator_id}
    if None in people or len(people) != 3:
        return _("ต้องมีผู้จัดทำ ผู้บังคับบัญชา และผู้ปฏิบัติงานเผยแพร่ข้อมูล เป็นบุคคลต่างกันสามคน")
    attested = (
        log_registry.get_logs_for_instance(obj)
        .filter(
            action=rules.ATTEST_ACTION,
            user_id=workflow_state.requested_by_id,
            timestamp__gte=workflow_state.created_at,
        )
        .exists()
    )
    if not attested:
        return _("ไม่พบการยืนยันความถูกต้องของข้อมูลโดยผู้จัดทำ")
    return None


def publish_after_three_people(workflow_state: WorkflowState, user=None) -> None:
    refusal = evidence_refusal(workflow_state)
    if refusal:
        # Raised inside the approval's transaction: the approval is rolled back too.
        raise PermissionDenied(refusal)
    revision = workflow_state.content_object.get_latest_revision()
    # A start time in the future makes Wagtail schedule instead of publishing now.
    revision.publish(user=user, skip_permission_checks=True)


def action_refusal(page, user, task_state, action_name: str) -> str | None:
    """Why `user` may not take `action_name` on `task_state` of `page` now (None if they may).

    Asked before Wagtail's views run, so that a refusal reaches the user as a Thai reason.
    """
    from wagtail.models import TaskState

    from .models import PublicationTask, ReviewTask

    workflow_state = page.current_workflow_state
    if (
        workflow_state is None
        or workflow_state.current_task_state_id != task_state.pk
        or task_state.status != TaskState.STATUS_IN_PROGRESS
    ):
        return _("รายการนี้ไม่ได้อยู่ระหว่างรอการพิจารณาในขั้นตอนนี้แล้ว (อาจถูกยกเลิกหรือพิจารณาไปแล้ว)")
    task = task_state.task.specific
    if not isinstance(task, ReviewTask):
        return None
    refusal = task.refusal(page, user, task_state)
    if refusal is None and action_name == "approve" and isinstance(task, PublicationTask):
        refusal = evidence_refusal(workflow_state, final_approver=user)
    return refusal
