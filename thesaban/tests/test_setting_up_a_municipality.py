"""A municipality set up without the demo, as the README tells an operator.

On the freshly migrated database: `setup_site` and `createsuperuser`; the superuser makes the
IT administrator, who makes a division, gives it a section and makes three people; the
supervisor's and web operator's roles wait for a second person (the superuser) to confirm
them; the three take a news item through the three steps, and it is live on the
municipality's own domain.
"""

import os
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import querydict_from_html

from thesaban.accounts.models import Division, RoleGrant, SiteRole
from thesaban.accounts.services import role_group
from thesaban.accounts.testing import log_in
from thesaban.pages.models import NewsIndexPage, NewsPage
from thesaban.publishing.tests.conftest import act, submit

DOMAIN = "www.example.go.th"


def new_user(username: str, *groups) -> dict:
    return {
        "username": username,
        "email": f"{username}@example.go.th",
        "first_name": username,
        "last_name": "ทดสอบ",
        "password1": "รหัสชั่วคราว-2569",
        "password2": "รหัสชั่วคราว-2569",
        "groups": [group.pk for group in groups],
    }


class SettingUpAMunicipalityTests(TestCase):
    def test_from_an_empty_database_to_a_live_item_through_the_three_steps(self):
        # After migrate: every role's group exists, without the demo loader.
        self.assertEqual(
            set(SiteRole.objects.values_list("role", flat=True)),
            {"web_operator", "it_administrator", "grant_confirmer"},
        )
        call_command("setup_site", "--name", "เทศบาลตำบลตัวอย่าง", "--url", f"https://{DOMAIN}")
        with mock.patch.dict(os.environ, {"DJANGO_SUPERUSER_PASSWORD": "host-password-2569"}):
            call_command(
                "createsuperuser",
                "--noinput",
                "--username",
                "host",
                "--email",
                "host@example.go.th",
                verbosity=0,
            )
        site = Site.objects.get(is_default_site=True)
        self.assertEqual((site.hostname, site.port), (DOMAIN, 443))
        users = get_user_model().objects
        host = users.get(username="host")

        # The superuser makes the IT administrator.
        log_in(self.client, host)
        response = self.client.post(
            reverse("wagtailusers_users:add"),
            new_user("itadmin", role_group(site, "it_administrator")),
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        itadmin = users.get(username="itadmin")
        self.assertTrue(itadmin.groups.filter(site_role__role="it_administrator").exists())

        # The IT administrator makes a division with a section, and three people.
        section = NewsIndexPage.objects.descendant_of(site.root_page).get(slug="activities")
        log_in(self.client, itadmin)
        response = self.client.post(
            reverse("divisions:add"),
            {
                "name": "กองทดสอบ",
                "code": "testing",
                "sort_order": 9,
                "is_active": "on",
                "sections": [section.pk],
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        division = Division.objects.get(site=site, code="testing")
        for username, group in (
            ("preparer", division.preparers),
            ("supervisor", division.supervisors),
            ("operator", role_group(site, "web_operator")),
        ):
            response = self.client.post(
                reverse("wagtailusers_users:add"), new_user(username, group)
            )
            self.assertEqual(response.status_code, 302, response.content[:2000])
        preparer, supervisor, operator = (
            users.get(username=name) for name in ("preparer", "supervisor", "operator")
        )
        # Only the preparer's role took effect: the other two wait for a second person.
        self.assertTrue(preparer.groups.filter(pk=division.preparers_id).exists())
        self.assertFalse(supervisor.groups.exists())
        self.assertFalse(operator.groups.exists())
        waiting = RoleGrant.objects.filter(status=RoleGrant.Status.PENDING)
        self.assertEqual(
            set(waiting.values_list("account__username", flat=True)), {"supervisor", "operator"}
        )
        log_in(self.client, host)
        for grant in waiting:
            self.client.post(reverse("accounts_confirm_grant", args=[grant.pk]))
        self.assertTrue(supervisor.groups.filter(pk=division.supervisors_id).exists())
        self.assertTrue(operator.groups.filter(site_role__role="web_operator").exists())

        # The three steps: prepare and attest, approve, review and publish.
        log_in(self.client, preparer)
        add_url = reverse("wagtailadmin_pages:add", args=["pages", "newspage", section.pk])
        form = self.client.get(add_url)
        self.assertEqual(form.status_code, 200)
        data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
        data.setdefault("body-count", "0")
        data.update({"title": "ประกาศรับสมัครงานทดสอบ", "slug": "job", "summary": "สรุป"})
        response = self.client.post(add_url, data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        page = NewsPage.objects.get(title="ประกาศรับสมัครงานทดสอบ")
        self.assertFalse(page.live)
        self.assertEqual(submit(self.client, page).status_code, 302)
        log_in(self.client, supervisor)
        act(self.client, page, "approve")
        log_in(self.client, operator)
        act(self.client, page, "approve")
        page.refresh_from_db()
        self.assertTrue(page.live)

        self.client.logout()
        public = self.client.get(page.url, HTTP_HOST=DOMAIN, secure=True)
        self.assertContains(public, "ประกาศรับสมัครงานทดสอบ")
        self.assertEqual(page.full_url, f"https://{DOMAIN}/news/activities/job/")
        self.assertTrue(Page.objects.filter(pk=page.pk, live=True).exists())
