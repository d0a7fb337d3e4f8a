from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Page, Site

from . import services, staff_import
from .models import Division


class TOTPCodeForm(forms.Form):
    token = forms.CharField(
        label=_("รหัสยืนยัน 6 หลัก"),
        help_text=_("เปิดแอปยืนยันตัวตนในโทรศัพท์ แล้วกรอกรหัส 6 หลักที่แสดงอยู่ขณะนี้"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": "",
            }
        ),
        error_messages={"required": _("กรุณากรอกรหัสยืนยัน")},
    )

    def clean_token(self) -> str:
        # People copy codes as "123 456" from some apps.
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("รหัสยืนยันต้องเป็นตัวเลข 6 หลัก"), code="format")
        return token


class OwnPasswordForm(SetPasswordForm):
    """The password a person chooses at their first sign-in, replacing the one they were given."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "same_as_given": _("รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านที่ได้รับจากผู้ดูแลระบบ"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("รหัสผ่านใหม่")
        self.fields["new_password1"].help_text = password_validators_help_text_html()
        self.fields["new_password2"].label = _("ยืนยันรหัสผ่านใหม่")
        self.fields["new_password2"].help_text = _("กรอกรหัสผ่านใหม่อีกครั้งให้ตรงกัน")

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("new_password2")
        if password and not self.has_error("new_password2") and self.user.check_password(password):
            self.add_error(
                "new_password2",
                forms.ValidationError(self.error_messages["same_as_given"], code="same_as_given"),
            )
        return cleaned_data


class RefuseGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("เหตุผลที่ไม่ยืนยัน"),
        help_text=_("ผู้ขอและเจ้าของบัญชีจะได้รับอีเมลแจ้งเหตุผลนี้"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("กรุณาระบุเหตุผลที่ไม่ยืนยัน")},
    )


# --- Divisions -----------------------------------------------------------------------------


def section_candidates(site: Site, division: Division | None = None):
    """The pages of `site` a division may own: the home page, the announcement's categories
    and items below it, any page that has pages of its own, and whatever the division owns
    already. Single items (a news story, a document) are left out: they follow their section."""
    root = site.root_page
    wanted = Q(depth__lte=root.depth + 2) | Q(numchild__gt=0)
    if division is not None and division.pk:
        wanted |= Q(pk__in=division.sections.values("pk"))
    return Page.objects.filter(Q(path__startswith=root.path) & wanted).order_by("path")


class SectionsField(forms.ModelMultipleChoiceField):
    """The sections as a list of check boxes, each named by its place in the site
    ("ข่าวสาร › ข่าวจัดซื้อจัดจ้าง") and by the division that owns it now, if another."""

    widget = forms.CheckboxSelectMultiple

    def set_site(self, site: Site, division: Division | None, pages=None) -> None:
        """Offer `pages` (by default `section_candidates`) of `site`, for `division`."""
        self.queryset = section_candidates(site, division) if pages is None else pages
        pages = list(self.queryset)
        ancestors = Page.objects.filter(
            path__in={
                page.path[:end]
                for page in pages
                for end in range(Page.steplen, len(page.path), Page.steplen)
            }
        )
        self._titles = {page.path: page.title for page in [*pages, *ancestors]}
        self._root_path = site.root_page.path
        others = Division.sections.through.objects.filter(page__in=[page.pk for page in pages])
        if division is not None and division.pk:
            others = others.exclude(division=division)
        self._owners: dict[int, list[str]] = {}
        for page_id, name in others.values_list("page_id", "division__name"):
            self._owners.setdefault(page_id, []).append(name)

    def label_from_instance(self, page) -> str:
        steps = range(len(self._root_path) + Page.steplen, len(page.path) + 1, Page.steplen)
        names = [self._titles.get(page.path[:end], "…") for end in steps] or [page.title]
        label = " › ".join(names)
        if page.pk in self._owners:
            label += " " + _("(ปัจจุบัน: %(owners)s)") % {"owners": ", ".join(self._owners[page.pk])}
        return label


class DivisionForm(WagtailAdminModelForm):
    """A division of the municipality the view gave the instance (`instance.site`)."""

    sections = SectionsField(
        queryset=Page.objects.none(),
        required=False,
        label=_("ส่วนของเว็บไซต์ที่รับผิดชอบ"),
        help_text=_(
            "หน้าที่ส่วนราชการนี้ดูแล รวมถึงหน้าย่อยทั้งหมดภายใต้หน้านั้น "
            "หน้าย่อยที่เลือกให้ส่วนราชการอื่นจะเป็นของส่วนราชการนั้นแทน"
        ),
    )

    class Meta:
        model = Division
        fields = ["name", "code", "sort_order", "is_active", "sections"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = self.instance.site
        self.fields["sections"].set_site(self.site, self.instance)
        self.fields["is_active"].help_text = _(
            "ปิดใช้งานได้เมื่อโอนส่วนของเว็บไซต์ให้ส่วนราชการอื่น และถอนบทบาทของทุกคนในส่วนราชการนี้แล้ว"
        )

    def _clean_unique(self, field: str, message: str) -> str:
        value = self.cleaned_data[field]
        others = Division.objects.of_site(self.site).exclude(pk=self.instance.pk)
        if others.filter(**{f"{field}__iexact": value}).exists():
            raise forms.ValidationError(message % {"value": value}, code="unique")
        return value

    def clean_name(self) -> str:
        return self._clean_unique("name", _("เทศบาลนี้มีส่วนราชการชื่อ “%(value)s” อยู่แล้ว"))

    def clean_code(self) -> str:
        return self._clean_unique("code", _("เทศบาลนี้มีส่วนราชการรหัส “%(value)s” อยู่แล้ว"))

    def clean(self):
        cleaned_data = super().clean()
        sections = cleaned_data.get("sections")
        if sections is not None:
            try:
                services.check_sections_in_site(site=self.site, sections=sections)
            except ValidationError as error:
                self.add_error("sections", error)
        if cleaned_data.get("is_active") is False:
            try:
                services.check_may_deactivate(division=self.instance, sections=sections or ())
            except ValidationError as error:
                self.add_error("is_active", error)
        return cleaned_data


class HandOverForm(forms.Form):
    """Give some or all of a division's sections to another division of the municipality."""

    target = forms.ModelChoiceField(
        queryset=Division.objects.none(),
        label=_("โอนให้ส่วนราชการ"),
        empty_label=_("— เลือกส่วนราชการ —"),
    )
    sections = SectionsField(queryset=Page.objects.none(), label=_("ส่วนของเว็บไซต์ที่โอน"))

    def __init__(self, *args, source: Division, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["target"].queryset = (
            Division.objects.of_site(source.site_id).active().exclude(pk=source.pk)
        )
        self.fields["sections"].set_site(
            source.site, source, pages=source.sections.order_by("path")
        )
        self.fields["sections"].initial = list(source.sections.values_list("pk", flat=True))


# --- Staff accounts ------------------------------------------------------------------------


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์รายชื่อ (.csv หรือ .xlsx)"),
        help_text=_(
            "แถวแรกเป็นหัวคอลัมน์: ชื่อ, นามสกุล, อีเมล, ชื่อผู้ใช้ (เว้นว่างได้), ส่วนราชการ "
            "(ชื่อหรือรหัส), บทบาท ไม่เกิน %(rows)d แถว และไม่เกิน %(size)d กิโลไบต์"
        )
        % {"rows": staff_import.MAX_ROWS, "size": staff_import.MAX_FILE_BYTES // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": _("กรุณาเลือกไฟล์"), "empty": _("ไม่พบข้อมูลในไฟล์")},
    )

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            # Only the host's superusers choose: everyone else imports into their own.
            self.fields["site"] = forms.ModelChoiceField(
                queryset=sites, label=_("เทศบาล"), empty_label=_("— เลือกเทศบาล —")
            )
            self.order_fields(["site", "file"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.rows = staff_import.read_sheet(upload)
        except staff_import.SheetError as error:
            raise forms.ValidationError(error.message, code="sheet") from error
        return upload
