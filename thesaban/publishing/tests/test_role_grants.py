"""The two-minute path from IT administrator to publisher is closed.

Tried in the demo: the IT administrator created an account, made it a web operator, set its
password and signed in as it. Now the web operator's role waits for a second person
(accounts' `RoleGrant`); until the clerk confirms it, the account sees no item waiting at
step 3 and cannot approve one (docs/decisions/0006-role-assignments.md).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Site

from thesaban.accounts.models import RoleGrant
from thesaban.accounts.services import role_group

from .conftest import _user, act, as_user, draft_news, submit

pytestmark = pytest.mark.django_db

TITLE = "ประกาศจ้างเหมาซ่อมถนน หมู่ 4"
PUPPET = {
    "username": "puppet",
    "email": "puppet@example.go.th",
    "first_name": "หุ่น",
    "last_name": "เชิด",
    "password1": "รหัสชั่วคราว-2569",
    "password2": "รหัสชั่วคราว-2569",
}


def _at_step_three(client, town):
    page = draft_news(town.procurement, town.preparer, TITLE)
    as_user(client, town.preparer)
    assert submit(client, page).status_code == 302
    as_user(client, town.supervisor)
    assert act(client, page, "approve", "เห็นชอบ").status_code == 302
    page.refresh_from_db()
    return page


def _review_queue(client) -> str:
    """The dashboard's "awaiting your review" panel, where a web operator finds step 3."""
    return client.get(reverse("wagtailadmin_home")).content.decode()


def test_an_account_the_it_administrator_makes_a_web_operator_cannot_publish(client, town):
    page = _at_step_three(client, town)
    operators = role_group(Site.objects.get(is_default_site=True), "web_operator")

    as_user(client, town.itadmin)
    response = client.post(reverse("wagtailusers_users:add"), {**PUPPET, "groups": [operators.pk]})
    assert response.status_code == 302
    puppet = get_user_model().objects.get(username="puppet")
    assert not puppet.groups.exists()

    # Signed in as the account whose password the IT administrator chose.
    as_user(client, puppet)
    assert TITLE not in _review_queue(client)
    act(client, page, "approve")
    page.refresh_from_db()
    assert not page.live
    # The real web operator sees it waiting: the queue is not empty for everyone.
    as_user(client, town.operator)
    assert TITLE in _review_queue(client)

    # The clerk, a second person, confirms: now the account is a web operator.
    clerk = _user("clerk", role_group(Site.objects.get(is_default_site=True), "grant_confirmer"))
    as_user(client, clerk)
    grant = RoleGrant.objects.get(account=puppet)
    client.post(reverse("accounts_confirm_grant", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.CONFIRMED

    as_user(client, puppet)
    assert TITLE in _review_queue(client)
    assert act(client, page, "approve").status_code == 302
    page.refresh_from_db()
    assert page.live
