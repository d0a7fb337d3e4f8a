"""A small municipality for workflow tests: two divisions, their staff, and two operators."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import querydict_from_html

from thesaban.accounts.models import Division
from thesaban.accounts.services import ensure_role_groups, role_group
from thesaban.accounts.testing import log_in
from thesaban.pages.models import HomePage, NewsIndexPage, NewsPage


def _user(username: str, *groups: Group, **extra):
    user = get_user_model().objects.create_user(
        username=username,
        password="x-" + username,
        email=f"{username}@example.go.th",
        first_name=username,
        last_name="ทดสอบ",
        **extra,
    )
    user.groups.add(*groups)
    return user


def small_site() -> tuple[HomePage, NewsIndexPage, NewsIndexPage]:
    """A home page with two news listings: enough for the workflow, fast to build."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug="home-test"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "เทศบาลทดสอบ"},
    )
    procurement = home.add_child(
        instance=NewsIndexPage(title="ข่าวจัดซื้อจัดจ้าง", slug="procurement", kind="procurement")
    )
    activities = home.add_child(
        instance=NewsIndexPage(title="กิจกรรม", slug="activities", kind="activity")
    )
    return home, procurement, activities


@pytest.fixture
def town(db):
    home, procurement, activities = small_site()
    ensure_role_groups(site=Site.objects.get(is_default_site=True))
    finance = Division.objects.create(
        site=Site.objects.get(is_default_site=True), name="กองคลัง", code="finance"
    )
    finance.sections.add(procurement)
    office = Division.objects.create(
        site=Site.objects.get(is_default_site=True), name="สำนักปลัดเทศบาล", code="office"
    )
    office.sections.add(home)
    finance.refresh_from_db()
    office.refresh_from_db()
    operators = role_group(Site.objects.get(is_default_site=True), "web_operator")
    town = SimpleNamespace(
        home=home,
        procurement=procurement,
        activities=activities,
        finance=finance,
        office=office,
        preparer=_user("preparer", finance.preparers),
        preparer2=_user("preparer2", finance.preparers),
        office_preparer=_user("office_preparer", office.preparers),
        supervisor=_user("supervisor", finance.supervisors),
        supervisor2=_user("supervisor2", finance.supervisors),
        office_supervisor=_user("office_supervisor", office.supervisors),
        operator=_user("operator", operators),
        operator2=_user("operator2", operators),
        itadmin=_user(
            "itadmin", role_group(Site.objects.get(is_default_site=True), "it_administrator")
        ),
        superuser=get_user_model().objects.create_superuser("root", "root@example.go.th", "x-root"),
    )
    return town


def draft_news(parent: Page, owner, title: str = "ประกาศประกวดราคาจ้างก่อสร้างถนน") -> NewsPage:
    page = NewsPage(title=title, summary="สรุปย่อของประกาศ", owner=owner, live=False)
    parent.add_child(instance=page)
    page.save_revision(user=owner)
    return page


def edit_form_data(client, page: Page, **changes) -> dict:
    """The page's edit form as the admin renders it for this client, with `changes` applied."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200, response.status_code
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # StreamFields are drawn by JavaScript; the test pages have empty bodies.
    data.setdefault("body-count", "0")
    for key, value in changes.items():
        data[key] = value
    return data


def submit(client, page: Page, *, attest: bool = True, **changes):
    data = edit_form_data(client, page, **changes)
    data["action-submit"] = "submit"
    if attest:
        data["attest"] = "on"
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def act(client, page: Page, action: str, comment: str = "", follow: bool = False):
    """Approve or request changes on the page's current step, as Wagtail's modal does."""
    page.refresh_from_db()
    task_state = page.current_workflow_state.current_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]),
        {"comment": comment},
        follow=follow,
    )


def as_user(client, user):
    client.logout()
    log_in(client, user)
    return client
