"""The roles of the announcement, and the one the municipality adds to guard them.

Preparers and supervisors hold their role in a division: each division has its own two groups
(`services.ensure_division_groups`). The other roles are held for a whole municipality: each
site has its own group for each (`models.SiteRole`, `services.ensure_role_groups`). All are
Django groups, so the IT administrator assigns them in Wagtail's user screens.
"""

from django.utils.translation import gettext_lazy as _

PREPARER = "ผู้จัดทำข้อมูล"
SUPERVISOR = "ผู้บังคับบัญชา"
WEB_OPERATOR = "ผู้ปฏิบัติงานเผยแพร่ข้อมูล"
IT_ADMINISTRATOR = "ผู้ดูแลระบบสารสนเทศ"
# Usually the municipal clerk (ปลัดเทศบาล): confirms grants of approval or publication rights,
# so that the IT administrator alone cannot make anyone a supervisor or a web operator.
GRANT_CONFIRMER = "ผู้ยืนยันการให้สิทธิ์"

ROLES = {
    "preparer": (PREPARER, _("จัดทำและตรวจสอบความถูกต้องของข้อมูล")),
    "supervisor": (SUPERVISOR, _("ให้ความเห็นชอบก่อนเผยแพร่")),
    "web_operator": (WEB_OPERATOR, _("ตรวจทานและนำข้อมูลขึ้นเผยแพร่")),
    "it_administrator": (IT_ADMINISTRATOR, _("สร้างบัญชีผู้ใช้และกำหนดสิทธิ์")),
    "grant_confirmer": (GRANT_CONFIRMER, _("ยืนยันการให้สิทธิ์อนุมัติและเผยแพร่")),
}
# Roles held per division rather than for the whole municipality.
DIVISION_ROLES = ("preparer", "supervisor")
SITE_ROLES = tuple(key for key in ROLES if key not in DIVISION_ROLES)
