"""The two review steps of the three-step workflow, as Wagtail task types.

Step 1 (the preparer prepares and attests) is the submission itself; step 2 is
`DivisionApprovalTask` (a supervisor of the division that owns the page), step 3 is
`PublicationTask` (a web operator, whose approval publishes or schedules the page).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Task, TaskState, WorkflowState

from . import rules
from .forms import RequestChangesForm


class ReviewTask(Task):
    """A step whose reviewers depend on the item, with maker–checker on every action."""

    approve_label = _("อนุมัติ")

    class Meta:
        abstract = True

    def is_reviewer(self, obj, user) -> bool:
        raise NotImplementedError

    def reviewers(self, obj):
        """The users this step waits for on `obj` (for notifications)."""
        raise NotImplementedError

    # --- what Wagtail asks a task --------------------------------------------------------
    def start(self, workflow_state, user=None):
        obj = workflow_state.content_object
        # A lock held by someone outside this step would stop the reviewers.
        locked_by = getattr(obj, "locked_by", None)
        if locked_by is not None and not self.is_reviewer(obj, locked_by):
            type(obj).objects.filter(pk=obj.pk).update(locked=False, locked_by=None, locked_at=None)
        return super().start(workflow_state, user=user)

    def user_can_access_editor(self, obj, user) -> bool:
        return user.is_superuser or self.is_reviewer(obj, user)

    def locked_for_user(self, obj, user) -> bool:
        return not (user.is_superuser or self.is_reviewer(obj, user))

    def user_can_lock(self, obj, user) -> bool:
        return self.is_reviewer(obj, user)

    def refusal(self, obj, user, task_state: TaskState | None = None) -> str | None:
        if task_state is None:
            workflow_state = obj.current_workflow_state
            task_state = workflow_state.current_task_state if workflow_state else None
            if task_state is None or task_state.task_id != self.pk:
                return str(_("รายการนี้ไม่ได้อยู่ระหว่างรอการพิจารณาในขั้นตอนนี้แล้ว"))
        reviewer = user.is_superuser or self.is_reviewer(obj, user)
        return rules.approval_refusal(user, task_state, reviewer=reviewer)

    def get_actions(self, obj, user):
        if self.refusal(obj, user) is not None:
            return []
        return [
            ("reject", _("ขอให้แก้ไข"), True),
            ("approve", self.approve_label, False),
            ("approve", _("%(label)s พร้อมความเห็น") % {"label": self.approve_label}, True),
        ]

    def get_form_for_action(self, action):
        return RequestChangesForm if action == "reject" else super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        with transaction.atomic():
            # Lock the workflow state first (always in this order): two reviewers acting at
            # once are serialised here, and the second finds the step already decided.
            workflow_state = WorkflowState.objects.select_for_update().get(
                pk=task_state.workflow_state_id
            )
            task_state = TaskState.objects.select_for_update().get(pk=task_state.pk)
            task_state.workflow_state = workflow_state
            if workflow_state.current_task_state_id != task_state.pk:
                raise PermissionDenied(
                    _("รายการนี้ไม่ได้อยู่ระหว่างรอการพิจารณาในขั้นตอนนี้แล้ว (อาจถูกยกเลิกหรือพิจารณาไปแล้ว)")
                )
            obj = workflow_state.content_object
            if isinstance(obj, Page):
                obj = obj.specific
            refusal = self.refusal(obj, user, task_state)
            if refusal:
                raise PermissionDenied(refusal)
            return super().on_action(task_state, user, action_name, **kwargs)

    def _in_progress_states(self):
        return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).select_related(
            "workflow_state", "revision"
        )

    def get_task_states_user_can_moderate(self, user, **kwargs):
        ids = []
        for task_state in self._in_progress_states():
            obj = task_state.workflow_state.content_object
            if obj is not None and self.refusal(obj, user, task_state) is None:
                ids.append(task_state.pk)
        return TaskState.objects.filter(pk__in=ids)


class DivisionApprovalTask(ReviewTask):
    """Step 2: a supervisor of the division that owns the item approves it."""

    approve_label = _("เห็นชอบให้เผยแพร่")

    class Meta:
        verbose_name = _("ผู้บังคับบัญชาของส่วนราชการให้ความเห็นชอบ")
        verbose_name_plural = _("ผู้บังคับบัญชาของส่วนราชการให้ความเห็นชอบ")

    @classmethod
    def get_description(cls):
        return _("ผู้บังคับบัญชาของส่วนราชการที่รับผิดชอบหน้านั้นพิจารณาให้ความเห็นชอบ")

    def is_reviewer(self, obj, user) -> bool:
        return rules.is_supervisor_of(user, rules.owning_division(obj))

    def reviewers(self, obj):
        division = rules.owning_division(obj)
        if division is None or division.supervisors_id is None:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(groups=division.supervisors_id, is_active=True)


class PublicationTask(ReviewTask):
    """Step 3: a web operator reviews the item; approving publishes it (or schedules it)."""

    approve_label = _("อนุมัติและเผยแพร่")

    class Meta:
        verbose_name = _("ผู้ปฏิบัติงานเผยแพร่ข้อมูลตรวจทานและเผยแพร่")
        verbose_name_plural = _("ผู้ปฏิบัติงานเผยแพร่ข้อมูลตรวจทานและเผยแพร่")

    @classmethod
    def get_description(cls):
        return _("ผู้ปฏิบัติงานเผยแพร่ข้อมูลตรวจทาน แล้วเผยแพร่ทันทีหรือตามเวลาที่กำหนด")

    def is_reviewer(self, obj, user) -> bool:
        return rules.is_web_operator_for(user, obj)

    def reviewers(self, obj):
        return get_user_model().objects.filter(
            groups__site_role__site_id=rules.site_id_of(obj),
            groups__site_role__role="web_operator",
            is_active=True,
        )
