"""Emergency takedown: at once, with a mandatory reason, told to the division's supervisors."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import PageLogEntry

from thesaban.publishing.services import TAKEDOWN_ACTION

from .conftest import as_user, draft_news

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_page(town):
    page = draft_news(town.procurement, town.preparer, "ประกาศที่ลงผิด")
    page.get_latest_revision().publish(user=town.superuser)
    page.refresh_from_db()
    return page


def _take_down(client, page, reason):
    return client.post(reverse("thesaban_takedown", args=[page.pk]), {"reason": reason})


def test_operator_takes_down_with_a_reason_and_the_supervisors_are_told(client, town, live_page):
    public = client.__class__()
    assert public.get(live_page.url).status_code == 200
    mail.outbox.clear()
    as_user(client, town.operator)
    response = _take_down(client, live_page, "ระบุเลขบัญชีผิด")
    assert response.status_code == 302
    live_page.refresh_from_db()
    assert not live_page.live
    assert public.get(live_page.url).status_code == 404
    entry = PageLogEntry.objects.get(page=live_page, action=TAKEDOWN_ACTION)
    assert entry.user == town.operator
    assert entry.data["reason"] == "ระบุเลขบัญชีผิด"
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {"supervisor@example.go.th", "supervisor2@example.go.th"}
    assert "ระบุเลขบัญชีผิด" in mail.outbox[0].body


def test_the_reason_is_mandatory_and_nothing_changes_without_it(client, town, live_page):
    as_user(client, town.supervisor)
    response = _take_down(client, live_page, "   ")
    assert response.status_code == 200
    assert "กรุณาระบุเหตุผล" in response.content.decode()
    live_page.refresh_from_db()
    assert live_page.live
    assert not PageLogEntry.objects.filter(action=TAKEDOWN_ACTION).exists()


def test_a_supervisor_of_another_division_cannot_take_down(client, town, live_page):
    as_user(client, town.office_supervisor)
    response = _take_down(client, live_page, "ไม่ใช่งานของฉัน")
    assert response.status_code in (302, 403)
    live_page.refresh_from_db()
    assert live_page.live


def test_takedowns_appear_in_the_site_history_report_with_their_reason(client, town, live_page):
    as_user(client, town.operator)
    _take_down(client, live_page, "ภาพมีข้อมูลส่วนบุคคล")
    as_user(client, town.superuser)
    report = client.get(reverse("wagtailadmin_reports:site_history"), {"action": TAKEDOWN_ACTION})
    content = report.content.decode()
    assert "ประกาศที่ลงผิด" in content
    assert "ภาพมีข้อมูลส่วนบุคคล" in content


def test_the_button_shows_only_to_those_who_may(client, town, live_page):
    url = reverse("thesaban_takedown", args=[live_page.pk])
    as_user(client, town.supervisor)
    assert (
        url
        in client.get(reverse("wagtailadmin_explore", args=[town.procurement.pk])).content.decode()
    )
    as_user(client, town.preparer)
    assert (
        url
        not in client.get(
            reverse("wagtailadmin_explore", args=[town.procurement.pk])
        ).content.decode()
    )
