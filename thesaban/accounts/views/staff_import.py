"""นำเข้าบัญชีผู้ใช้จากไฟล์: the IT administrator's import of a sheet of new staff accounts.

Upload, preview, confirm. The upload is read and every row checked (`staff_import`); the
preview shows each row with what is wrong with it, in Thai, and saves nothing. Only a sheet
with no wrong row can be confirmed: its rows travel signed in the confirmation form (for
half an hour, for the person who uploaded it), are checked again, and are created in one
transaction (`services.import_staff_accounts`), each person mailed a first-login link.
"""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .. import access, services
from .. import staff_import as sheets
from ..forms import StaffImportForm
from ..models import RoleGrant
from .sites import chosen_site

_SIGNING_SALT = "thesaban.accounts.staff_import"
_CONFIRM_SECONDS = 30 * 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_import(user) -> bool:
    return access.manages_accounts(user)


class ImportView(WagtailAdminTemplateMixin, View):
    template_name = "accounts/users/import.html"
    page_title = gettext_lazy("นำเข้าบัญชีผู้ใช้จากไฟล์")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": _("ผู้ใช้")},
            {"url": "", "label": self.get_page_title()},
        ]

    def _sites(self):
        if access.is_host_administrator(self.request.user):
            return access.sites_managed_by(self.request.user).order_by("hostname")
        return None

    def _render(self, **context):
        context.setdefault("form", StaffImportForm(sites=self._sites()))
        site = context.get("site") or chosen_site(self.request)
        template_url = reverse("wagtailusers_users:import_template")
        if access.is_host_administrator(self.request.user) and site is not None:
            template_url += f"?site={site.pk}"
        return TemplateResponse(
            self.request,
            self.template_name,
            self.get_context_data(
                template_url=template_url,
                max_rows=sheets.MAX_ROWS,
                role_names=sheets.role_names(),
                **context,
            ),
        )

    def get(self, request, *args, **kwargs):
        return self._render()

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self._confirm()
        form = StaffImportForm(request.POST, request.FILES, sites=self._sites())
        if not form.is_valid():
            return self._render(form=form)
        site = form.cleaned_data.get("site") or access.site_of(request.user)
        return self._preview(site, form.rows)

    def _preview(self, site, sheet_rows, *, checked=None):
        checked = checked if checked is not None else sheets.check_rows(sheet_rows, site)
        wrong = sum(bool(row.errors) for row in checked)
        token = None
        if not wrong:
            token = signing.dumps(
                {
                    "site": site.pk,
                    "by": self.request.user.pk,
                    # The usernames made from e-mails are fixed now: what is confirmed is
                    # what was previewed, or nothing.
                    "rows": [
                        [row.line, {**row.cells, sheets.USERNAME: checked_row.username}]
                        for row, checked_row in zip(sheet_rows, checked, strict=True)
                    ],
                },
                salt=_SIGNING_SALT,
                compress=True,
            )
        return self._render(site=site, rows=checked, wrong=wrong, token=token)

    def _confirm(self):
        request = self.request
        try:
            data = signing.loads(
                request.POST["token"], salt=_SIGNING_SALT, max_age=_CONFIRM_SECONDS
            )
        except signing.BadSignature:
            data = None
        site = None
        if data is not None and data.get("by") == request.user.pk:
            site = access.sites_managed_by(request.user).filter(pk=data.get("site")).first()
        if site is None:
            messages.error(request, _("หมดเวลายืนยันการนำเข้า กรุณาอัปโหลดไฟล์อีกครั้ง"))
            return self._render()
        sheet_rows = [sheets.SheetRow(line=line, cells=cells) for line, cells in data["rows"]]
        checked = sheets.check_rows(sheet_rows, site)
        try:
            created = services.import_staff_accounts(rows=checked, site=site, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self._preview(site, sheet_rows, checked=checked)
        messages.success(
            request,
            _("สร้างบัญชีผู้ใช้ %(count)d บัญชีแล้ว ระบบส่งอีเมลให้แต่ละคนตั้งรหัสผ่านของตนเอง")
            % {"count": len(created)},
        )
        waiting = RoleGrant.objects.pending().filter(account__in=created)
        if waiting.exists():
            messages.warning(
                request,
                _(
                    "%(count)d บัญชีมีบทบาทที่รอการยืนยันจากบุคคลที่สอง "
                    "(ผู้ยืนยันการให้สิทธิ์หรือผู้ดูแลระบบสูงสุด) บทบาทนั้นยังไม่มีผลจนกว่าจะยืนยัน"
                )
                % {"count": waiting.values("account").distinct().count()},
            )
        return redirect("wagtailusers_users:index")


def import_template(request) -> HttpResponse:
    """An empty sheet to fill in, with the municipality's divisions and the roles beside it."""
    if not may_import(request.user):
        raise PermissionDenied
    site = chosen_site(request)
    response = HttpResponse(sheets.template_xlsx(site), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _("แบบฟอร์มนำเข้าบัญชีผู้ใช้.xlsx"))
    return response
