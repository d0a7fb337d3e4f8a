"""The daily check per municipality: two (and three) municipalities on one install, built with
the same titles, slugs and division names; each is checked, mailed and shown its own only."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import decode_header, make_header
from io import StringIO
from unittest import mock

import openpyxl
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Collection, Page, Site
from wagtail.rich_text import RichText

from thesaban.accounts import access
from thesaban.accounts.models import Division
from thesaban.accounts.services import ensure_role_groups, role_group, site_collection
from thesaban.accounts.testing import log_in
from thesaban.core.models import MunicipalitySettings, SiteImage
from thesaban.core.thai_dates import BANGKOK
from thesaban.monitoring import content_checks, history, services
from thesaban.monitoring.models import CheckRun, Finding, FreshnessRule
from thesaban.monitoring.notifications import send_digests
from thesaban.monitoring.tasks import check_site, start_daily_site_check
from thesaban.pages.models import ContentPage, DocumentIndexPage, HomePage, Person, SectionPage
from thesaban.pages.tests.factories import SiteImageFactory

from .http_servers import WithTestServer
from .test_run_control import check_running_elsewhere
from .test_services import FAST


def paragraph(html: str):
    return [("paragraph", RichText(html))]


def options(html: str, name: str) -> set[str]:
    """The values a filter's dropdown offers."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.DOTALL)
    return set(re.findall(r'<option value="([^"]*)"', select.group(0)))


@dataclass
class Municipality:
    """One municipality of the test install; each is built with the same titles, slugs and
    division names, and differs only in its host, its name and its `marker`."""

    site: Site
    name: str
    marker: str
    home: HomePage
    section: SectionPage
    page: ContentPage
    plans: DocumentIndexPage
    division: Division
    rule: FreshnessRule
    preparer: object
    supervisor: object
    operator: object


def build(hostname: str, *, home_slug: str, name: str, marker: str, link_base: str, default=False):
    root = Page.get_first_root_node()
    # Two pages under the tree root cannot share a slug; every page below them does.
    home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug=home_slug))
    if default:
        site = Site.objects.get(is_default_site=True)
        site.hostname, site.port, site.root_page = hostname, 80, home
        site.save()
    else:
        site = Site.objects.create(hostname=hostname, port=80, root_page=home)
    settings = MunicipalitySettings.for_site(site)
    settings.name = name
    settings.save()
    ensure_role_groups(site=site)
    section = home.add_child(instance=SectionPage(title="งานช่าง", slug="works"))
    page = section.add_child(
        instance=ContentPage(
            title="ข้อมูลการติดต่อ",
            slug="contact",
            body=paragraph(f'<p><a href="{link_base}/missing/{marker}">แผนที่</a></p>'),
        )
    )
    plans = section.add_child(instance=DocumentIndexPage(title="แผน", slug="plans"))
    division = Division.objects.create(site=site, name="กองช่าง", code="works")
    division.sections.add(section)
    division.refresh_from_db()
    rule = FreshnessRule.objects.create(
        site=site, name="แผนการดำเนินงาน", reference="ITA O6", section=plans
    )
    users = get_user_model().objects

    def person(role: str, group):
        user = users.create_user(
            username=f"{marker}-{role}", password="x", email=f"{marker}-{role}@example.go.th"
        )
        user.groups.add(group)
        return user

    return Municipality(
        site=site,
        name=name,
        marker=marker,
        home=home,
        section=section,
        page=page,
        plans=plans,
        division=division,
        rule=rule,
        preparer=person("preparer", division.preparers),
        supervisor=person("supervisor", division.supervisors),
        operator=person("operator", role_group(site, "web_operator")),
    )


