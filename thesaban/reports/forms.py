"""Forms of the annual report's admin: the register entry and the supervisor's final wording."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from .models import AnnualReport, ProblemReport
from .permissions import problem_report_divisions


class ProblemReportForm(WagtailAdminModelForm):
    """A register entry: only for a division the person works in (web operators: any)."""

    class Meta:
        model = ProblemReport
        fields = ["division", "date", "kind", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            divisions = problem_report_divisions(self.for_user)
            self.fields["division"].queryset = divisions
            if self.instance.pk is None and divisions.count() == 1:
                self.fields["division"].initial = divisions.first()


class FinalWordingForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["problems", "obstacles", "suggestions", "approver_position"]
        widgets = {
            "problems": forms.Textarea(attrs={"rows": 5}),
            "obstacles": forms.Textarea(attrs={"rows": 5}),
            "suggestions": forms.Textarea(attrs={"rows": 5}),
        }
