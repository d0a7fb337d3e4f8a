"""The annual report in the Wagtail admin (Reports → รายงานผลการดำเนินงานประจำปี) and the
register of problems, obstacles and suggestions. Who may do what: `services`, `permissions`.

Every screen is one municipality's: the person's own (`accounts.access.site_of`). The host's
superusers, who belong to none, choose one with `?site=<id>` (the list offers the choice);
anyone else asking for another municipality's is answered 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
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
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site

from thesaban.accounts import access
from thesaban.core.thai_dates import fiscal_year_label, format_thai_date, format_thai_datetime

from . import rendering, services
from .forms import FinalWordingForm, ProblemReportFilterSet, ProblemReportForm
from .models import AnnualReport, ProblemReport
from .permissions import ProblemReportPermissionPolicy
from .sections import ReportPeriod

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The annual report -------------------------------------------------------------------------
def _own_or_first_site(user) -> Site | None:
    """The municipality a screen shows when none is asked for: the person's own; for the
    host, the default site (else the first)."""
    site = access.site_of(user)
    if site is None and access.is_host_administrator(user):
        sites = access.sites_for(user).select_related("root_page")
        site = sites.filter(is_default_site=True).first() or sites.order_by("pk").first()
    return site


def _site(request: HttpRequest) -> Site:
    """The municipality of the request (see the module docstring); 403 for those who may not
    see the annual report at all, 404 for another municipality's."""
    asked = request.GET.get("site")
    if asked is None:
        site = _own_or_first_site(request.user)
    else:
        # Not a number, or too large for the database's integer: no such municipality.
        pk = int(asked) if asked.isdigit() and len(asked) <= 9 else None
        site = Site.objects.filter(pk=pk).first() if pk is not None else None
        if site is None or not access.may_see_site(request.user, site):
            raise Http404(_("ไม่พบเทศบาลนี้"))
    if site is None or not services.can_view_annual_reports(request.user, site):
        raise PermissionDenied
    return site


def _url(name: str, site: Site, *args) -> str:
    """An admin URL of the report of `site`, which names it (so the host's choice sticks)."""
    return f"{reverse(f'reports_annual:{name}', args=args)}?site={site.pk}"


def _fiscal_year_or_404(site: Site, fiscal_year: int) -> int:
    if fiscal_year not in services.offered_fiscal_years(site):
        raise Http404(_("ไม่มีรายงานของปีงบประมาณนี้"))
    return fiscal_year


def _report(site: Site, fiscal_year: int) -> AnnualReport:
    """The year's report; an unsaved draft when nobody has worded or approved it yet."""
    return AnnualReport.objects.of_site(site).filter(
        fiscal_year=fiscal_year
    ).first() or AnnualReport(site=site, fiscal_year=fiscal_year)


class AnnualReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        site = _own_or_first_site(request.user)
        return site is not None and services.can_view_annual_reports(request.user, site)


class _SiteMixin:
    def dispatch(self, request, *args, **kwargs):
        self.site = _site(request)
        self.prepare(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, **kwargs) -> None:
        """What the view reads of the municipality's report before it answers."""

    @cached_property
    def choosing_site(self) -> bool:
        """The host sees which municipality this is, and may change it."""
        return access.is_host_administrator(self.request.user)

    @cached_property
    def site_label(self) -> str:
        """The municipality's name in the header, for the host only (staff know their own)."""
        return services.municipality_label(self.site) if self.choosing_site else ""


class AnnualReportIndexView(_SiteMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/index.html"
    page_title = gettext_lazy("รายงานผลการดำเนินงานประจำปี")
    header_icon = "doc-full-inverse"

    def get_page_subtitle(self):
        return self.site_label

    def get_breadcrumbs_items(self):
        label = f"{self.page_title} · {self.site_label}" if self.site_label else self.page_title
        return [*self.breadcrumbs_items, {"url": "", "label": label}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = self.site
        reports = {report.fiscal_year: report for report in AnnualReport.objects.of_site(site)}
        register = ProblemReport.objects.of_site(site)
        now = timezone.now()
        rows = []
        for year in services.offered_fiscal_years(site):
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
                    "url": _url("detail", site, year),
                    "label": fiscal_year_label(year),
                    "state": state,
                    "approved_on": format_thai_date(report.approved_at)
                    if report is not None and report.approved_at
                    else "",
                    "on_site": report is not None and report.site_page_id is not None,
                    "register_entries": register.in_fiscal_year(year).count(),
                }
            )
        context["rows"] = rows
        if self.choosing_site:
            context["site_choices"] = [
                (choice.pk, services.municipality_label(choice), choice.pk == site.pk)
                for choice in access.sites_for(self.request.user).order_by("pk")
            ]
        return context


