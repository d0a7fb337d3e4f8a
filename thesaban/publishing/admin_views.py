"""Admin views of the workflow: Wagtail's workflow action with Thai refusals, and takedown."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page, TaskState

from . import services, workflow


class TakedownForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("เหตุผลในการถอดข้อมูลออกจากเว็บไซต์"),
        widget=forms.Textarea({"rows": 4}),
        max_length=2000,
        error_messages={"required": gettext_lazy("กรุณาระบุเหตุผลในการถอดข้อมูลออกจากเว็บไซต์")},
    )


def takedown(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    refusal = services.takedown_refusal(request.user, page)
    if refusal:
        raise PermissionDenied(refusal)
    form = TakedownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.take_down(page, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(request, _("ถอด “%(title)s” ออกจากเว็บไซต์แล้ว") % {"title": page.title})
            return redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return TemplateResponse(
        request, "publishing/takedown/confirm.html", {"page": page, "form": form}
    )


def _wagtail_workflow_action(request, **kwargs):
    # Resolved on each call: the registry is filled when the admin URLs load.
    from wagtail.admin.viewsets.pages import page_viewset_registry

    return page_viewset_registry.as_view("workflow_action", page_id_kwarg="page_id")(
        request, **kwargs
    )


def workflow_action(request, page_id: int, action_name: str, task_state_id: int):
    """Wagtail's workflow action view, refusing with the reason rather than a bare "no".

    Wagtail turns every PermissionDenied in the admin into one generic message; a reviewer who
    is refused (maker–checker, wrong division, a step already decided) must learn why.
    """
    page = get_object_or_404(Page, pk=page_id).specific
    task_state = get_object_or_404(TaskState, pk=task_state_id)
    reason = workflow.action_refusal(page, request.user, task_state, action_name)
    if reason is None:
        try:
            return _wagtail_workflow_action(
                request, page_id=page_id, action_name=action_name, task_state_id=task_state_id
            )
        except PermissionDenied as error:
            reason = str(error) or _("ไม่สามารถดำเนินการได้")
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        raise PermissionDenied(reason)
    messages.error(request, reason)
    return redirect("wagtailadmin_pages:edit", page.pk)
