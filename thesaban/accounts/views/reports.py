"""The failed sign-ins report, for those who manage staff accounts.

Reads django-axes' `AccessFailureLog`: one row per wrong password or wrong TOTP code, with
username, address and time, and whether it ended in a lockout.
"""

import django_filters
from axes.models import AccessFailureLog
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.reports import ReportView

from thesaban.core.exports import thai_datetime_fields
from thesaban.core.thai_dates import format_thai_datetime

from .. import services


class LoginFailureFilterSet(WagtailFilterSet):
    username = django_filters.CharFilter(label=_("ชื่อผู้ใช้"), lookup_expr="icontains")
    ip_address = django_filters.CharFilter(label=_("ที่อยู่ IP"))
    attempt_time = django_filters.DateFromToRangeFilter(
        label=_("วันที่"), widget=DateRangePickerWidget
    )
    locked_out = django_filters.BooleanFilter(label=_("ถูกระงับการเข้าสู่ระบบ"))

    class Meta:
        model = AccessFailureLog
        fields = ["username", "ip_address", "attempt_time", "locked_out"]


class LoginFailureReportView(ReportView):
    model = AccessFailureLog
    page_title = _("การเข้าสู่ระบบที่ไม่สำเร็จ")
    header_icon = "warning"
    filterset_class = LoginFailureFilterSet
    index_url_name = "accounts_login_failures"
    index_results_url_name = "accounts_login_failures_results"
    columns = [
        Column(
            "attempt_time",
            label=_("เวลา"),
            accessor=lambda failure: format_thai_datetime(failure.attempt_time, seconds=True),
        ),
        Column("username", label=_("ชื่อผู้ใช้")),
        Column("ip_address", label=_("ที่อยู่ IP")),
        BooleanColumn("locked_out", label=_("ถูกระงับ")),
        Column("path_info", label=_("หน้าที่ใช้เข้าสู่ระบบ")),
        Column("user_agent", label=_("โปรแกรมค้นดูเว็บ")),
    ]
    export_headings = {column.name: column.label for column in columns}
    list_export = list(export_headings)
    # Bangkok time with the Buddhist year, as on the screen; Wagtail would write UTC.
    custom_field_preprocess = thai_datetime_fields("attempt_time", seconds=True)

    def dispatch(self, request, *args, **kwargs):
        if not services.can_view_sign_in_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return AccessFailureLog.objects.order_by("-attempt_time")

    def get_filename(self) -> str:
        return f"login-failures-{timezone.localdate():%Y-%m-%d}"