class AnnualReportDetailView(_SiteMixin, WagtailAdminTemplateMixin, TemplateView):
    """One year's report: status, buttons, the supervisor's wording and the preview."""

    template_name = "reports/admin/detail.html"
    header_icon = "doc-full-inverse"

    def prepare(self, **kwargs) -> None:
        self.fiscal_year = _fiscal_year_or_404(self.site, kwargs["fiscal_year"])
        self.report = _report(self.site, self.fiscal_year)
        self.can_approve = services.can_approve_annual_report(self.request.user, self.site)

    def get_page_title(self):
        return _("รายงานผลการดำเนินงานประจำปี")

    def get_page_subtitle(self):
        label = fiscal_year_label(self.fiscal_year)
        return f"{label} · {self.site_label}" if self.site_label else label

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("index", self.site), "label": _("รายงานผลการดำเนินงานประจำปี")},
            {"url": "", "label": self.get_page_subtitle()},
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
        report = services.get_or_create_report(site=self.site, fiscal_year=self.fiscal_year)
        try:
            services.save_final_wording(report=report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("บันทึกถ้อยคำในรายงานแล้ว"))
        return redirect(_url("detail", self.site, self.fiscal_year))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user, site, year = self.report, self.request.user, self.site, self.fiscal_year
        period_ended = ReportPeriod.of(year).end_moment <= timezone.now()
        context.update(
            report=report,
            fiscal_year=year,
            form=kwargs.get("form") or self._wording_form(),
            approved_on=format_thai_datetime(report.approved_at),
            approved_by=services.display_name(report.approved_by) if report.approved_by else "",
            can_approve=self.can_approve and not report.is_approved and period_ended,
            approval_waits_for_year_end=self.can_approve
            and not report.is_approved
            and not period_ended,
            can_send=report.is_approved
            and report.site_page_id is None
            and services.can_send_annual_report_to_site(user, site),
            site_page=report.site_page,
            urls={
                name: _url(name, site, year)
                for name in ("detail", "preview", "pdf", "xlsx", "approve", "send_to_site")
            },
        )
        return context


def _links(site: Site, fiscal_year: int) -> list[tuple[str, str]]:
    return [
        (_("ดาวน์โหลด PDF"), _url("pdf", site, fiscal_year)),
        (_("ดาวน์โหลด XLSX"), _url("xlsx", site, fiscal_year)),
    ]


def _viewed_report(request: HttpRequest, fiscal_year: int) -> tuple[Site, AnnualReport]:
    site = _site(request)
    return site, _report(site, _fiscal_year_or_404(site, fiscal_year))


@never_cache
@xframe_options_sameorigin  # shown in an iframe on the report's own screen
def preview(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    site, report = _viewed_report(request, fiscal_year)
    snapshot = services.report_snapshot(report)
    return HttpResponse(rendering.render_html(snapshot, links=_links(site, fiscal_year)))


def _filename(report: AnnualReport, extension: str) -> str:
    draft = "" if report.is_approved else "-draft"
    return f"annual-report-{report.fiscal_year}{draft}.{extension}"


@never_cache
def download_pdf(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _site, report = _viewed_report(request, fiscal_year)
    response = HttpResponse(
        rendering.render_pdf(services.report_snapshot(report)), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(True, _filename(report, "pdf"))
    return response


@never_cache
def download_xlsx(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    _site, report = _viewed_report(request, fiscal_year)
    response = HttpResponse(
        rendering.render_xlsx(services.report_snapshot(report)), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, _filename(report, "xlsx"))
    return response


@require_POST
def approve(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    site = _site(request)
    _fiscal_year_or_404(site, fiscal_year)
    if not services.can_approve_annual_report(request.user, site):
        raise PermissionDenied
    report = services.get_or_create_report(site=site, fiscal_year=fiscal_year)
    try:
        services.approve_report(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("อนุมัติรายงานแล้ว รายงานฉบับนี้จะไม่เปลี่ยนแปลงอีก"))
    return redirect(_url("detail", site, fiscal_year))


@require_POST
def send_to_site(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    site = _site(request)
    _fiscal_year_or_404(site, fiscal_year)
    report = AnnualReport.objects.of_site(site).filter(fiscal_year=fiscal_year).first()
    if report is None:
        raise Http404
    try:
        page = services.publish_report_to_site(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url("detail", site, fiscal_year))
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


def _own_entries(view):
    """Only the entries of the person's divisions, in their municipality: another's entry,
    asked for by its id, is not found."""
    return view.permission_policy.instances_user_has_any_permission_for(
        view.request.user, ["change"]
    )


class ProblemReportEditView(generic.EditView):
    get_queryset = _own_entries


class ProblemReportDeleteView(generic.DeleteView):
    get_queryset = _own_entries


class ProblemReportHistoryView(HistoryView):
    # The listing is of the entry's history; the entry itself must be one's own.
    get_base_object_queryset = _own_entries


class ProblemReportUsageView(UsageView):
    get_base_object_queryset = _own_entries


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
    usage_view_class = ProblemReportUsageView
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
    # The division filter offers the person's own divisions only (`forms`).
    filterset_class = ProblemReportFilterSet
    search_fields = ["text"]
    list_per_page = 50
    edit_handler = ObjectList(
        [FieldPanel("division"), FieldPanel("date"), FieldPanel("kind"), FieldPanel("text")],
        base_form_class=ProblemReportForm,
    )
