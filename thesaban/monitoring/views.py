"""The monitoring app's admin screens: the findings report (Reports menu, filters, CSV/XLSX),
a page's findings with "check again" and "accept with a reason", and the dashboard panel.

Superusers and web operators see every finding; a division's preparers and supervisors see
their division's.
"""

import django_filters
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from thesaban.accounts.models import Division
from thesaban.core.thai_dates import format_thai_datetime
from thesaban.publishing import rules

from . import services
from .models import Finding


def sees_every_finding(user: AbstractBaseUser) -> bool:
    return user.is_active and (user.is_superuser or rules.is_web_operator(user))


def divisions_of(user: AbstractBaseUser):
    """The divisions `user` prepares for or supervises."""
    return (Division.objects.prepared_by(user) | Division.objects.supervised_by(user)).distinct()


def findings_visible_to(user: AbstractBaseUser):
    findings = Finding.objects.select_related("page", "division")
    if sees_every_finding(user):
        return findings
    return findings.for_divisions(divisions_of(user))


def can_view_findings(user: AbstractBaseUser) -> bool:
    return user.is_active and (sees_every_finding(user) or divisions_of(user).exists())


class FindingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("สถานะ"), choices=Finding.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("ประเภท"), choices=Finding.Kind.choices)
    severity = django_filters.ChoiceFilter(label=_("ความรุนแรง"), choices=Finding.Severity.choices)
    division = django_filters.ModelChoiceFilter(
        label=_("ส่วนราชการ"), queryset=Division.objects.all()
    )
    last_seen_at = django_filters.DateFromToRangeFilter(
        label=_("พบล่าสุด"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Finding
        fields = ["status", "kind", "severity", "division", "last_seen_at"]


class FindingReportView(ReportView):
    model = Finding
    page_title = _("ข้อบกพร่องที่ตรวจพบ")
    header_icon = "warning"
    filterset_class = FindingFilterSet
    index_url_name = "monitoring_findings"
    index_results_url_name = "monitoring_findings_results"
    paginate_by = 100
    columns = [
        Column("severity", label=_("ความรุนแรง"), accessor="get_severity_display"),
        Column("kind", label=_("ประเภท"), accessor="get_kind_display"),
        TitleColumn(
            "page",
            label=_("หน้า"),
            accessor=lambda finding: finding.page.title if finding.page else "",
            get_url=lambda finding: finding.page.url if finding.page else None,
        ),
        Column("division", label=_("ส่วนราชการ")),
        Column("target_url", label=_("ปลายทาง")),
        Column("detail", label=_("รายละเอียด")),
        Column(
            "first_seen_at",
            label=_("พบครั้งแรก"),
            accessor=lambda finding: format_thai_datetime(finding.first_seen_at),
        ),
        Column(
            "last_seen_at",
            label=_("พบล่าสุด"),
            accessor=lambda finding: format_thai_datetime(finding.last_seen_at),
        ),
        Column("status", label=_("สถานะ"), accessor="get_status_display"),
    ]
    list_export = [
        "get_severity_display",
        "get_kind_display",
        "page",
        "division",
        "target_url",
        "detail",
        "first_seen_at",
        "last_seen_at",
        "get_status_display",
        "resolved_at",
        "accepted_reason",
    ]
    export_headings = {
        "get_severity_display": _("ความรุนแรง"),
        "get_kind_display": _("ประเภท"),
        "page": _("หน้า"),
        "division": _("ส่วนราชการ"),
        "target_url": _("ปลายทาง"),
        "detail": _("รายละเอียด"),
        "first_seen_at": _("พบครั้งแรก"),
        "last_seen_at": _("พบล่าสุด"),
        "get_status_display": _("สถานะ"),
        "resolved_at": _("แก้ไขเมื่อ"),
        "accepted_reason": _("เหตุผลที่ยอมรับ"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_view_findings(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return findings_visible_to(self.request.user).order_by("status", "-last_seen_at")

    def get_filename(self) -> str:
        return f"site-check-findings-{timezone.localdate():%Y-%m-%d}"


class FindingReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_findings(request.user)


def can_act_on_page(user: AbstractBaseUser, page: Page) -> bool:
    """Web operators, and the staff of the division that owns the page."""
    if sees_every_finding(user):
        return True
    division = Division.objects.owning(page)
    return division is not None and divisions_of(user).filter(pk=division.pk).exists()


@require_http_methods(["GET", "POST"])
def page_findings(request, page_id: int):
    """A page's findings; POST "check" checks it again at once, POST "accept" accepts one."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_act_on_page(request.user, page):
        raise PermissionDenied
    here = reverse("monitoring_page_findings", args=[page.pk])
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "check":
            opened, resolved = services.check_page(page=page, user=request.user)
            messages.success(
                request,
                gettext_now("ตรวจหน้านี้อีกครั้งแล้ว: พบใหม่ %(opened)d รายการ แก้ไขแล้ว %(resolved)d รายการ")
                % {"opened": opened, "resolved": resolved},
            )
        elif action == "accept":
            finding = get_object_or_404(
                Finding.objects.unresolved(), pk=request.POST.get("finding"), page=page
            )
            try:
                services.accept_finding(
                    finding=finding, user=request.user, reason=request.POST.get("reason", "")
                )
            except ValueError:
                messages.error(request, gettext_now("กรุณาระบุเหตุผลที่ยอมรับข้อบกพร่องนี้"))
            else:
                messages.success(request, gettext_now("บันทึกการยอมรับข้อบกพร่องแล้ว"))
        return redirect(here)
    findings = Finding.objects.filter(page=page).order_by("status", "-last_seen_at")
    return TemplateResponse(
        request,
        "monitoring/page_findings.html",
        {
            "page": page,
            "unresolved": [f for f in findings if f.status != Finding.Status.RESOLVED],
            "resolved": [f for f in findings if f.status == Finding.Status.RESOLVED][:20],
            "report_url": reverse("monitoring_findings"),
        },
    )


class OpenFindingsPanel(Component):
    """Dashboard: the open findings of the signed-in person's divisions (all, for operators)."""

    name = "monitoring_open_findings"
    template_name = "monitoring/dashboard_panel.html"
    order = 150
    limit = 10

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        findings = findings_visible_to(request.user).open().order_by("-last_seen_at")
        return {
            "findings": list(findings[: self.limit]),
            "count": findings.count(),
            "report_url": reverse("monitoring_findings") + "?status=open",
        }
