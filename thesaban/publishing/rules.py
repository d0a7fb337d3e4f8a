"""Who may act on which step of the three-step workflow (maker–checker).

Pure questions about people and evidence, shared by the task models (which hide actions a user
may not take), the finish action (which refuses to publish without three distinct people) and
the admin views. Every function answers with a Thai reason when the answer is no, so the same
text reaches the user whichever path they came by.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision, TaskState, WorkflowState

from thesaban.accounts.models import Division
from thesaban.accounts.roles import WEB_OPERATOR

ATTEST_ACTION = "thesaban.attest"
ATTESTATION_STATEMENT = "ตรวจสอบความถูกต้องของข้อมูลแล้ว"


def owning_division(obj) -> Division | None:
    """The division answerable for a page or a snippet.

    A page belongs to the division of its nearest owned ancestor; a snippet with a division
    (a person) to that division, and one without (an executive) to the division that owns the
    home page — usually สำนักปลัด.
    """
    if isinstance(obj, Page):
        return Division.objects.owning(obj)
    if getattr(obj, "division_id", None):
        return obj.division
    return home_division()


def home_division() -> Division | None:
    """The division that owns the default site's home page (what has no division of its own)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return Division.objects.owning(site.root_page) if site else None


def is_preparer_of(user: AbstractBaseUser, division: Division | None) -> bool:
    if division is None or division.preparers_id is None:
        return False
    return _in_group(user, division.preparers_id)


def is_supervisor_of(user: AbstractBaseUser, division: Division | None) -> bool:
    if division is None or division.supervisors_id is None:
        return False
    return _in_group(user, division.supervisors_id)


def is_web_operator(user: AbstractBaseUser) -> bool:
    return user.is_active and WEB_OPERATOR in _groups(user).values()


def _in_group(user: AbstractBaseUser, group_id: int) -> bool:
    return user.is_active and group_id in _groups(user)


def _groups(user: AbstractBaseUser) -> dict[int, str]:
    # Asked once per request and kept on the user object: an action menu, a dashboard of
    # waiting items or a notification asks the same question many times.
    if "_thesaban_groups" not in user.__dict__:
        user.__dict__["_thesaban_groups"] = dict(user.groups.values_list("id", "name"))
    return user.__dict__["_thesaban_groups"]


def may_edit_for(user: AbstractBaseUser, division: Division | None) -> bool:
    """Whether `user` may change a snippet (a person) that `division` answers for.

    As with pages: the division's preparers and supervisors (whose corrections are new
    revisions they cannot approve), the web operators, who may correct anything they review,
    and superusers.
    """
    if user.is_superuser or is_web_operator(user):
        return True
    return is_preparer_of(user, division) or is_supervisor_of(user, division)


def editing_refusal(user: AbstractBaseUser, obj) -> str | None:
    """Why `user` may not change the snippet `obj` at all (None if they may).

    Wagtail's model permission lets every division's staff change every person; a person's
    details are their division's to keep.
    """
    division = owning_division(obj)
    if may_edit_for(user, division):
        return None
    if division is None:
        return _("รายการนี้ยังไม่ได้กำหนดส่วนราชการที่รับผิดชอบ จึงแก้ไขได้เฉพาะผู้ปฏิบัติงานเผยแพร่ข้อมูล")
    return _(
        "รายการนี้อยู่ในความรับผิดชอบของ%(division)s "
        "เฉพาะผู้จัดทำข้อมูลหรือผู้บังคับบัญชาของ%(division)s เท่านั้นที่แก้ไขได้"
    ) % {"division": division.name}


def submission_refusal(user: AbstractBaseUser, obj) -> str | None:
    """Why `user` may not submit `obj` (a page or a snippet) for approval (None if they may)."""
    if user.is_superuser:
        return None
    division = owning_division(obj)
    if division is None:
        return _("รายการนี้ยังไม่ได้กำหนดส่วนราชการที่รับผิดชอบ จึงส่งขออนุมัติไม่ได้")
    if not is_preparer_of(user, division):
        return _("เฉพาะผู้จัดทำข้อมูลของ%(division)s เท่านั้นที่ส่งขออนุมัติเผยแพร่รายการนี้ได้") % {
            "division": division.name
        }
    return None


def approval_refusal(
    user: AbstractBaseUser, task_state: TaskState, *, reviewer: bool
) -> str | None:
    """Why `user` may not approve (or reject) `task_state` (None if they may).

    `reviewer` says whether the user belongs to the people of this step at all (the division's
    supervisors for step 2, the web operators for step 3); the rest is maker–checker.
    """
    workflow_state = task_state.workflow_state
    if workflow_state.status != WorkflowState.STATUS_IN_PROGRESS or (
        task_state.status != TaskState.STATUS_IN_PROGRESS
    ):
        return _("รายการนี้ไม่ได้อยู่ระหว่างรอการพิจารณาในขั้นตอนนี้แล้ว (อาจถูกยกเลิกหรือพิจารณาไปแล้ว)")
    if not reviewer:
        return _("คุณไม่ได้เป็นผู้มีหน้าที่พิจารณาในขั้นตอนนี้")
    if user.pk == workflow_state.requested_by_id:
        return _("ผู้ส่งขออนุมัติไม่สามารถอนุมัติรายการของตนเองได้")
    revision: Revision = task_state.revision
    if revision is not None and revision.user_id == user.pk:
        return _("ผู้ที่แก้ไขฉบับนี้ไม่สามารถอนุมัติฉบับที่ตนเองแก้ไขได้")
    already = (
        TaskState.objects.filter(
            workflow_state=workflow_state,
            revision_id=task_state.revision_id,
            status=TaskState.STATUS_APPROVED,
            finished_by=user,
        )
        .exclude(pk=task_state.pk)
        .exists()
    )
    if already:
        return _("คุณอนุมัติรายการนี้ในขั้นตอนก่อนหน้าแล้ว ต้องให้บุคคลอื่นพิจารณาขั้นตอนนี้")
    return None
