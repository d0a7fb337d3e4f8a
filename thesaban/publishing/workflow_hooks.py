"""Wagtail admin hooks of the three-step workflow: attestation, refusals, takedown."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter
from wagtail.models import WorkflowMixin
from wagtail.snippets.action_menu import (
    SubmitForModerationMenuItem as SnippetSubmitForModerationMenuItem,
)

from . import admin_views, rules, services, workflow
from .forms import SUBMIT_ACTIONS


class AttestationMenuItemMixin:
    """ "Submit" with the preparer's attestation checkbox beside it, shown only to those who
    may submit the item."""

    template_name = "publishing/submit_menu_item.html"

    def submitted_object(self, context):
        raise NotImplementedError

    def is_shown(self, context) -> bool:
        if not super().is_shown(context):
            return False
        obj = self.submitted_object(context)
        if obj is None:
            return True
        return rules.submission_refusal(context["request"].user, obj) is None

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["attest_label"] = _(rules.ATTESTATION_STATEMENT)
        return context


class AttestedSubmitMenuItem(AttestationMenuItemMixin, SubmitForModerationMenuItem):
    def submitted_object(self, context):
        return context.get("page") if context["view"] == "edit" else context["parent_page"]


class AttestedSnippetSubmitMenuItem(AttestationMenuItemMixin, SnippetSubmitForModerationMenuItem):
    def submitted_object(self, context):
        instance = context.get("instance")
        # Creating: who may submit depends on the division chosen in the form, which refuses
        # if it is not theirs.
        return instance if instance is not None and instance.pk is not None else None


def _use_attested_submit(menu_items, context, wagtail_item, attested_item) -> None:
    for index, item in enumerate(menu_items):
        if type(item) is wagtail_item:
            replacement = attested_item(order=item.order)
            if replacement.is_shown(context):
                menu_items[index] = replacement
            else:
                del menu_items[index]
            return


@hooks.register("construct_page_action_menu")
def use_attested_submit(menu_items, request, context) -> None:
    _use_attested_submit(menu_items, context, SubmitForModerationMenuItem, AttestedSubmitMenuItem)


@hooks.register("construct_snippet_action_menu")
def use_attested_snippet_submit(menu_items, request, context) -> None:
    _use_attested_submit(
        menu_items, context, SnippetSubmitForModerationMenuItem, AttestedSnippetSubmitMenuItem
    )


@hooks.register("before_edit_page")
def refuse_unavailable_workflow_action(request, page):
    """A workflow action this user may not take gets a Thai reason, and nothing is saved.

    Wagtail would otherwise quietly treat the request as "save draft".
    """
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    workflow_state = page.current_workflow_state
    task_state = workflow_state.current_task_state if workflow_state else None
    if task_state is None:
        reason = _("รายการนี้ไม่ได้อยู่ระหว่างรอการพิจารณาแล้ว")
    else:
        action_name = request.POST.get("workflow-action-name", "")
        reason = workflow.action_refusal(page.specific, request.user, task_state, action_name)
    if reason:
        messages.error(request, reason)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_edit_snippet")
def refuse_editing_another_divisions_snippet(request, instance):
    """A snippet in the workflow (a person) opens only to those who may change it; others get
    the reason in Thai, and nothing is saved (also on revert, which is an edit)."""
    if not isinstance(instance, WorkflowMixin):
        return None
    reason = rules.editing_refusal(request.user, instance)
    if reason:
        messages.error(request, reason)
        return redirect(instance.snippet_viewset.get_url_name("list"))
    return None


def _record_attestation(request, obj) -> None:
    workflow_in_progress = getattr(obj, "workflow_in_progress", False)
    if any(request.POST.get(name) for name in SUBMIT_ACTIONS) and workflow_in_progress:
        services.record_attestation(obj, request.user, obj.get_latest_revision())


hooks.register("after_create_page", _record_attestation)
hooks.register("after_edit_page", _record_attestation)
hooks.register("after_create_snippet", _record_attestation)
hooks.register("after_edit_snippet", _record_attestation)


class TakedownLogFormatter(LogFormatter):
    label = gettext_lazy("ถอดข้อมูลออกจากเว็บไซต์")

    def format_message(self, log_entry) -> str:
        # The reason is the point of the record: show it wherever the audit log is listed.
        return _("ถอดข้อมูลออกจากเว็บไซต์ (กรณีเร่งด่วน) เหตุผล: %(reason)s") % {
            "reason": log_entry.data.get("reason", "")
        }


@hooks.register("register_log_actions")
def register_takedown_log_action(actions) -> None:
    actions.register_action(services.TAKEDOWN_ACTION)(TakedownLogFormatter)


@hooks.register("register_admin_urls")
def register_takedown_url():
    return [
        path(
            "publishing/takedown/<int:page_id>/",
            admin_views.takedown,
            name="thesaban_takedown",
        )
    ]


class TakedownButton(PageMenuItem):
    label = gettext_lazy("ถอดออกจากเว็บไซต์")
    icon_name = "warning"
    url_name = "thesaban_takedown"

    def is_shown(self, user) -> bool:
        return services.takedown_refusal(user, self.page) is None


@hooks.register("register_page_listing_more_buttons")
def takedown_listing_button(page, user, next_url=None):
    yield TakedownButton(page=page, priority=41)


@hooks.register("register_page_header_buttons")
def takedown_header_button(page, user, view_name, next_url=None):
    yield TakedownButton(page=page, priority=61)
