"""People shown on the personnel pages go through the same three steps as pages."""

import pytest
from django.urls import reverse
from wagtail.models import Site, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from thesaban.pages.models import Person, PersonIndexPage

from .conftest import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(town):
    return Person.objects.create(
        site=Site.objects.get(is_default_site=True),
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
        site=Site.objects.get(is_default_site=True),
        name="นายใหม่ ยังไม่อนุมัติ",
        position="หัวหน้า",
        group="division_head",
        live=False,
    )
    assert draft.name not in client.get(people_page.url).content.decode()


# --- Whose people a member of staff may change ----------------------------------------------
def _form(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return querydict_from_html(response.content.decode(), form_id="w-editor-form")


def test_a_preparer_of_another_division_cannot_open_or_save_a_persons_draft(client, town, person):
    as_user(client, town.preparer)
    form = _form(client, _edit_url(person))
    as_user(client, town.office_preparer)
    response = client.get(_edit_url(person), follow=True)
    assert "เฉพาะผู้จัดทำข้อมูลหรือผู้บังคับบัญชาของกองคลัง" in response.content.decode()
    revisions = person.revisions.count()
    form["position"] = "แก้โดยส่วนราชการอื่น"
    for action in ({}, {"action-submit": "submit", "attest": "on"}):
        response = client.post(_edit_url(person), {**form.dict(), **action})
        assert response.status_code == 302
    person.refresh_from_db()
    assert person.revisions.count() == revisions
    assert person.latest_revision is None or "แก้โดย" not in str(person.latest_revision.content)
    assert person.current_workflow_state is None


def test_the_owning_division_and_the_web_operators_may_edit(client, town, person):
    for user in (town.preparer, town.supervisor, town.operator, town.superuser):
        as_user(client, user)
        assert client.get(_edit_url(person)).status_code == 200, user


def test_a_person_without_a_division_belongs_to_the_division_owning_the_home_page(client, town):
    mayor = Person.objects.create(
        site=Site.objects.get(is_default_site=True),
        name="นายกเทศมนตรี ทดสอบ",
        position="นายก",
        group="executive",
    )
    as_user(client, town.preparer)
    assert client.get(_edit_url(mayor)).status_code == 302
    as_user(client, town.office_preparer)
    assert client.get(_edit_url(mayor)).status_code == 200


def test_a_preparer_cannot_put_a_person_in_another_division(client, town, person):
    as_user(client, town.preparer)
    form = _form(client, _edit_url(person))
    form["division"] = str(town.office.pk)
    response = client.post(_edit_url(person), form)
    assert response.status_code == 200
    assert "เลือกได้เฉพาะส่วนราชการที่คุณรับผิดชอบ" in response.content.decode()
    person.refresh_from_db()
    assert person.division == town.finance

    add_url = reverse("wagtailsnippets_pages_person:add")
    form = _form(client, add_url)
    form.update({"name": "นายใหม่", "position": "นักวิชาการ", "group": "staff"})
    form["division"] = str(town.office.pk)
    response = client.post(add_url, form)
    assert response.status_code == 200
    assert not Person.objects.filter(name="นายใหม่").exists()
    form["division"] = str(town.finance.pk)
    assert client.post(add_url, form).status_code == 302
    assert Person.objects.get(name="นายใหม่").division == town.finance
