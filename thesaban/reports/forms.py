"""Forms of the annual report's admin: the register entry, its listing's filters and the
supervisor's final wording."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm

from thesaban.accounts import access
from thesaban.accounts.models import Division

from .models import AnnualReport, ProblemReport
from .permissions import problem_report_divisions
from .services import municipality_label


def _label_with_municipality(division: Division) -> str:
    # The host's superusers choose among every municipality's divisions, named alike.
    return f"{division.name} · {municipality_label(division.site)}"


class ProblemReportForm(WagtailAdminModelForm):
    """A register entry: only for a division the person works in (web operators: any of their
    municipality's). A new entry belongs to the municipality of its division."""

    class Meta:
        model = ProblemReport
        fields = ["division", "date", "kind", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            divisions = problem_report_divisions(self.for_user)
            field = self.fields["division"]
            field.queryset = divisions
            if access.is_host_administrator(self.for_user):
                field.queryset = divisions.select_related("site")
                field.label_from_instance = _label_with_municipality
            if self.instance.pk is None and divisions.count() == 1:
                field.initial = divisions.first()

    def clean(self):
        cleaned_data = super().clean()
        division = cleaned_data.get("division")
        if division is not None and self.instance.site_id is None:
            # Before the model's own check (`ProblemReport.clean`) that the two agree.
            self.instance.site_id = division.site_id
        return cleaned_data


def _divisions_of_request(request) -> QuerySet[Division]:
    return (
        Division.objects.for_user(request.user) if request is not None else Division.objects.none()
    )


class ProblemReportFilterSet(WagtailFilterSet):
    """The listing's filters; the division filter offers only the person's own divisions (a
    filter on every division would name another municipality's)."""

    division = django_filters.ModelChoiceFilter(
        label=_("ส่วนราชการ"), queryset=_divisions_of_request
    )

    class Meta:
        model = ProblemReport
        fields = ["kind", "division"]


class FinalWordingForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["problems", "obstacles", "suggestions", "approver_position"]
        widgets = {
            "problems": forms.Textarea(attrs={"rows": 5}),
            "obstacles": forms.Textarea(attrs={"rows": 5}),
            "suggestions": forms.Textarea(attrs={"rows": 5}),
        }
