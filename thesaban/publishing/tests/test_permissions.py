"""The permission matrix of issue #3: every role × every action, through the admin over HTTP.

"Own division" is กองคลัง (the supervisor's and the preparer's); "other division" is สำนักปลัด.
The web operator and the IT administrator have no division: the operator reviews every page.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from thesaban.publishing.models import PublicationTask

from .conftest import act, as_user, draft_news, edit_form_data, submit

pytestmark = pytest.mark.django_db

ACTIONS = (
    "edit_own_division",
    "edit_other_division",
    "submit",
    "approve_step_2",
    "approve_step_3",
    "publish_directly",
    "unpublish",
    "take_down",
    "manage_users",
)
Y, N = True, False
MATRIX = {
    #              edit own  other  submit  step 2  step 3  publish  unpublish  takedown  users
    "preparer": (Y, N, Y, N, N, N, N, N, N),
    "supervisor": (Y, N, N, Y, N, N, N, Y, N),
    "operator": (Y, Y, N, N, Y, N, N, Y, N),
    "itadmin": (N, N, N, N, N, N, N, N, Y),
}


def _edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _can_save(client, page, user) -> bool:
    response = client.get(_edit_url(page))
    if response.status_code != 200:
        return False
    data = edit_form_data(client, page, title="แก้ไขชื่อเรื่อง")
    client.post(_edit_url(page), data)
    page.refresh_from_db()
    revision = page.get_latest_revision()
    return revision.user == user and revision.content["title"] == "แก้ไขชื่อเรื่อง"


def _live_page(town):
    page = draft_news(town.procurement, town.preparer2, "ประกาศที่เผยแพร่อยู่")
    page.get_latest_revision().publish(user=town.superuser)
    page.refresh_from_db()
    assert page.live
    return page


def _submitted_by_colleague(client, town):
    page = draft_news(town.procurement, town.preparer2)
    as_user(client, town.preparer2)
    assert submit(client, page).status_code == 302
    return page


def edit_own_division(client, town, user):
    return _can_save(client, draft_news(town.procurement, town.preparer2), user)


def edit_other_division(client, town, user):
    return _can_save(client, draft_news(town.activities, town.office_preparer), user)


def submit_(client, town, user):
    page = draft_news(town.procurement, town.preparer2)
    if client.get(_edit_url(page)).status_code != 200:
        return False
    submit(client, page)
    page.refresh_from_db()
    return page.workflow_in_progress


def approve_step_2(client, town, user):
    page = _submitted_by_colleague(client, town)
    as_user(client, user)
    act(client, page, "approve")
    task = page.current_workflow_state.current_task_state.task.specific
    return isinstance(task, PublicationTask)


def approve_step_3(client, town, user):
    page = _submitted_by_colleague(client, town)
    as_user(client, town.supervisor2)
    act(client, page, "approve")
    as_user(client, user)
    act(client, page, "approve")
    page.refresh_from_db()
    return page.live


def publish_directly(client, town, user):
    page = draft_news(town.procurement, town.preparer2)
    if client.get(_edit_url(page)).status_code == 200:
        data = edit_form_data(client, page)
        data["action-publish"] = "publish"
        client.post(_edit_url(page), data)
    # Wagtail's bulk publish action too: it must not bypass the workflow either.
    client.post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={page.pk}",
        {"include_descendants": ""},
    )
    page.refresh_from_db()
    return page.live


def unpublish(client, town, user):
    page = _live_page(town)
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    page.refresh_from_db()
    return not page.live


def take_down(client, town, user):
    page = _live_page(town)
    client.post(reverse("thesaban_takedown", args=[page.pk]), {"reason": "ข้อมูลผิดพลาด"})
    page.refresh_from_db()
    return not page.live


def manage_users(client, town, user):
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newclerk",
            "email": "newclerk@example.go.th",
            "first_name": "เสมียน",
            "last_name": "ใหม่",
            "password1": "a-Long-passw0rd-2569",
            "password2": "a-Long-passw0rd-2569",
            "groups": [town.finance.preparers_id],
        },
    )
    return (
        response.status_code == 302
        and get_user_model().objects.filter(username="newclerk").exists()
    )


OPERATIONS = {
    "edit_own_division": edit_own_division,
    "edit_other_division": edit_other_division,
    "submit": submit_,
    "approve_step_2": approve_step_2,
    "approve_step_3": approve_step_3,
    "publish_directly": publish_directly,
    "unpublish": unpublish,
    "take_down": take_down,
    "manage_users": manage_users,
}


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, town, role, action):
    expected = MATRIX[role][ACTIONS.index(action)]
    user = getattr(town, role)
    as_user(client, user)
    assert OPERATIONS[action](client, town, user) is expected
