from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _


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
