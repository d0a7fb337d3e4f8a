"""The four roles of the announcement.

Preparers and supervisors hold their role in a division: each division has its own two groups
(`services.ensure_division_groups`). The web operator and the IT administrator are site-wide
groups. All are Django groups, so the IT administrator assigns them in Wagtail's user screens.
"""

from django.utils.translation import gettext_lazy as _

PREPARER = "ผู้จัดทำข้อมูล"
SUPERVISOR = "ผู้บังคับบัญชา"
WEB_OPERATOR = "ผู้ปฏิบัติงานเผยแพร่ข้อมูล"
IT_ADMINISTRATOR = "ผู้ดูแลระบบสารสนเทศ"

ROLES = {
    "preparer": (PREPARER, _("จัดทำและตรวจสอบความถูกต้องของข้อมูล")),
    "supervisor": (SUPERVISOR, _("ให้ความเห็นชอบก่อนเผยแพร่")),
    "web_operator": (WEB_OPERATOR, _("ตรวจทานและนำข้อมูลขึ้นเผยแพร่")),
    "it_administrator": (IT_ADMINISTRATOR, _("สร้างบัญชีผู้ใช้และกำหนดสิทธิ์")),
}
# Roles held per division rather than site-wide.
DIVISION_ROLES = ("preparer", "supervisor")
