from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Division(models.Model):
    """A division (กอง/สำนัก) of the municipality: it owns sections of the site and its staff."""

    name = models.CharField(_("ชื่อส่วนราชการ"), max_length=200, unique=True)
    code = models.SlugField(
        _("รหัส"), max_length=50, unique=True, help_text=_("ตัวอักษรภาษาอังกฤษ เช่น finance")
    )
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("ส่วนราชการ")
        verbose_name_plural = _("ส่วนราชการ")

    def __str__(self) -> str:
        return self.name
