"""The monitoring app's admin screens: the findings report (Reports menu, filters, CSV/XLSX,
"แก้ไขแล้ว ตรวจอีกครั้ง" and "ยอมรับ" on each row), a page's findings with "check again", the
same two actions and the findings' history, and the dashboard panel of today's open findings.

Everyone sees their own municipality's findings only (`accounts.access`): its superusers and
web operators every one of them, a division's preparers and supervisors their division's.
Acting on a finding needs the right to act on its page (`can_act_on_page`); a finding of no
page is for its municipality's web operators only.
"""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import django_filters
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BaseColumn, Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from thesaban.accounts import access as staff_access
from thesaban.accounts.models import Division
from thesaban.core.exports import thai_datetime_fields
from thesaban.core.thai_dates import BANGKOK, format_thai_datetime

from . import history, services
from .models import SEVERITY_RANK, CheckRun, Finding, FreshnessRule

# Open first (someone must act), then accepted (a decision stands), then resolved.
STATUS_RANK = Case(
    When(status=Finding.Status.OPEN, then=Value(0)),
    When(status=Finding.Status.ACCEPTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
SEEN_LATEST = "latest"


def format_time_to_fix(delta: timedelta | None) -> str:
    """How long a finding stood before it was resolved, in Thai: "2 วัน 3 ชั่วโมง" when it took
    days, "5 ชั่วโมง 20 นาที" when hours; "" for a finding not resolved."""
    if delta is None:
        return ""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(gettext_now("%(count)d วัน") % {"count": days})
    if hours:
        parts.append(gettext_now("%(count)d ชั่วโมง") % {"count": hours})
    if minutes and not days:
        parts.append(gettext_now("%(count)d นาที") % {"count": minutes})
    return " ".join(parts) or gettext_now("ไม่ถึง 1 นาที")


def sees_every_finding(user: AbstractBaseUser) -> bool:
    """Every finding of their municipality (of all, for the host)."""
    return staff_access.oversees(user)


def findings_visible_to(user: AbstractBaseUser):
    findings = staff_access.limit_to_sites_of(
        user, Finding.objects.select_related("page", "division")
    )
    if sees_every_finding(user):
        return findings
    return findings.for_divisions(staff_access.divisions_worked_in(user))


def can_view_findings(user: AbstractBaseUser) -> bool:
    return sees_every_finding(user) or staff_access.divisions_worked_in(user).exists()


def can_act_on_page(user: AbstractBaseUser, page: Page) -> bool:
    """Web operators of its municipality, and the staff of the division that owns the page."""
    return staff_access.may_act_on_page(user, page)


def can_act_on_finding(user: AbstractBaseUser, finding: Finding) -> bool:
    # A finding of no page (its page deleted) belongs to no division: the web operators'.
    if finding.page_id is None:
        return staff_access.oversees(user, finding.site_id)
    return can_act_on_page(user, finding.page)


class _ActingRights:
    """`can_act_on_finding` for a listing: one answer per page, not per row."""

    def __init__(self, user: AbstractBaseUser):
        self.user = user
        self.every = sees_every_finding(user)
        self.by_page: dict[int, bool] = {}

    def allows(self, finding: Finding) -> bool:
        if self.every:
            return True
        if finding.page_id is None:
            return False
        if finding.page_id not in self.by_page:
            self.by_page[finding.page_id] = can_act_on_page(self.user, finding.page)
        return self.by_page[finding.page_id]


def seen_in_latest_check(findings, *, now: datetime | None = None):
    """Findings the latest finished run of their municipality saw, or that were seen today
    (Bangkok).

    What the dashboard calls today's: an open finding last seen days ago by a run that never
    finished, and not seen since, is stale news. Another municipality's run, checked later,
    says nothing of this one's.
    """
    today = timezone.localtime(now or timezone.now(), BANGKOK).date()
    start_of_today = datetime.combine(today, time.min, tzinfo=BANGKOK)
    latest_finished = (
        CheckRun.objects.filter(status=CheckRun.Status.FINISHED, site=OuterRef("site"))
        .order_by("-started_at")
        .values("pk")[:1]
    )
    return findings.filter(
        Q(last_seen_at__gte=start_of_today) | Q(last_seen_run=Subquery(latest_finished))
    )


# --- Acting on a finding ---------------------------------------------------------------------
def _act(request: HttpRequest, finding: Finding) -> None:
    """Do the POSTed action ("fix" or "accept") on `finding` and tell the person, in Thai."""
    action = request.POST.get("action")
    label = str(finding)
    if action == "fix":
        had_page = finding.page_id is not None
        if services.mark_fixed(finding=finding, user=request.user):
            if had_page:
                messages.success(
                    request,
                    gettext_now("ตรวจหน้าอีกครั้งแล้ว ไม่พบข้อบกพร่อง “%(finding)s” แล้ว บันทึกว่าแก้ไขแล้ว")
                    % {"finding": label},
                )
            else:
                messages.success(
                    request,
                    gettext_now("บันทึกว่าแก้ไขข้อบกพร่อง “%(finding)s” แล้ว") % {"finding": label},
                )
        else:
            messages.warning(
                request,
                gettext_now(
                    "ตรวจหน้าอีกครั้งแล้ว ยังพบข้อบกพร่อง “%(finding)s” อยู่ (%(detail)s) กรุณาแก้ไขแล้วลองอีกครั้ง"
                )
                % {"finding": label, "detail": finding.detail},
            )
    elif action == "accept":
        if finding.status != Finding.Status.OPEN:
            messages.error(request, gettext_now("ข้อบกพร่องนี้ได้รับการยอมรับแล้ว"))
            return
        try:
            services.accept_finding(
                finding=finding, user=request.user, reason=request.POST.get("reason", "")
            )
        except ValueError:
            messages.error(request, gettext_now("กรุณาระบุเหตุผลที่ยอมรับข้อบกพร่องนี้"))
        else:
            messages.success(
                request,
                gettext_now("บันทึกการยอมรับข้อบกพร่อง “%(finding)s” แล้ว") % {"finding": label},
            )
    else:
        messages.error(request, gettext_now("ไม่รู้จักคำสั่งนี้"))


def _back_to(request: HttpRequest, default: str) -> str:
    """Where to go after an action: the screen it came from (with its filters), if it is ours."""
    target = request.POST.get("next", "")
    if (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and target.startswith(reverse("monitoring_findings"))
    ):
        return target
    return default


@require_POST
def finding_action(request: HttpRequest, finding_id: int) -> HttpResponse:
    """POST "fix" or "accept" on one finding, from the findings report; back to the report."""
    # Another municipality's finding is not there at all for this person.
    finding = get_object_or_404(
        staff_access.limit_to_sites_of(
            request.user, Finding.objects.unresolved().select_related("page")
        ),
        pk=finding_id,
    )
    if not can_act_on_finding(request.user, finding):
        # A plain 403 rather than Wagtail's redirect to the dashboard: this is a form post
        # from a row the person should never have been offered.
        return TemplateResponse(
            request,
            "monitoring/forbidden.html",
            {"report_url": reverse("monitoring_findings")},
            status=403,
        )
    _act(request, finding)
    return redirect(_back_to(request, reverse("monitoring_findings")))


# --- The findings report ---------------------------------------------------------------------
class FindingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("สถานะ"), choices=Finding.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("ประเภท"), choices=Finding.Kind.choices)
    severity = django_filters.ChoiceFilter(label=_("ความรุนแรง"), choices=Finding.Severity.choices)
    # The person's own divisions and their municipality's rules only, in the choices and in
    # what a query string may ask for.
    division = django_filters.ModelChoiceFilter(
        label=_("ส่วนราชการ"),
        queryset=lambda request: Division.objects.for_user(request.user),
    )
    rule = django_filters.ModelChoiceFilter(
        label=_("เกณฑ์ความเป็นปัจจุบัน"),
        queryset=lambda request: staff_access.limit_to_sites_of(
            request.user, FreshnessRule.objects.all()
        ),
    )
    last_seen_at = django_filters.DateFromToRangeFilter(
        label=_("พบล่าสุด"), widget=DateRangePickerWidget
    )
    # The dashboard panel's "today's findings", so that its link lists the same ones.
    seen = django_filters.ChoiceFilter(
        label=_("การตรวจ"),
        choices=[(SEEN_LATEST, _("พบในการตรวจครั้งล่าสุดหรือวันนี้"))],
        method="filter_seen",
    )

    class Meta:
        model = Finding
        fields = ["status", "kind", "severity", "division", "rule", "last_seen_at", "seen"]

    def filter_seen(self, queryset, name, value):
        return seen_in_latest_check(queryset) if value == SEEN_LATEST else queryset


class FindingActionsColumn(BaseColumn):
    """The row's buttons: "แก้ไขแล้ว ตรวจอีกครั้ง", "ยอมรับ" with a reason, the history link."""

    cell_template_name = "monitoring/finding_actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        # The cell template is rendered without the request's context processors.
        context["csrf_token"] = get_token(request) if request else ""
        context["can_act"] = getattr(instance, "can_act", False)
        context["next_url"] = getattr(instance, "next_url", "")
        return context


class FindingReportView(ReportView):
    model = Finding
    page_title = _("ข้อบกพร่องที่ตรวจพบ")
    header_icon = "warning"
    template_name = "monitoring/findings_report.html"
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
        Column(
            "time_to_resolve",
            label=_("ใช้เวลาแก้ไข"),
            accessor=lambda finding: format_time_to_fix(finding.time_to_resolve),
        ),
        FindingActionsColumn("actions", label=_("ดำเนินการ")),
    ]
    list_export = [
        "get_severity_display",
        "get_kind_display",
        "page",
        "division",
        "target_url",
        "rule",
        "detail",
        "first_seen_at",
        "last_seen_at",
        "get_status_display",
        "resolved_at",
        "time_to_resolve",
        "accepted_reason",
    ]
    export_headings = {
        "get_severity_display": _("ความรุนแรง"),
        "get_kind_display": _("ประเภท"),
        "page": _("หน้า"),
        "division": _("ส่วนราชการ"),
        "target_url": _("ปลายทาง"),
        "rule": _("เกณฑ์ความเป็นปัจจุบัน"),
        "detail": _("รายละเอียด"),
        "first_seen_at": _("พบครั้งแรก"),
        "last_seen_at": _("พบล่าสุด"),
        "get_status_display": _("สถานะ"),
        "resolved_at": _("แก้ไขเมื่อ"),
        "time_to_resolve": _("ใช้เวลาแก้ไข"),
        "accepted_reason": _("เหตุผลที่ยอมรับ"),
    }
    # Moments as the rest of the admin shows them (Bangkok time, Buddhist year), not Wagtail's
    # default of UTC; the time to fix in days and hours.
    custom_field_preprocess = {
        **thai_datetime_fields("first_seen_at", "last_seen_at", "resolved_at"),
        "time_to_resolve": {"csv": format_time_to_fix, "xlsx": format_time_to_fix},
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_view_findings(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filtered_queryset(self):
        # BaseListingView.get_queryset already filters; ReportView's default would again.
        return self.get_queryset()

    def get_base_queryset(self):
        return (
            findings_visible_to(self.request.user)
            .select_related("rule")
            .annotate(status_rank=STATUS_RANK, severity_rank=SEVERITY_RANK)
        )

    def order_queryset(self, queryset):
        # Unresolved first, then the most severe, then the most recently seen.
        return queryset.order_by("status_rank", "severity_rank", "-last_seen_at", "-pk")

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:
            return object_list
        rights = _ActingRights(self.request.user)
        findings = list(object_list)
        for finding in findings:
            finding.can_act = finding.status != Finding.Status.RESOLVED and rights.allows(finding)
            finding.next_url = self.next_url
        return findings

    @cached_property
    def next_url(self) -> str:
        # The report as the person sees it (filters, page), also when this is the results
        # fragment that the filters reload.
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        query.pop("export", None)
        url = reverse(self.index_url_name)
        return f"{url}?{query.urlencode()}" if query else url

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.results_only:
            context["latest_run"] = (
                staff_access.limit_to_sites_of(self.request.user, CheckRun.objects.all())
                .order_by("-started_at")
                .first()
            )
        return context

    def get_filename(self) -> str:
        return f"site-check-findings-{timezone.localdate():%Y-%m-%d}"


class FindingReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_findings(request.user)


class FindingAdminURLFinder(ModelAdminURLFinder):
    """A finding's "edit" address, for Wagtail's site history: its page's findings screen."""

    def construct_edit_url(self, instance):
        if instance.page_id is None:
            return None
        url = reverse("monitoring_page_findings", args=[instance.page_id])
        return f"{url}#finding-{instance.pk}"

    def get_edit_url(self, instance):
        if self.user is not None and (
            instance.page_id is None or not can_act_on_page(self.user, instance.page)
        ):
            return None
        return self.construct_edit_url(instance)


# --- A page's findings ------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def page_findings(request, page_id: int):
    """A page's findings and their history.

    POST "check" checks the page again at once; "fix" marks one finding fixed (the page is
    checked again); "accept" accepts one with a reason.
    """
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
        else:
            finding = get_object_or_404(
                staff_access.limit_to_sites_of(
                    request.user, Finding.objects.unresolved().select_related("page")
                ),
                pk=request.POST.get("finding"),
                page=page,
            )
            _act(request, finding)
        return redirect(here)
    findings = list(
        staff_access.limit_to_sites_of(request.user, Finding.objects.filter(page=page))
        .annotate(status_rank=STATUS_RANK, severity_rank=SEVERITY_RANK)
        .order_by("status_rank", "severity_rank", "-last_seen_at", "-pk")
    )
    for finding in findings:
        finding.time_to_fix = format_time_to_fix(finding.time_to_resolve)
    return TemplateResponse(
        request,
        "monitoring/page_findings.html",
        {
            "page": page,
            "unresolved": [f for f in findings if f.status != Finding.Status.RESOLVED],
            "resolved": [f for f in findings if f.status == Finding.Status.RESOLVED][:20],
            "history": list(history.entries_for(findings)[:50]) if findings else [],
            "report_url": reverse("monitoring_findings"),
        },
    )


# --- The dashboard ---------------------------------------------------------------------------
class OpenFindingsPanel(Component):
    """Dashboard: today's open findings of the person's divisions (all, for web operators)."""

    name = "monitoring_open_findings"
    template_name = "monitoring/dashboard_panel.html"
    order = 150
    limit = 10

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        findings = seen_in_latest_check(findings_visible_to(request.user).open())
        counts = findings.aggregate(
            total=Count("pk"),
            **{
                severity: Count("pk", filter=Q(severity=severity))
                for severity in Finding.Severity.values
            },
        )
        rows = findings.annotate(severity_rank=SEVERITY_RANK).order_by(
            "severity_rank", F("page__path").asc(nulls_last=True), "kind", "target_url", "pk"
        )
        report_url = reverse("monitoring_findings")
        query = {"status": Finding.Status.OPEN, "seen": SEEN_LATEST}
        return {
            "findings": list(rows[: self.limit]),
            "count": counts["total"],
            "severities": [
                {
                    "label": label,
                    "count": counts[severity],
                    "url": f"{report_url}?{urlencode({**query, 'severity': severity})}",
                }
                for severity, label in Finding.Severity.choices
                if counts[severity]
            ],
            "report_url": f"{report_url}?{urlencode(query)}",
        }
