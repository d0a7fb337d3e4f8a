"""Admin views of the publication records (R3): the listing, one record as HTML or PDF, and a
month's records as one PDF. What a record holds and who may see it: `records`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, Revision

from thesaban.core.models import MunicipalitySettings
from thesaban.core.thai_dates import BANGKOK, THAI_MONTHS, buddhist_year

from .records import (
    PublicationRecord,
    RecordAccess,
    build_record,
    publication_rows,
    publications_for,
    record_access,
    records_for,
)

FORM_TITLE = "แบบฟอร์มการขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์"
DOCUMENT_TEMPLATE = "publishing/records/document.html"
PER_PAGE = 50
# A month's bundle is rendered while the browser waits; a division rarely publishes this many.
BUNDLE_LIMIT = 200


class RecordFilterForm(forms.Form):
    division = forms.ModelChoiceField(
        label=gettext_lazy("ส่วนราชการ"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("ทุกส่วนราชการที่เข้าถึงได้"),
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("เดือน"),
        choices=list(enumerate(THAI_MONTHS, start=1)),
        coerce=int,
    )
    year = forms.IntegerField(label=gettext_lazy("ปี พ.ศ."), min_value=2500, max_value=2700)

    def __init__(self, data: dict, *, access: RecordAccess) -> None:
        super().__init__(data)
        self.fields["division"].queryset = access.divisions()


def _filter_form(request: HttpRequest, access: RecordAccess) -> RecordFilterForm:
    """The filters from the query string; this month in Bangkok when none are given."""
    now = timezone.now().astimezone(BANGKOK)
    data = {"year": buddhist_year(now), "month": now.month, **request.GET.dict()}
    return RecordFilterForm(data, access=access)


def _access_or_403(request: HttpRequest) -> RecordAccess:
    access = record_access(request.user)
    if not access.sees_any:
        raise PermissionDenied
    return access


class RecordIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "publishing/records/index.html"
    page_title = gettext_lazy("บันทึกการขออนุญาตเผยแพร่")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.access = _access_or_403(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = _filter_form(self.request, self.access)
        page_obj = None
        rows = []
        if form.is_valid():
            entries = publications_for(access=self.access, **form.cleaned_data)
            page_obj = Paginator(entries, PER_PAGE).get_page(self.request.GET.get("p"))
            rows = publication_rows(page_obj.object_list, request=self.request)
        context.update(form=form, page_obj=page_obj, publications=rows)
        return context


def _document(
    request: HttpRequest, records: list[PublicationRecord], *, title: str, for_print: bool
) -> str:
    municipality = MunicipalitySettings.for_request(request)
    context = {
        "records": records,
        "document_title": title,
        "form_title": FORM_TITLE,
        "municipality_name": municipality.name,
        "for_print": for_print,
        "generated_at": timezone.now(),
    }
    return render_to_string(DOCUMENT_TEMPLATE, context, request=request)


def _pdf_response(html: str, filename: str) -> HttpResponse:
    # Imported here: the PDF engine costs every web worker memory, and few requests print.
    from thesaban.core.pdf import html_to_pdf

    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _visible_record(request: HttpRequest, revision_id: int) -> PublicationRecord:
    access = _access_or_403(request)
    revision = get_object_or_404(Revision.objects.page_revisions(), pk=revision_id)
    page = get_object_or_404(Page, pk=revision.object_id)
    record = build_record(page, revision, request=request)
    if record is None:
        raise Http404(_("ไม่มีหลักฐานการขออนุญาตเผยแพร่ที่ครบถ้วนสำหรับฉบับนี้"))
    if not access.can_see(record.division, page_path=page.path):
        raise PermissionDenied
    return record


@never_cache
def record_detail(request: HttpRequest, revision_id: int) -> HttpResponse:
    record = _visible_record(request, revision_id)
    html = _document(request, [record], title=f"{FORM_TITLE}: {record.title}", for_print=False)
    return HttpResponse(html)


@never_cache
def record_pdf(request: HttpRequest, revision_id: int) -> HttpResponse:
    record = _visible_record(request, revision_id)
    html = _document(request, [record], title=f"{FORM_TITLE}: {record.title}", for_print=True)
    day = record.window_start.astimezone(BANGKOK)
    division = record.division.code if record.division else "none"
    filename = (
        f"publication-record-{division}-{buddhist_year(day)}-{day:%m-%d}-{record.revision_id}.pdf"
    )
    return _pdf_response(html, filename)


@never_cache
def month_pdf(request: HttpRequest) -> HttpResponse:
    """Every complete record of a month (of one division, or all the user may see), one PDF."""
    access = _access_or_403(request)
    form = _filter_form(request, access)
    index_url = reverse("publishing_records:index")
    if not form.is_valid():
        return redirect(index_url)
    filters = form.cleaned_data
    entries = list(publications_for(access=access, **filters)[: BUNDLE_LIMIT + 1])
    back = f"{index_url}?{request.GET.urlencode()}"
    if len(entries) > BUNDLE_LIMIT:
        messages.error(
            request,
            _("เดือนนี้มีรายการมากกว่า %(limit)s รายการ กรุณาเลือกทีละส่วนราชการ") % {"limit": BUNDLE_LIMIT},
        )
        return redirect(back)
    records = records_for(entries, request=request)
    if not records:
        messages.warning(request, _("ไม่มีบันทึกที่มีหลักฐานครบถ้วนในเดือนที่เลือก"))
        return redirect(back)
    division = filters["division"]
    month_label = f"{THAI_MONTHS[filters['month'] - 1]} {filters['year']}"
    title = f"{FORM_TITLE}: {division.name if division else _('ทุกส่วนราชการ')} {month_label}"
    html = _document(request, records, title=title, for_print=True)
    code = division.code if division else "all"
    filename = f"publication-records-{code}-{filters['year']}-{filters['month']:02d}.pdf"
    return _pdf_response(html, filename)
