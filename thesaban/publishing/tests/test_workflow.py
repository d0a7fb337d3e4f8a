"""The three-step workflow through the admin, as preparer, supervisor and web operator."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, PageLogEntry, TaskState, Workflow, WorkflowState

from thesaban.publishing import rules
from thesaban.publishing.models import DivisionApprovalTask, PublicationTask

from .conftest import act, as_user, draft_news, edit_form_data, submit

pytestmark = pytest.mark.django_db


def _state(page) -> WorkflowState | None:
    return WorkflowState.objects.for_instance(page).order_by("-created_at", "-id").first()


def _submitted(client, town, title="ประกาศประกวดราคาจ้างก่อสร้างถนน"):
    page = draft_news(town.procurement, town.preparer, title)
    as_user(client, town.preparer)
    response = submit(client, page)
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    return page


def _approved_by_supervisor(client, town, title="ประกาศประกวดราคาจ้างก่อสร้างถนน"):
    page = _submitted(client, town, title)
    as_user(client, town.supervisor)
    assert act(client, page, "approve", "เห็นชอบ").status_code == 302
    page.refresh_from_db()
    return page


class TestThreeSteps:
    def test_three_people_publish_and_the_public_sees_it_at_once(self, client, town):
        page = _submitted(client, town)
        state = _state(page)
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert isinstance(state.current_task_state.task.specific, DivisionApprovalTask)
        assert not page.live
        attest = PageLogEntry.objects.get(page=page, action=rules.ATTEST_ACTION)
        assert attest.user == town.preparer
        assert attest.data["statement"] == "ตรวจสอบความถูกต้องของข้อมูลแล้ว"

        as_user(client, town.supervisor)
        assert act(client, page, "approve", "เห็นชอบให้เผยแพร่").status_code == 302
        state.refresh_from_db()
        assert isinstance(state.current_task_state.task.specific, PublicationTask)
        page.refresh_from_db()
        assert not page.live

        anonymous_before = client.__class__().get(town.procurement.url)
        assert "ประกาศประกวดราคาจ้างก่อสร้างถนน" not in anonymous_before.content.decode()

        as_user(client, town.operator)
        assert act(client, page, "approve").status_code == 302
        state.refresh_from_db()
        page.refresh_from_db()
        assert state.status == WorkflowState.STATUS_APPROVED
        assert page.live
        assert page.live_revision == page.get_latest_revision()
        publish = PageLogEntry.objects.get(page=page, action="wagtail.publish")
        assert publish.user == town.operator
        # The listing was cached for anonymous visitors before; publishing cleared it.
        anonymous_after = client.__class__().get(town.procurement.url)
        assert "ประกาศประกวดราคาจ้างก่อสร้างถนน" in anonymous_after.content.decode()

    def test_a_start_time_in_the_future_schedules_instead_of_publishing(self, client, town):
        page = draft_news(town.procurement, town.preparer)
        go_live = timezone.localtime() + datetime.timedelta(days=2)
        as_user(client, town.preparer)
        response = submit(client, page, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
        assert response.status_code == 302
        as_user(client, town.supervisor)
        act(client, page, "approve")
        as_user(client, town.operator)
        act(client, page, "approve")
        page.refresh_from_db()
        assert not page.live
        assert page.get_latest_revision().approved_go_live_at is not None
        print(
            list(PageLogEntry.objects.filter(page=page).values_list("action", flat=True)),
            page.go_live_at,
            page.get_latest_revision().content.get("go_live_at"),
        )
        assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.schedule").exists()

    def test_request_changes_needs_a_comment_and_returns_to_the_preparer(self, client, town):
        page = _submitted(client, town)
        as_user(client, town.supervisor)
        act(client, page, "reject", "")
        assert _state(page).status == WorkflowState.STATUS_IN_PROGRESS
        act(client, page, "reject", "กรุณาแนบเอกสารประกวดราคา")
        state = _state(page)
        assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
        assert state.current_task_state.comment == "กรุณาแนบเอกสารประกวดราคา"
        # The preparer edits and resubmits; the supervisor sees it again.
        as_user(client, town.preparer)
        assert submit(client, page, title="ประกาศประกวดราคา (แก้ไข)").status_code == 302
        state.refresh_from_db()
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert isinstance(state.current_task_state.task.specific, DivisionApprovalTask)


class TestMakerChecker:
    def test_a_person_who_is_preparer_and_supervisor_cannot_approve_their_own(self, client, town):
        town.preparer.groups.add(town.finance.supervisors)
        page = _submitted(client, town)
        as_user(client, town.preparer)
        response = act(client, page, "approve", follow=True)
        assert "ผู้ส่งขออนุมัติไม่สามารถอนุมัติรายการของตนเองได้" in response.content.decode()
        assert _state(page).current_task_state.status == TaskState.STATUS_IN_PROGRESS

    def test_the_supervisor_who_approved_cannot_also_publish(self, client, town):
        town.supervisor.groups.add(town.operator.groups.first())
        page = _approved_by_supervisor(client, town)
        as_user(client, town.supervisor)
        edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert "อนุมัติและเผยแพร่" not in edit.content.decode()
        response = act(client, page, "approve", follow=True)
        assert "คุณอนุมัติรายการนี้ในขั้นตอนก่อนหน้าแล้ว" in response.content.decode()
        page.refresh_from_db()
        assert not page.live

    def test_a_reviewer_who_edits_cannot_approve_their_own_revision(self, client, town):
        page = _submitted(client, town)
        as_user(client, town.supervisor)
        data = edit_form_data(client, page, title="แก้ไขโดยผู้บังคับบัญชา")
        data["action-workflow-action"] = "true"
        data["workflow-action-name"] = "approve"
        client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        state = _state(page)
        # The edit made a new revision: the workflow starts step 2 again on it, and its author
        # may not approve it.
        assert isinstance(state.current_task_state.task.specific, DivisionApprovalTask)
        assert state.current_task_state.revision.user == town.supervisor
        response = act(client, page, "approve", follow=True)
        assert "ไม่สามารถอนุมัติฉบับที่ตนเองแก้ไขได้" in response.content.decode()
        as_user(client, town.supervisor2)
        assert act(client, page, "approve").status_code == 302

    def test_no_staff_group_holds_the_publish_permission(self, town):
        assert not GroupPagePermission.objects.filter(permission__codename="publish_page").exists()

    def test_the_finish_action_refuses_without_an_attestation(self, client, town):
        # Started by API (not the admin form), so no attestation was recorded.
        page = draft_news(town.procurement, town.preparer)
        Workflow.objects.get(active=True).start(page, town.preparer)
        as_user(client, town.supervisor)
        assert act(client, page, "approve").status_code == 302
        as_user(client, town.operator)
        response = act(client, page, "approve", follow=True)
        assert "ไม่พบการยืนยันความถูกต้องของข้อมูล" in response.content.decode()
        page.refresh_from_db()
        assert not page.live
        assert _state(page).current_task_state.status == TaskState.STATUS_IN_PROGRESS


class TestBadInput:
    def test_submitting_without_the_attestation_is_refused_in_thai(self, client, town):
        page = draft_news(town.procurement, town.preparer)
        as_user(client, town.preparer)
        response = submit(client, page, attest=False, title="ชื่อใหม่ที่พิมพ์ไว้")
        assert response.status_code == 200
        content = response.content.decode()
        assert "กรุณายืนยันว่า" in content
        # What was typed is still in the form, and nothing was submitted.
        assert "ชื่อใหม่ที่พิมพ์ไว้" in content
        assert _state(page) is None

    def test_approving_a_cancelled_workflow(self, client, town):
        page = _submitted(client, town)
        task_state = _state(page).current_task_state
        _state(page).cancel(user=town.preparer)
        as_user(client, town.supervisor)
        response = client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
            {"comment": ""},
            follow=True,
        )
        assert "ไม่ได้อยู่ระหว่างรอการพิจารณา" in response.content.decode()
        task_state.refresh_from_db()
        assert task_state.status == TaskState.STATUS_CANCELLED

    def test_a_supervisor_of_another_division_cannot_approve(self, client, town):
        page = _submitted(client, town)
        as_user(client, town.office_supervisor)
        response = act(client, page, "approve", follow=True)
        assert "คุณไม่ได้เป็นผู้มีหน้าที่พิจารณาในขั้นตอนนี้" in response.content.decode()
        assert _state(page).current_task_state.status == TaskState.STATUS_IN_PROGRESS

    def test_an_unavailable_action_in_the_editor_gets_a_thai_reason(self, client, town):
        page = _submitted(client, town)
        as_user(client, town.operator)
        data = edit_form_data(client, page)
        data["action-workflow-action"] = "true"
        data["workflow-action-name"] = "approve"
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True
        )
        assert "คุณไม่ได้เป็นผู้มีหน้าที่พิจารณาในขั้นตอนนี้" in response.content.decode()
        assert _state(page).current_task_state.status == TaskState.STATUS_IN_PROGRESS


class TestNotifications:
    def test_the_next_step_is_told_in_thai_and_superusers_are_not(self, client, town):
        mail.outbox.clear()
        page = _submitted(client, town)
        recipients = {address for message in mail.outbox for address in message.to}
        assert recipients == {"supervisor@example.go.th", "supervisor2@example.go.th"}
        assert "รอการพิจารณา" in mail.outbox[0].subject
        assert page.title in mail.outbox[0].body
        mail.outbox.clear()
        as_user(client, town.supervisor)
        act(client, page, "approve")
        recipients = {address for message in mail.outbox for address in message.to}
        assert {"operator@example.go.th", "operator2@example.go.th"} <= recipients
        assert "root@example.go.th" not in recipients


def test_approving_an_unchanged_page_in_the_editor_makes_no_new_revision(client, town):
    """A news item's date defaults to today: approving must not count it as an edit."""
    page = _submitted(client, town)
    revisions = page.revisions.count()
    as_user(client, town.supervisor)
    data = edit_form_data(client, page)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert page.revisions.count() == revisions
    assert isinstance(_state(page).current_task_state.task.specific, PublicationTask)
