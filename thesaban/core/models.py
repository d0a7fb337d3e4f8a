from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image

from .page_cache import remember


class SiteImage(AbstractImage):
    """An image whose alternative text is required (WCAG 2.1 SC 1.1.1).

    Wagtail uses `description` as the default alt text; here it may not be left empty, so
    every image shown on the public site says what it shows to a screen reader.
    """

    description = models.CharField(
        _("ข้อความแทนภาพ (alt text)"),
        max_length=255,
        help_text=_("บอกสิ่งที่ภาพแสดง สำหรับผู้ใช้โปรแกรมอ่านหน้าจอ เช่น “นายกเทศมนตรีมอบถุงยังชีพ”"),
    )

    admin_form_fields = (*Image.admin_form_fields,)

    class Meta(AbstractImage.Meta):
        verbose_name = _("รูปภาพ")
        verbose_name_plural = _("รูปภาพ")


class SiteRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class SiteDocument(AbstractDocument):
    """A file published on the site, with a description a citizen can read before opening it."""

    description = models.TextField(_("คำอธิบาย"), blank=True)

    admin_form_fields = (*Document.admin_form_fields, "description")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("เอกสาร")
        verbose_name_plural = _("เอกสาร")


class Holiday(models.Model):
    """A public holiday (วันหยุดราชการ): not a working day when the site check counts how long
    an item has waited in the workflow (`working_days`).

    Fixed-date holidays of 2569–2570 ship with the software (migration 0004); holidays set by
    the lunar calendar and substitute days the cabinet announces are added by staff.
    """

    date = models.DateField(_("วันที่"), unique=True)
    name = models.CharField(_("ชื่อวันหยุด"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("วันหยุดราชการ")
        verbose_name_plural = _("วันหยุดราชการ")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


@register_setting(icon="home")
class MunicipalitySettings(BaseSiteSetting):
    """Who the municipality is and how to reach it: shown in the header, footer and contact page.

    ITA/OIT item O3 asks for address, phone, e-mail, a map and at least one social channel.
    """

    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=200, default="เทศบาล")
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)
    emblem = models.ForeignKey(
        SiteImage,
        verbose_name=_("ตราสัญลักษณ์"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.TextField(_("ที่อยู่"), blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=100, blank=True)
    fax = models.CharField(_("โทรสาร"), max_length=100, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    office_hours = models.CharField(_("เวลาทำการ"), max_length=200, blank=True)
    facebook_url = models.URLField(_("เฟซบุ๊ก"), blank=True)
    line_id = models.CharField(_("LINE"), max_length=100, blank=True)
    map_url = models.URLField(_("ลิงก์แผนที่"), blank=True, help_text=_("ลิงก์ไปยังแผนที่ออนไลน์ของสำนักงาน"))
    latitude = models.DecimalField(
        _("ละติจูด"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("ลองจิจูด"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("emblem")], _("หน่วยงาน")
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("fax"),
                FieldPanel("email"),
                FieldPanel("office_hours"),
            ],
            _("การติดต่อ"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("line_id"),
                FieldPanel("map_url"),
                FieldPanel("latitude"),
                FieldPanel("longitude"),
            ],
            _("ช่องทางออนไลน์และแผนที่"),
        ),
    ]

    class Meta:
        verbose_name = _("ข้อมูลหน่วยงาน")

    @classmethod
    def for_site(cls, site):
        # Every public page shows these details: read them once per publication, not per view.
        parent = super()
        return remember(f"settings:{cls._meta.label}:{site.pk}", lambda: parent.for_site(site))
