"""Who may act on which step of the three-step workflow (maker–checker).

Pure questions about people and evidence, shared by the task models (which hide actions a user
may not take), the finish action (which refuses to publish without three distinct people) and
the admin views. Every function answers with a Thai reason when the answer is no, so the same
text reaches the user whichever path they came by.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision, Site, TaskState, WorkflowState

from thesaban.accounts import access
from thesaban.accounts.access import is_preparer_of, is_supervisor_of
from thesaban.accounts.models import Division

__all__ = ["is_preparer_of", "is_supervisor_of"]

ATTEST_ACTION = "thesaban.attest"
ATTESTATION_STATEMENT = "ตรวจสอบความถูกต้องของข้อมูลแล้ว"


def owning_division(obj) -> Division | None:
    """The division answerable for a page or a snippet.

    A page belongs to the division of its nearest owned ancestor; a snippet with a division
    (a person) to that division, and one without (an executive) to the division that owns its
    municipality's home page — usually สำนักปลัด.
    """
    if isinstance(obj, Page):
        return Division.objects.owning(obj)
    if getattr(obj, "division_id", None):
        return obj.division
    return home_division(site_id_of(obj))


def home_division(site: Site | int | None) -> Division | None:
    """The division that owns `site`'s home page (what has no division of its own)."""
    if site is None:
        return None
    site = site if isinstance(site, Site) else Site.objects.filter(pk=site).first()
    return Division.objects.of_site(site).owning(site.root_page) if site else None


def site_id_of(obj) -> int | None:
    """The municipality a page or a site-scoped record belongs to."""
    if isinstance(obj, Page):
        return access.site_id_of_page(obj)
    return getattr(obj, "site_id", None)


def is_web_operator_for(user: AbstractBaseUser, obj) -> bool:
    """A web operator of the municipality `obj` belongs to."""
    return access.is_web_operator(user, site_id_of(obj))


def may_edit_for(user: AbstractBaseUser, division: Division | None, obj=None) -> bool:
    """Whether `user` may change a snippet (a person) that `division` answers for.

    As with pages: the division's preparers and supervisors (whose corrections are new
    revisions they cannot approve), the web operators of its municipality, who may correct
    anything they review, and superusers.
    """
    if division is None:
        return access.oversees(user, site_id_of(obj) if obj is not None else None)
    return access.may_act_for(user, division)


def editing_refusal(user: AbstractBaseUser, obj) -> str | None:
    """Why `user` may not change the snippet `obj` at all (None if they may).

    Wagtail's model permission lets every division's staff change every person; a person's
    details are their division's to keep.
    """
    division = owning_division(obj)
    if may_edit_for(user, division, obj):
        return None
    if division is None:
        return _("รายการนี้ยังไม่ได้กำหนดส่วนราชการที่รับผิดชอบ จึงแก้ไขได้เฉพาะผู้ปฏิบัติงานเผยแพร่ข้อมูล")
    return _(
        "รายการนี้อยู่ในความรับผิดชอบของ%(division)s "
        "เฉพาะผู้จัดทำข้อมูลหรือผู้บังคับบัญชาของ%(division)s เท่านั้นที่แก้ไขได้"
    ) % {"division": division.name}


def submission_refusal(user: AbstractBaseUser, obj) -> str | None:
    """Why `user` may not submit `obj` (a page or a snippet) for approval (None if they may)."""
    if user.is_superuser and access.may_see_site(user, site_id_of(obj)):
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
