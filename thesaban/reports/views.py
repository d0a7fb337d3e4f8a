"""The annual report in the Wagtail admin (Reports → รายงานผลการดำเนินงานประจำปี) and the
register of problems, obstacles and suggestions. Who may do what: `services`, `permissions`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet

from thesaban.core.thai_dates import fiscal_year_label, format_thai_date, format_thai_datetime

from . import rendering, services
from .forms import FinalWordingForm, ProblemReportForm
from .models import AnnualReport, ProblemReport
from .permissions import ProblemReportPermissionPolicy
from .sections import ReportPeriod

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The annual report -------------------------------------------------------------------------
def _require_viewer(request: HttpRequest) -> None:
    if not services.can_view_annual_reports(request.user):
        raise PermissionDenied


def _fiscal_year_or_404(fiscal_year: int) -> int:
    if fiscal_year not in services.offered_fiscal_years():
        raise Http404(_("ไม่มีรายงานของปีงบประมาณนี้"))
    return fiscal_year


def _report(fiscal_year: int) -> AnnualReport:
    """The year's report; an unsaved draft when nobody has worded or approved it yet."""
    return AnnualReport.objects.filter(fiscal_year=fiscal_year).first() or AnnualReport(
        fiscal_year=fiscal_year
    )


class AnnualReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return services.can_view_annual_reports(request.user)


class AnnualReportIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/index.html"
    page_title = gettext_lazy("รายงานผลการดำเนินงานประจำปี")
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        _require_viewer(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = {report.fiscal_year: report for report in AnnualReport.objects.all()}
        now = timezone.now()
        rows = []
        for year in services.offered_fiscal_years():
            report = reports.get(year)
            if report is not None and report.is_approved:
                state = "approved"
            elif ReportPeriod.of(year).end_moment <= now:
                state = "awaiting_approval"
            else:
                state = "year_in_progress"
            rows.append(
                {
                    "fiscal_year": year,
                    "label": fiscal_year_label(year),
                    "state": state,
                    "approved_on": format_thai_date(report.approved_at)
                    if report is not None and report.approved_at
                    else "",
                    "on_site": report is not None and report.site_page_id is not None,
                    "register_entries": ProblemReport.objects.in_fiscal_year(year).count(),
                }
            )
        context["rows"] = rows
        return context


class AnnualReportDetailView(WagtailAdminTemplateMixin, TemplateView):
    """One year's report: status, buttons, the supervisor's wording and the preview."""

    template_name = "reports/admin/detail.html"
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        _require_viewer(request)
        self.fiscal_year = _fiscal_year_or_404(kwargs["fiscal_year"])
        self.report = _report(self.fiscal_year)
        self.can_approve = services.can_approve_annual_report(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("รายงานผลการดำเนินงานประจำปี")

    def get_page_subtitle(self):
        return fiscal_year_label(self.fiscal_year)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reports_annual:index"), "label": _("รายงานผลการดำเนินงานประจำปี")},
            {"url": "", "label": fiscal_year_label(self.fiscal_year)},
        ]

    def _wording_form(self, data=None) -> FinalWordingForm | None:
        if not self.can_approve or self.report.is_approved:
            return None
        return FinalWordingForm(data, instance=self.report)

    def post(self, request, *args, **kwargs):
        form = self._wording_form(request.POST)
        if form is None:
            raise PermissionDenied
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        report = services.get_or_create_report(fiscal_year=self.fiscal_year)
        try:
            services.save_final_wording(report=report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("บันทึกถ้อยคำในรายงานแล้ว"))
        return redirect("reports_annual:detail", self.fiscal_year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.report, self.request.user
        period_ended = ReportPeriod.of(self.fiscal_year).end_moment <= timezone.now()
        context.update(
            report=report,
            fiscal_year=self.fiscal_year,
            form=kwargs.get("form") or self._wording_form(),
            approved_on=format_thai_datetime(report.approved_at),
            approved_by=services.display_name(report.approved_by) if report.approved_by else "",
            can_approve=self.can_approve and not report.is_approved and period_ended,
            approval_waits_for_year_end=self.can_approve
            and not report.is_approved
            and not period_ended,
            can_send=report.is_approved
            and report.site_page_id is None
            and services.can_send_annual_report_to_site(user),
            site_page=report.site_page,
        )
        return context


def _links(fiscal_year: int) -> list[tuple[str, str]]:
    return [
        (_("ดาวน์โหลด PDF"), reverse("reports_annual:pdf", args=[fiscal_year])),
        (_("ดาวน์โหลด XLSX"), reverse("reports_annual:xlsx", args=[fiscal_year])),
    ]


@never_cache
@xframe_options_sameorigin  # shown in an iframe on the report's own screen
def preview(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _require_viewer(request)
    report = _report(_fiscal_year_or_404(fiscal_year))
    snapshot = services.report_snapshot(report)
    return HttpResponse(rendering.render_html(snapshot, links=_links(fiscal_year)))


def _filename(report: AnnualReport, extension: str) -> str:
    draft = "" if report.is_approved else "-draft"
    return f"annual-report-{report.fiscal_year}{draft}.{extension}"


@never_cache
def download_pdf(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _require_viewer(request)
    report = _report(_fiscal_year_or_404(fiscal_year))
    response = HttpResponse(
        rendering.render_pdf(services.report_snapshot(report)), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(True, _filename(report, "pdf"))
    return response


@never_cache
def download_xlsx(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _require_viewer(request)
    report = _report(_fiscal_year_or_404(fiscal_year))
    response = HttpResponse(
        rendering.render_xlsx(services.report_snapshot(report)), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, _filename(report, "xlsx"))
    return response


@require_POST
def approve(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _require_viewer(request)
    _fiscal_year_or_404(fiscal_year)
    if not services.can_approve_annual_report(request.user):
        raise PermissionDenied
    report = services.get_or_create_report(fiscal_year=fiscal_year)
    try:
        services.approve_report(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("อนุมัติรายงานแล้ว รายงานฉบับนี้จะไม่เปลี่ยนแปลงอีก"))
    return redirect("reports_annual:detail", fiscal_year)


@require_POST
def send_to_site(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _require_viewer(request)
    _fiscal_year_or_404(fiscal_year)
    report = AnnualReport.objects.filter(fiscal_year=fiscal_year).first()
    if report is None:
        raise Http404
    try:
        page = services.publish_report_to_site(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports_annual:detail", fiscal_year)
    messages.success(
        request,
        _("สร้างฉบับร่างบนเว็บไซต์แล้ว ผู้จัดทำข้อมูลของส่วนราชการที่รับผิดชอบส่งขออนุญาตเผยแพร่ตามขั้นตอนปกติ"),
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


# --- The register of problems, obstacles and suggestions ---------------------------------------
class ProblemReportCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.recorded_by = self.request.user
        return super().save_instance()


class _OwnDivisionsMixin:
    def get_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change"]
        )


class ProblemReportEditView(_OwnDivisionsMixin, generic.EditView):
    pass


class ProblemReportDeleteView(_OwnDivisionsMixin, generic.DeleteView):
    pass


class ProblemReportHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change"]
        )


class ProblemReportIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            self.permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["view"]
            )
            .select_related("division")
            .order_by("-date", "-pk")
        )


def problem_report_policy() -> ProblemReportPermissionPolicy:
    return ProblemReportPermissionPolicy(ProblemReport)


class ProblemReportViewSet(ModelViewSet):
    model = ProblemReport
    name = "problem_reports"
    url_prefix = "reports/problems"
    icon = "warning"
    menu_label = gettext_lazy("ปัญหา อุปสรรค และข้อเสนอแนะ")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ProblemReportIndexView
    add_view_class = ProblemReportCreateView
    edit_view_class = ProblemReportEditView
    delete_view_class = ProblemReportDeleteView
    history_view_class = ProblemReportHistoryView
    list_display = [
        "text",
        Column("kind", label=gettext_lazy("ประเภท"), accessor="get_kind_display"),
        "division",
        Column(
            "date",
            label=gettext_lazy("วันที่"),
            accessor=lambda entry: format_thai_date(entry.date),
        ),
    ]
    list_filter = ["kind", "division"]
    search_fields = ["text"]
    list_per_page = 50
    edit_handler = ObjectList(
        [FieldPanel("division"), FieldPanel("date"), FieldPanel("kind"), FieldPanel("text")],
        base_form_class=ProblemReportForm,
    )
