"""The page form's share of the workflow: the preparer's attestation at submission."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.forms import TaskStateCommentForm
from wagtail.models import Site

from thesaban.accounts import access
from thesaban.core.slugs import ThaiSlugPageForm

from . import rules

# The edit view's buttons that start (or restart) the workflow.
SUBMIT_ACTIONS = ("action-submit", "action-restart-workflow")


class AttestationCheckbox(forms.CheckboxInput):
    """Read like a checkbox, drawn elsewhere.

    The visible checkbox sits beside the "submit" button in the editor's action menu
    (`publishing/submit_menu_item.html`); Wagtail would otherwise also draw this field, bare
    and unlabelled, after the panels.
    """

    def render(self, name, value, attrs=None, renderer=None) -> str:
        return ""


class AttestationMixin(forms.Form):
    """Submitting needs the preparer's role in the owning division and their attestation."""

    attest = forms.BooleanField(
        required=False, label=_(rules.ATTESTATION_STATEMENT), widget=AttestationCheckbox
    )

    @property
    def is_submitting(self) -> bool:
        return any(self.data.get(name) for name in SUBMIT_ACTIONS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Django compares a field with a callable default (a news item's date: today)
            # against a hidden "initial-" input that Wagtail's panels never render, so the
            # field always looks changed. Under the workflow a phantom change is a new
            # revision by the reviewer, who then may not approve it.
            field.show_hidden_initial = False

    def owner_object(self):
        return self.instance

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_submitting:
            return cleaned_data
        obj = self.owner_object()
        refusal = rules.submission_refusal(self.for_user, obj) if obj is not None else None
        if refusal:
            self.add_error(None, refusal)
        elif not cleaned_data.get("attest"):
            self.add_error(
                None,
                _("กรุณายืนยันว่า “ตรวจสอบความถูกต้องของข้อมูลแล้ว” ก่อนส่งขออนุมัติเผยแพร่ (ข้อมูลที่กรอกไว้ยังอยู่ครบ)"),
            )
        return cleaned_data


class PublishingPageForm(AttestationMixin, ThaiSlugPageForm):
    """Base form of every page type."""

    def owner_object(self):
        # A new page's owner is decided by its parent, an existing page's by itself.
        return self.instance if self.instance.pk else self.parent_page


class PublishingSnippetForm(AttestationMixin, WagtailAdminModelForm):
    """Base form of snippets that are published content (people)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new item belongs to the municipality of the person creating it (the host's
        # superusers, who belong to none, create for the default site).
        if not self.instance.site_id:
            site_id = access.site_id_of(self.for_user) or (
                Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
            )
            self.instance.site_id = site_id

    def clean(self):
        cleaned_data = super().clean()
        # Whoever may open the item (workflow_hooks) may still not hand it, or a new one, to
        # a division they do not work for: it would then be that division's to approve.
        if "division" in self.fields and "division" in cleaned_data:
            division = cleaned_data["division"] or rules.home_division(self.instance.site_id)
            if not rules.may_edit_for(self.for_user, division, self.instance):
                self.add_error(
                    "division",
                    _("เลือกได้เฉพาะส่วนราชการที่คุณรับผิดชอบ (เป็นผู้จัดทำข้อมูลหรือผู้บังคับบัญชา)"),
                )
        return cleaned_data


class RequestChangesForm(TaskStateCommentForm):
    """Asking for changes must say what to change."""

    comment = forms.CharField(
        label=_("สิ่งที่ต้องแก้ไข"),
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("กรุณาระบุสิ่งที่ต้องแก้ไข")},
    )
