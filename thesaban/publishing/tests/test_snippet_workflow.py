"""People shown on the personnel pages go through the same three steps as pages."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from thesaban.pages.models import Person, PersonIndexPage

from .conftest import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(town):
    return Person.objects.create(
        name="นางสาวสมใจ การเงินดี",
        position="ผู้อำนวยการกองคลัง",
        group="division_head",
        division=town.finance,
    )


@pytest.fixture
def people_page(town):
    return town.home.add_child(
        instance=PersonIndexPage(title="หัวหน้าส่วนราชการ", slug="heads", group="division_head")
    )


def _edit_url(person):
    return reverse("wagtailsnippets_pages_person:edit", args=[person.pk])


def _act(client, person, action):
    person.refresh_from_db()
    task_state = person.current_workflow_state.current_task_state
    return client.post(
        reverse(
            "wagtailsnippets_pages_person:workflow_action",
            args=[person.pk, action, task_state.pk],
        ),
        {"comment": ""},
    )


def test_a_changed_position_is_public_only_after_three_people(client, town, person, people_page):
    public = client.__class__()
    as_user(client, town.preparer)
    form = querydict_from_html(
        client.get(_edit_url(person)).content.decode(), form_id="w-editor-form"
    )
    form["position"] = "ผู้อำนวยการกองคลัง (รักษาการ)"
    form["action-submit"] = "submit"
    without = form.copy()
    response = client.post(_edit_url(person), without)
    assert "กรุณายืนยันว่า" in response.content.decode()
    form["attest"] = "on"
    assert client.post(_edit_url(person), form).status_code == 302
    person.refresh_from_db()
    assert person.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert "(รักษาการ)" not in public.get(people_page.url).content.decode()

    as_user(client, town.supervisor)
    assert _act(client, person, "approve").status_code == 302
    as_user(client, town.operator)
    assert _act(client, person, "approve").status_code == 302
    person.refresh_from_db()
    assert person.position == "ผู้อำนวยการกองคลัง (รักษาการ)"
    assert "(รักษาการ)" in public.get(people_page.url).content.decode()


def test_a_new_person_is_not_public_until_approved(town, people_page, client):
    draft = Person.objects.create(
        name="นายใหม่ ยังไม่อนุมัติ", position="หัวหน้า", group="division_head", live=False
    )
    assert draft.name not in client.get(people_page.url).content.decode()
