"""The four roles of the announcement, as Django group names.

Stored as groups so the IT administrator assigns them in Wagtail's own user screens. The
three-step workflow (issue #3) narrows what each may do; this module only names them.
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