# A, the default site, is reached at SITE_URL, which its site record agrees with (site_files).
@override_settings(SITE_URL="http://a.example.go.th")
class TwoMunicipalitiesTestCase(WithTestServer, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = build(
            "a.example.go.th",
            home_slug="home-a",
            name="เทศบาลเมืองอัลฟา",
            marker="alfa",
            link_base=cls.server.url,
            default=True,
        )
        cls.b = build(
            "b.example.go.th",
            home_slug="home-b",
            name="เทศบาลตำบลบราโว",
            marker="bravo",
            link_base=cls.server.url,
        )

    def run_check(self, municipality: Municipality) -> CheckRun:
        return services.run_check(site=municipality.site, limits=FAST)

    def findings_of(self, municipality: Municipality):
        return Finding.objects.filter(site=municipality.site)


class RunPerMunicipalityTests(TwoMunicipalitiesTestCase):
    def test_a_run_checks_and_records_its_own_site_only(self):
        """A's run renders A's pages and asks about A's links; its findings are A's, on A's
        pages, for A's division; B has nothing until its own run, which leaves A's alone."""
        run = self.run_check(self.a)
        self.assertEqual(run.site, self.a.site)
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        # home, works section, contact page, plans
        self.assertEqual(run.pages_checked, 4)
        asked = {path for _method, path in self.server.requests}
        self.assertIn("/missing/alfa", asked)
        self.assertNotIn("/missing/bravo", asked)
        findings = list(self.findings_of(self.a))
        self.assertEqual(
            {(finding.kind, finding.page_id) for finding in findings},
            {
                (Finding.Kind.BROKEN_LINK, self.a.page.pk),
                (Finding.Kind.MISSING_CONTENT, self.a.plans.pk),
            },
        )
        self.assertTrue(all(finding.division == self.a.division for finding in findings))
        self.assertTrue(all(finding.last_seen_run == run for finding in findings))
        self.assertFalse(self.findings_of(self.b).exists())
        self.assertFalse(Finding.objects.filter(page__path__startswith=self.b.home.path).exists())

        b_run = self.run_check(self.b)
        self.assertEqual(
            {f.target_url for f in self.findings_of(self.b).filter(kind=Finding.Kind.BROKEN_LINK)},
            {f"{self.server.url}/missing/bravo"},
        )
        self.assertEqual(b_run.findings_closed, 0)
        for finding in findings:
            finding.refresh_from_db()
            self.assertEqual((finding.status, finding.last_seen_run), (Finding.Status.OPEN, run))

    def test_what_a_run_no_longer_sees_is_closed_in_its_own_site_only(self):
        self.run_check(self.a)
        self.run_check(self.b)
        self.a.page.body = paragraph("<p>ไม่มีลิงก์แล้ว</p>")
        self.a.page.save_revision().publish()
        run = self.run_check(self.a)
        self.assertEqual(run.findings_closed, 1)
        self.assertFalse(
            self.findings_of(self.a).unresolved().filter(kind=Finding.Kind.BROKEN_LINK).exists()
        )
        # B's findings, which A's run never looked for, are as B's run left them.
        self.assertEqual(self.findings_of(self.b).open().count(), 2)
        self.assertEqual(
            set(self.findings_of(self.b).values_list("last_seen_run__site", flat=True)),
            {self.b.site.pk},
        )

    def test_the_same_problem_in_two_municipalities_is_two_findings(self):
        """A finding of no page has the same fingerprint in both (here the content checks'
        own failure): each municipality has its own, and each run sees and closes its own."""
        with (
            mock.patch.object(
                services.content_checks, "find_problems", side_effect=RuntimeError("bug")
            ),
            self.assertLogs("thesaban.monitoring.services", "ERROR"),
        ):
            self.run_check(self.a)
            self.run_check(self.b)
        failures = Finding.objects.filter(page=None, kind=Finding.Kind.PAGE_ERROR)
        self.assertEqual(
            sorted(failures.values_list("site_id", flat=True)),
            sorted([self.a.site.pk, self.b.site.pk]),
        )
        self.run_check(self.a)  # working again in A
        self.assertEqual(
            dict(failures.values_list("site_id", "status")),
            {self.a.site.pk: Finding.Status.RESOLVED, self.b.site.pk: Finding.Status.OPEN},
        )

    def test_a_link_to_another_municipality_is_checked_through_django_and_is_the_linker_s(self):
        """B is served by this install: A's links to it are requested through Django (no
        network), and a broken one is A's finding, on A's page, for A's division."""
        self.a.page.body = paragraph(
            '<p><a href="http://b.example.go.th/works/contact/">บราโว</a>'
            '<a href="http://b.example.go.th/works/gone-bravo/">หายไป</a></p>'
        )
        self.a.page.save_revision().publish()
        self.run_check(self.a)
        [broken] = self.findings_of(self.a).filter(kind=Finding.Kind.BROKEN_LINK)
        self.assertEqual(broken.target_url, "http://b.example.go.th/works/gone-bravo/")
        self.assertEqual((broken.page_id, broken.division), (self.a.page.pk, self.a.division))
        self.assertEqual(broken.detail, "HTTP 404")
        self.assertFalse(self.findings_of(self.b).exists())
        self.assertFalse(any("gone-bravo" in path for _method, path in self.server.requests))

    def test_checking_one_page_again_records_it_for_its_own_municipality(self):
        opened, _resolved = services.check_page(page=self.b.page, user=self.b.preparer)
        self.assertEqual(opened, 1)
        [finding] = Finding.objects.all()
        self.assertEqual((finding.site, finding.division), (self.b.site, self.b.division))

    def test_whether_a_finding_of_no_page_is_still_there_asks_its_own_municipality(self):
        """B's rule without a section is B's finding; A's rule, fixed, says nothing of it."""
        FreshnessRule.objects.filter(pk__in=[self.a.rule.pk, self.b.rule.pk]).update(section=None)
        self.run_check(self.a)
        self.run_check(self.b)
        b_rule = self.findings_of(self.b).get(rule=self.b.rule)
        self.assertIsNone(b_rule.page)
        self.a.rule.delete()
        self.assertTrue(content_checks.is_still_found(b_rule))
        self.assertFalse(services.mark_fixed(finding=b_rule, user=self.b.operator))


class ContentChecksPerMunicipalityTests(TwoMunicipalitiesTestCase):
    def results(self, municipality: Municipality):
        return content_checks.find_problems(site=municipality.site)

    def image(self, title: str, collection: Collection) -> SiteImage:
        return SiteImageFactory(title=title, description="", collection=collection)

    def test_each_municipality_s_rules_judge_its_own_sections(self):
        for municipality in (self.a, self.b):
            with self.subTest(municipality.marker):
                [result] = self.results(municipality)
                self.assertEqual(result.page.pk, municipality.plans.pk)
                [problem] = result.problems
                self.assertEqual(problem.rule_id, municipality.rule.pk)

    def test_a_rule_whose_section_is_another_municipality_s_judges_nothing_there(self):
        FreshnessRule.objects.filter(pk=self.a.rule.pk).update(section=self.b.section)
        [result] = self.results(self.a)
        self.assertIsNone(result.page)
        self.assertEqual(result.problems[0].kind, Finding.Kind.MISSING_CONTENT)

    def test_files_are_the_municipality_s_whose_collection_holds_them_or_whose_pages_use_them(
        self,
    ):
        root = Collection.get_first_root_node()
        in_b = self.image("bravo-collection", site_collection(self.b.site))
        used_by_b = self.image("bravo-used", root)
        Person.objects.create(
            site=self.b.site,
            name="นายพัสดุ ถูกต้อง",
            position="เจ้าพนักงานพัสดุ",
            group="staff",
            division=self.b.division,
            photo=used_by_b,
        )
        unused = self.image("shared-unused", root)

        def images(municipality):
            return {
                problem.target_url
                for result in self.results(municipality)
                for problem in result.problems
                if problem.kind == Finding.Kind.IMAGE_ALT
            }

        url = lambda image: reverse("wagtailimages:edit", args=[image.pk])  # noqa: E731
        # Of no municipality's collection, used by nothing: the default site's (A).
        self.assertEqual(images(self.a), {url(unused)})
        self.assertEqual(images(self.b), {url(in_b), url(used_by_b)})


@override_settings(THESABAN_SITE_CHECK_AT="06:00")
class SchedulerTests(TwoMunicipalitiesTestCase):
    def setUp(self):
        # After the day's check time (Bangkok), the clock running.
        traveller = time_machine.travel(datetime(2026, 3, 2, 7, 0, tzinfo=BANGKOK))
        traveller.start()
        self.addCleanup(traveller.stop)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.c = build(
            "c.example.go.th",
            home_slug="home-c",
            name="เทศบาลนครชาร์ลี",
            marker="charlie",
            link_base=cls.server.url,
        )

    def test_the_daily_check_runs_every_municipality_once(self):
        """Three municipalities: three runs opened, three tasks enqueued, three finished runs,
        each mailed to its own staff; asked again the same day, nothing more."""
        self.assertEqual(start_daily_site_check.call(), 3)
        runs = list(CheckRun.objects.order_by("pk"))
        self.assertEqual(
            [(run.site, run.status) for run in runs],
            [(m.site, CheckRun.Status.FINISHED) for m in (self.a, self.b, self.c)],
        )
        self.assertTrue(all(run.pages_checked == 4 for run in runs))
        for municipality in (self.a, self.b, self.c):
            mailed = [m for m in mail.outbox if m.to[0].startswith(f"{municipality.marker}-")]
            self.assertEqual(len(mailed), 2)  # its preparer and its supervisor
            self.assertTrue(all(municipality.name in message.body for message in mailed))
        self.assertEqual(start_daily_site_check.call(), 0)
        self.assertEqual(CheckRun.objects.count(), 3)

    def test_a_run_whose_task_found_the_lock_taken_is_checked_by_the_task_holding_it(self):
        """While a check runs elsewhere, the tasks of B's and C's runs find the lock taken and
        return: their runs stay RUNNING. The task that holds the lock goes on to them."""
        runs = services.start_due_check()
        self.assertEqual(len(runs), 3)
        first, *others = runs
        with check_running_elsewhere():
            for run in others:
                self.assertTrue(check_site.enqueue(run_id=run.pk).return_value["skipped"])
        self.assertEqual(
            set(CheckRun.objects.values_list("status", flat=True)), {CheckRun.Status.RUNNING}
        )
        result = check_site.enqueue(run_id=first.pk).return_value
        self.assertEqual([run["run"] for run in result["runs"]], [run.pk for run in runs])
        self.assertEqual(
            set(CheckRun.objects.values_list("status", flat=True)), {CheckRun.Status.FINISHED}
        )

    def test_a_run_opened_while_the_lock_is_held_is_not_left_behind(self):
        """A municipality's run opened during another's check (its task finds the lock taken,
        as above) is taken on by the task that holds it."""
        run_a = services.open_run(site=self.a.site)
        opened = []
        real_run_check = services._run_check

        def open_c_during_a(run, **kwargs):
            if run.pk == run_a.pk:
                opened.append(services.open_run(site=self.c.site))
            return real_run_check(run, **kwargs)

        with mock.patch.object(services, "_run_check", open_c_during_a):
            result = check_site.enqueue(run_id=run_a.pk).return_value
        self.assertEqual([run["run"] for run in result["runs"]], [run_a.pk, opened[0].pk])
        opened[0].refresh_from_db()
        self.assertEqual(opened[0].status, CheckRun.Status.FINISHED)

    def test_one_municipality_s_broken_check_does_not_stop_the_others(self):
        runs = services.start_due_check()
        real_run_check = services._run_check

        def b_fails(run, **kwargs):
            if run.site_id == self.b.site.pk:
                raise RuntimeError("B's check broke")
            return real_run_check(run, **kwargs)

        with (
            mock.patch.object(services, "_run_check", b_fails),
            self.assertLogs("thesaban.monitoring.services", "ERROR"),
            self.assertRaisesMessage(RuntimeError, "B's check broke"),
        ):
            services.run_waiting_checks(run_id=runs[0].pk, limits=FAST)
        self.assertEqual(
            dict(CheckRun.objects.values_list("site_id", "status")),
            {
                self.a.site.pk: CheckRun.Status.FINISHED,
                self.b.site.pk: CheckRun.Status.RUNNING,
                self.c.site.pk: CheckRun.Status.FINISHED,
            },
        )

    def test_runs_are_opened_per_municipality_and_yesterday_s_abandoned_per_municipality(self):
        now = timezone.now()
        yesterday_b = CheckRun.objects.create(site=self.b.site, started_at=now - timedelta(days=1))
        today_a = CheckRun.objects.create(site=self.a.site, started_at=now)
        with mock.patch.object(services, "daily_check_time", return_value=now.time()):
            opened = services.start_due_check(now=now + timedelta(seconds=1))
        self.assertEqual({run.site for run in opened}, {self.b.site, self.c.site})
        yesterday_b.refresh_from_db()
        today_a.refresh_from_db()
        self.assertEqual(yesterday_b.status, CheckRun.Status.ABANDONED)
        self.assertEqual(today_a.status, CheckRun.Status.RUNNING)

    def test_stalled_runs_are_found_in_every_municipality(self):
        long_ago = timezone.now() - services.STALLED_AFTER - timedelta(minutes=1)
        stalled = [
            CheckRun.objects.create(site=m.site, started_at=long_ago, heartbeat_at=long_ago)
            for m in (self.a, self.c)
        ]
        beating = CheckRun.objects.create(site=self.b.site, heartbeat_at=timezone.now())
        self.assertEqual(services.stalled_runs(), stalled)
        with mock.patch.object(services, "start_due_check", return_value=[]):
            self.assertEqual(start_daily_site_check.call(), 0)  # enqueued once, not again
        check_site.enqueue(run_id=stalled[0].pk)
        for run in [*stalled, beating]:
            run.refresh_from_db()
            self.assertEqual(run.status, CheckRun.Status.FINISHED)

    def test_the_command_checks_every_municipality_or_the_one_named(self):
        out = StringIO()
        call_command("check_site", "--no-mail", stdout=out)
        self.assertEqual(
            sorted(CheckRun.objects.values_list("site__hostname", flat=True)),
            ["a.example.go.th", "b.example.go.th", "c.example.go.th"],
        )
        for hostname in ("a.example.go.th", "b.example.go.th", "c.example.go.th"):
            self.assertIn(f"of {hostname}: 4 pages", out.getvalue())
        call_command("check_site", "--site", "b.example.go.th", stdout=StringIO())
        self.assertEqual(CheckRun.objects.filter(site=self.b.site).count(), 2)
        self.assertEqual(CheckRun.objects.count(), 4)
        self.assertTrue(all(m.to[0].startswith("bravo-") for m in mail.outbox))
        with self.assertRaisesMessage(CommandError, "No site with the host name"):
            call_command("check_site", "--site", "nowhere.example.go.th")


class DigestPerMunicipalityTests(TwoMunicipalitiesTestCase):
    def test_each_municipality_s_staff_get_its_findings_in_its_name(self):
        run_a = self.run_check(self.a)
        self.run_check(self.b)
        mail.outbox.clear()
        sent = send_digests(run=run_a)
        self.assertEqual(sent, 2)
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            ["alfa-preparer@example.go.th", "alfa-supervisor@example.go.th"],
        )
        for message in mail.outbox:
            sender = str(make_header(decode_header(message.message()["From"])))
            text = message.subject + message.body + sender
            self.assertIn("เทศบาลเมืองอัลฟา", message.body)
            self.assertTrue(message.subject.startswith("[เทศบาลเมืองอัลฟา] "))
            self.assertEqual(sender, "เทศบาลเมืองอัลฟา <webmaster@localhost>")
            self.assertIn("http://a.example.go.th/admin/reports/site-check/", message.body)
            for trace in ("bravo", "บราโว", "b.example.go.th"):
                self.assertNotIn(trace, text)
        digest = next(m for m in mail.outbox if m.to == ["alfa-preparer@example.go.th"])
        self.assertIn(f"{self.server.url}/missing/alfa", digest.body)

    def test_findings_of_no_division_go_to_the_municipality_s_own_web_operators(self):
        Finding.objects.create(
            site=self.a.site,
            page=self.a.home,
            fingerprint="home-problem",
            kind=Finding.Kind.PAGE_ERROR,
            severity=Finding.Severity.HIGH,
            detail="HTTP 500",
            first_seen_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
        send_digests(run=CheckRun.objects.create(site=self.a.site))
        self.assertEqual([m.to for m in mail.outbox], [["alfa-operator@example.go.th"]])
        mail.outbox.clear()
        self.assertEqual(send_digests(run=CheckRun.objects.create(site=self.b.site)), 0)


class AdminPerMunicipalityTests(TwoMunicipalitiesTestCase):
    """A's staff, in every screen and export, see none of B's findings, rules, runs and
    history, and cannot act on them by guessing their ids."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for municipality in (cls.a, cls.b):
            services.run_check(site=municipality.site, limits=FAST)
        cls.b_finding = Finding.objects.get(site=cls.b.site, kind=Finding.Kind.BROKEN_LINK)
        cls.b_run = CheckRun.objects.get(site=cls.b.site)
        services.accept_finding(
            finding=Finding.objects.get(site=cls.a.site, rule=cls.a.rule),
            user=cls.a.operator,
            reason="เหตุผลของอัลฟา",
        )
        services.accept_finding(
            finding=Finding.objects.get(site=cls.b.site, rule=cls.b.rule),
            user=cls.b.operator,
            reason="เหตุผลของบราโว",
        )
        cls.report = reverse("monitoring_findings")

    def assert_nothing_of_b(self, content: str) -> None:
        self.assertNotIn("/missing/bravo", content)
        self.assertNotIn("เหตุผลของบราโว", content)
        self.assertNotIn(reverse("monitoring_finding_action", args=[self.b_finding.pk]), content)
        self.assertNotIn(f"#finding-{self.b_finding.pk}", content)

    def test_the_report_its_filters_and_exports_are_the_municipality_s_own(self):
        for person in (self.a.operator, self.a.preparer):
            with self.subTest(person.username):
                log_in(self.client, person)
                response = self.client.get(self.report)
                content = response.content.decode()
                self.assertIn("/missing/alfa", content)
                self.assert_nothing_of_b(content)
                # The dropdowns offer A's division and A's rule only.
                self.assertEqual(options(content, "division"), {"", str(self.a.division.pk)})
                self.assertEqual(options(content, "rule"), {"", str(self.a.rule.pk)})
                # Asking for B's division or rule by id lists nothing of B.
                for query in ({"division": self.b.division.pk}, {"rule": self.b.rule.pk}):
                    self.assert_nothing_of_b(self.client.get(self.report, query).content.decode())
                csv_text = b"".join(
                    self.client.get(self.report, {"export": "csv"}).streaming_content
                ).decode()
                self.assertIn("/missing/alfa", csv_text)
                self.assert_nothing_of_b(csv_text)
                self.assertEqual(len(list(csv.reader(io.StringIO(csv_text)))), 3)
                response = self.client.get(self.report, {"export": "xlsx"})
                workbook = b"".join(response.streaming_content)
                sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
                cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
                self.assertIn("/missing/alfa", cells)
                self.assert_nothing_of_b(cells)

    def test_the_report_summarises_the_municipality_s_own_latest_run(self):
        CheckRun.objects.filter(pk=self.b_run.pk).update(pages_checked=98765)
        log_in(self.client, self.a.operator)
        response = self.client.get(self.report)
        self.assertContains(response, 'id="latest-check-run"')
        self.assertNotContains(response, "98765")

    def test_another_municipality_s_finding_cannot_be_acted_on_by_its_id(self):
        before = Finding.objects.filter(pk=self.b_finding.pk).values().get()
        log_in(self.client, self.a.operator)
        for data in ({"action": "fix"}, {"action": "accept", "reason": "ของเรา"}):
            response = self.client.post(
                reverse("monitoring_finding_action", args=[self.b_finding.pk]), data
            )
            self.assertEqual(response.status_code, 404)
        response = self.client.post(
            reverse("monitoring_page_findings", args=[self.a.page.pk]),
            {"action": "accept", "finding": self.b_finding.pk, "reason": "ของเรา"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Finding.objects.filter(pk=self.b_finding.pk).values().get(), before)
        self.assertFalse(
            history.entries_for([self.b_finding]).filter(user=self.a.operator).exists()
        )

    def test_another_municipality_s_page_findings_are_refused(self):
        before = Finding.objects.filter(site=self.b.site).order_by("pk").values().first()
        log_in(self.client, self.a.operator)
        url = reverse("monitoring_page_findings", args=[self.b.page.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"action": "check"}).status_code, 404)
        self.assertEqual(
            Finding.objects.filter(site=self.b.site).order_by("pk").values().first(), before
        )
        response = self.client.get(reverse("monitoring_page_findings", args=[self.a.page.pk]))
        self.assertContains(response, "/missing/alfa")
        self.assert_nothing_of_b(response.content.decode())

    def test_the_dashboard_s_today_is_the_latest_finished_run_of_the_municipality(self):
        """A's run finished two days ago, B's since: A's panel still lists what A's latest
        run saw, and nothing of B."""
        long_ago = timezone.now() - timedelta(days=2)
        CheckRun.objects.filter(site=self.a.site).update(started_at=long_ago)
        Finding.objects.filter(site=self.a.site).update(last_seen_at=long_ago)
        log_in(self.client, self.a.operator)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "monitoring-open-findings")
        content = response.content.decode()
        self.assertIn("/missing/alfa", content)
        self.assert_nothing_of_b(content)

    def test_site_history_lists_the_municipality_s_own_finding_entries(self):
        url = reverse("wagtailadmin_reports:site_history")
        log_in(self.client, self.a.operator)
        response = self.client.get(url, {"action": history.ACCEPTED})
        self.assertContains(response, "เหตุผลของอัลฟา")
        self.assertNotContains(response, "เหตุผลของบราโว")
        response = self.client.get(url)
        self.assertContains(response, "/missing/alfa")
        self.assert_nothing_of_b(response.content.decode())
        export = b"".join(self.client.get(url, {"export": "csv"}).streaming_content).decode()
        self.assertIn("/missing/alfa", export)
        self.assertNotIn("/missing/bravo", export)
        # The host sees both.
        host = get_user_model().objects.create_superuser("host", "host@example.go.th", "x")
        log_in(self.client, host)
        response = self.client.get(url, {"action": history.ACCEPTED})
        self.assertContains(response, "เหตุผลของอัลฟา")
        self.assertContains(response, "เหตุผลของบราโว")


class FreshnessRuleAdminPerMunicipalityTests(TwoMunicipalitiesTestCase):
    def form(self, section: Page, **changes) -> dict:
        return {
            "name": "แผนจัดหาพัสดุ",
            "reference": "ITA O12",
            "section": section.pk,
            "requirement": FreshnessRule.Requirement.PRESENT,
            "max_age_days": "",
            "fiscal_year": 0,
            "grace_days": 0,
            "severity": Finding.Severity.MEDIUM,
            "active": "on",
            "note": "",
        } | changes

    def test_a_web_operator_sees_and_edits_the_municipality_s_own_rules_only(self):
        FreshnessRule.objects.filter(pk=self.b.rule.pk).update(note="หมายเหตุของบราโว")
        log_in(self.client, self.a.operator)
        response = self.client.get(reverse("freshness_rules:index"))
        self.assertContains(response, reverse("freshness_rules:edit", args=[self.a.rule.pk]))
        self.assertNotContains(response, reverse("freshness_rules:edit", args=[self.b.rule.pk]))
        before = FreshnessRule.objects.filter(pk=self.b.rule.pk).values().get()
        for name in ("edit", "delete", "history", "usage"):
            with self.subTest(name):
                url = reverse(f"freshness_rules:{name}", args=[self.b.rule.pk])
                self.assertEqual(self.client.get(url).status_code, 404)
        edit = reverse("freshness_rules:edit", args=[self.b.rule.pk])
        self.assertEqual(self.client.post(edit, self.form(self.a.plans)).status_code, 404)
        delete = reverse("freshness_rules:delete", args=[self.b.rule.pk])
        self.assertEqual(self.client.post(delete).status_code, 404)
        self.assertEqual(FreshnessRule.objects.filter(pk=self.b.rule.pk).values().get(), before)

    def test_a_new_rule_is_the_municipality_s_and_its_section_one_of_its_pages(self):
        log_in(self.client, self.a.operator)
        response = self.client.get(reverse("freshness_rules:add"))
        # The section chooser opens at A's home page.
        self.assertContains(response, f'"parentId": {self.a.home.pk}}});</script>')
        response = self.client.post(reverse("freshness_rules:add"), self.form(self.b.plans))
        self.assertEqual(response.status_code, 200)  # refused: not one of the choices
        self.assertFalse(FreshnessRule.objects.filter(name="แผนจัดหาพัสดุ").exists())
        response = self.client.post(reverse("freshness_rules:add"), self.form(self.a.plans))
        self.assertRedirects(response, reverse("freshness_rules:index"))
        rule = FreshnessRule.objects.get(name="แผนจัดหาพัสดุ")
        self.assertEqual((rule.site, rule.section_id), (self.a.site, self.a.plans.pk))

    def test_the_host_adds_a_rule_for_the_municipality_of_its_section(self):
        host = get_user_model().objects.create_superuser("host", "host@example.go.th", "x")
        self.assertTrue(access.is_host_administrator(host))
        log_in(self.client, host)
        self.client.post(reverse("freshness_rules:add"), self.form(self.b.plans))
        self.assertEqual(FreshnessRule.objects.get(name="แผนจัดหาพัสดุ").site, self.b.site)
