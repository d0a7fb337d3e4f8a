"""robots.txt and the sitemap, read by the daily check as an outside checker reads them."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.signals import request_started
from django.http import HttpResponse
from django.test import TestCase, override_settings
from django.urls import path
from django.utils import timezone
from wagtail.models import Page, Site

from thesaban import urls as site_urls
from thesaban.accounts.services import ensure_role_groups, role_group
from thesaban.monitoring import services, site_files
from thesaban.monitoring.link_checker import CheckerLimits
from thesaban.monitoring.models import CheckRun, Finding
from thesaban.monitoring.notifications import send_digests
from thesaban.pages.models import ContentPage, HomePage, SectionPage

FAST = CheckerLimits(connect_timeout=1, read_timeout=1, deadline=1.5)
PUBLIC = "https://www.example.go.th"


def _plain(text: str):
    return lambda request: HttpResponse(text, content_type="text/plain")


def _site_patterns(*replacements):
    """The site's own URLs with robots.txt (or the sitemap) as another server might serve it."""
    replaced = {str(pattern.pattern) for pattern in replacements}
    return [
        *replacements,
        *(pattern for pattern in site_urls.urlpatterns if str(pattern.pattern) not in replaced),
    ]


class WithoutRobots:
    urlpatterns = [p for p in site_urls.urlpatterns if str(p.pattern) != "robots.txt"]


class RobotsWithoutSitemapLine:
    urlpatterns = _site_patterns(path("robots.txt", _plain("User-agent: *\nDisallow: /admin/\n")))


class NotASitemap:
    urlpatterns = _site_patterns(
        path("sitemap.xml", _plain("<html><body>แผนผัง</body></html>"), name="sitemap")
    )


@override_settings(SITE_URL=PUBLIC)
class SiteFilesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug="home-files"))
        cls.site = Site.objects.get(is_default_site=True)
        cls.site.root_page = cls.home
        cls.site.hostname, cls.site.port = "www.example.go.th", 443
        cls.site.save()
        cls.general = cls.home.add_child(instance=SectionPage(title="ข้อมูลพื้นฐาน", slug="general"))
        cls.about = cls.general.add_child(instance=ContentPage(title="ประวัติ", slug="about"))
        cls.staff = get_user_model().objects.create_user(username="operator", password="x")

    def run_check(self, site: Site | None = None) -> CheckRun:
        return services.run_check(site=site or self.site, limits=FAST)

    def kinds(self) -> set[str]:
        return set(Finding.objects.unresolved().values_list("kind", flat=True))

    def put_site_record_at(self, hostname: str, port: int) -> None:
        # Saved as in Settings → Sites, which clears what is remembered of the site.
        site = Site.objects.get(pk=self.site.pk)
        site.hostname, site.port = hostname, port
        site.save()


class WrongHostTests(SiteFilesTestCase):
    def setUp(self):
        # What setup_site made before issue #10, while visitors ask for www.example.go.th.
        self.put_site_record_at("localhost", 80)

    def test_a_site_record_that_is_not_the_public_address_is_found(self):
        """The sitemap, asked for at SITE_URL, lists http://localhost/…: one finding for the
        sitemap naming the wrong address and how many, and one for robots.txt, which names
        the sitemap at the wrong address too; none of the wrong addresses is requested."""
        run = self.run_check()
        self.assertEqual(
            self.kinds(), {Finding.Kind.SITEMAP_WRONG_HOST, Finding.Kind.ROBOTS_NO_SITEMAP}
        )
        wrong = Finding.objects.get(kind=Finding.Kind.SITEMAP_WRONG_HOST)
        self.assertEqual(wrong.target_url, f"{PUBLIC}/sitemap.xml")
        self.assertEqual(wrong.severity, Finding.Severity.HIGH)
        self.assertIsNone(wrong.page)
        self.assertIsNone(wrong.division)  # the web operators'
        self.assertIn("3 จาก 3", wrong.detail)  # home, section, about
        self.assertIn("http://localhost/", wrong.detail)
        self.assertIn(PUBLIC, wrong.detail)
        robots = Finding.objects.get(kind=Finding.Kind.ROBOTS_NO_SITEMAP)
        self.assertEqual(robots.target_url, f"{PUBLIC}/robots.txt")
        self.assertIn("http://localhost/sitemap.xml", robots.detail)
        self.assertEqual(run.findings_opened, 2)

    def test_the_right_host_on_port_80_behind_https_is_the_wrong_address_too(self):
        """The site record's port decides the scheme Wagtail writes: port 80 gives http://,
        which is not the public https:// address."""
        self.put_site_record_at("www.example.go.th", 80)
        self.run_check()
        wrong = Finding.objects.get(kind=Finding.Kind.SITEMAP_WRONG_HOST)
        self.assertIn("http://www.example.go.th/general/", wrong.detail)

    def test_the_findings_close_by_themselves_once_the_site_record_is_put_right(self):
        self.run_check()
        self.put_site_record_at("www.example.go.th", 443)
        run = self.run_check()
        self.assertEqual(self.kinds(), set())
        self.assertEqual(run.findings_closed, 2)

    def test_seen_again_the_next_day_it_stays_one_finding(self):
        self.run_check()
        self.run_check()
        self.assertEqual(Finding.objects.filter(kind=Finding.Kind.SITEMAP_WRONG_HOST).count(), 1)

    def test_marked_fixed_it_is_looked_at_again(self):
        """ "แก้ไขแล้ว ตรวจอีกครั้ง" reads the sitemap again: still wrong, the finding stays;
        once the record is right, it is resolved by the person."""
        self.run_check()
        finding = Finding.objects.get(kind=Finding.Kind.SITEMAP_WRONG_HOST)
        self.assertFalse(services.mark_fixed(finding=finding, user=self.staff))
        self.assertEqual(finding.status, Finding.Status.OPEN)
        self.put_site_record_at("www.example.go.th", 443)
        self.assertTrue(services.mark_fixed(finding=finding, user=self.staff))
        self.assertEqual(finding.status, Finding.Status.RESOLVED)
        self.assertEqual(finding.resolved_by, self.staff)

    def test_the_web_operators_are_mailed_the_finding_in_thai(self):
        ensure_role_groups(site=self.site)
        operator = get_user_model().objects.create_user(
            username="web-operator", password="x", email="operator@example.go.th"
        )
        operator.groups.add(role_group(self.site, "web_operator"))
        run = self.run_check()
        send_digests(run=run)
        [digest] = [message for message in mail.outbox if message.to == [operator.email]]
        self.assertIn("แผนผังเว็บไซต์ระบุที่อยู่ที่ไม่ใช่ของเว็บไซต์", digest.body)
        self.assertIn(f"{PUBLIC}/sitemap.xml", digest.body)


class PublicAddressTests(SiteFilesTestCase):
    def test_a_site_whose_record_is_its_public_address_has_nothing_to_report(self):
        """robots.txt names the sitemap at SITE_URL, and every address it lists answers."""
        run = self.run_check()
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        self.assertEqual(run.pages_checked, 3)
        self.assertFalse(Finding.objects.exists())

    def test_the_sitemap_s_addresses_are_not_rendered_again(self):
        """The pages the run rendered are the sitemap's addresses: their answers are reused,
        so the check asks for robots.txt once and for no page twice."""
        # Linked from no page and no menu: only its render and the sitemap could ask for it.
        self.home.add_child(instance=ContentPage(title="ประกาศ", slug="notice"))
        asked: list[str] = []

        def record(sender, environ, **kwargs):
            asked.append(environ["PATH_INFO"])

        request_started.connect(record)
        try:
            self.run_check()
        finally:
            request_started.disconnect(record)
        self.assertEqual(asked.count("/robots.txt"), 1)
        self.assertEqual(asked.count("/notice/"), 1)

    def test_another_site_is_read_at_its_own_address(self):
        """A second municipality on the same install: its own run asks for its robots.txt and
        sitemap at its own hostname, and they name its own addresses."""
        other_home = Page.get_first_root_node().add_child(
            instance=HomePage(title="เทศบาลอื่น", slug="home-other")
        )
        other_home.add_child(instance=ContentPage(title="ติดต่อ", slug="contact"))
        other = Site.objects.create(hostname="www.other.go.th", port=443, root_page=other_home)
        asked: list[str] = []

        def record(sender, environ, **kwargs):
            asked.append(f"{environ['HTTP_HOST']}{environ['PATH_INFO']}")

        request_started.connect(record)
        try:
            self.run_check(other)
        finally:
            request_started.disconnect(record)
        self.assertFalse(Finding.objects.exists())
        self.assertIn("www.other.go.th/robots.txt", asked)
        self.assertIn("www.other.go.th/sitemap.xml", asked)

    def test_a_sitemap_address_that_answers_404_is_found(self):
        """A live page under a section taken off the site: Wagtail's sitemap still lists it,
        a visitor gets 404. The sitemap's finding names the address; the page has its own."""
        hidden = self.home.add_child(
            instance=SectionPage(title="ถอนแล้ว", slug="withdrawn", live=False)
        )
        hidden.add_child(instance=ContentPage(title="ค้างอยู่", slug="left"))
        self.run_check()
        dead = Finding.objects.get(kind=Finding.Kind.SITEMAP_DEAD_URL)
        self.assertEqual(dead.target_url, f"{PUBLIC}/withdrawn/left/")
        self.assertEqual(dead.detail, "HTTP 404")
        self.assertEqual(dead.severity, Finding.Severity.HIGH)

        # Marked fixed once the section is back: that one address is asked again.
        hidden.save_revision().publish()
        self.assertTrue(services.mark_fixed(finding=dead, user=self.staff))

    def test_a_page_that_fails_is_reported_once_as_its_own_error(self):
        """A page answering 500 is its division's page error; the sitemap listing it adds no
        second finding, as no linking page does."""
        original = ContentPage.get_context

        def failing(page, request, *args, **kwargs):
            if page.pk == self.about.pk:
                raise RuntimeError("template exploded")
            return original(page, request, *args, **kwargs)

        with mock.patch.object(ContentPage, "get_context", failing):
            self.run_check()
        self.assertEqual(self.kinds(), {Finding.Kind.PAGE_ERROR})

    @override_settings(ROOT_URLCONF=RobotsWithoutSitemapLine)
    def test_robots_txt_without_its_sitemap_line_is_found(self):
        """robots.txt as another server might serve it, without "Sitemap:": one finding; the
        sitemap is still read at its usual address, and is fine."""
        self.run_check()
        self.assertEqual(self.kinds(), {Finding.Kind.ROBOTS_NO_SITEMAP})
        finding = Finding.objects.get()
        self.assertEqual(finding.target_url, f"{PUBLIC}/robots.txt")
        self.assertIn("Sitemap", finding.detail)

    @override_settings(ROOT_URLCONF=WithoutRobots)
    def test_no_robots_txt_is_found(self):
        self.run_check()
        self.assertEqual(self.kinds(), {Finding.Kind.ROBOTS_MISSING})
        self.assertIn("HTTP 404", Finding.objects.get().detail)

    @override_settings(ROOT_URLCONF=NotASitemap)
    def test_a_sitemap_that_is_not_one_is_found(self):
        self.run_check()
        self.assertEqual(self.kinds(), {Finding.Kind.SITEMAP_MALFORMED})

    def test_a_fault_in_reading_them_does_not_keep_the_run_from_finishing(self):
        """A bug here: the run still finishes, what was found before stays open, and the web
        operators get a finding; the next good run closes it."""
        before = Finding.objects.create(
            site=self.site,
            fingerprint="wrong-host",
            kind=Finding.Kind.SITEMAP_WRONG_HOST,
            severity=Finding.Severity.HIGH,
            target_url=f"{PUBLIC}/sitemap.xml",
            first_seen_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
        with (
            mock.patch.object(site_files, "find_problems", side_effect=RuntimeError("bug")),
            self.assertLogs("thesaban.monitoring.services", "ERROR"),
        ):
            run = self.run_check()
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        before.refresh_from_db()
        self.assertEqual(before.status, Finding.Status.OPEN)
        failure = Finding.objects.get(kind=Finding.Kind.PAGE_ERROR)
        self.assertIn("แผนผังเว็บไซต์ทำงานไม่สำเร็จ", failure.detail)
        self.run_check()
        self.assertEqual(self.kinds(), set())


class ReadingTests(SiteFilesTestCase):
    """What the sitemap says, read from answers given here (a server other than Django's)."""

    def find(self, answers: dict[str, site_files.Answer]) -> dict[str, str]:
        asked: list[str] = []

        def fetch(url: str, *, follow: bool = False) -> site_files.Answer:
            asked.append(url)
            return answers.get(url, site_files.Answer(404))

        problems = site_files.find_problems(site=self.site, fetch=fetch)
        self.asked = asked
        return {problem.target_url: problem.kind for problem in problems}

    def robots(self) -> site_files.Answer:
        return site_files.Answer(200, f"Sitemap: {PUBLIC}/sitemap.xml\n".encode())

    def urlset(self, *urls: str) -> site_files.Answer:
        entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
        return site_files.Answer(
            200,
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode(),
        )

    def test_an_address_that_redirects_is_found(self):
        found = self.find(
            {
                f"{PUBLIC}/robots.txt": self.robots(),
                f"{PUBLIC}/sitemap.xml": self.urlset(f"{PUBLIC}/", f"{PUBLIC}/moved/"),
                f"{PUBLIC}/": site_files.Answer(200),
                f"{PUBLIC}/moved/": site_files.Answer(301, location=f"{PUBLIC}/new/"),
            }
        )
        self.assertEqual(found, {f"{PUBLIC}/moved/": Finding.Kind.SITEMAP_REDIRECT})

    def test_a_sitemap_index_is_followed_to_its_sitemaps(self):
        index = (
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{PUBLIC}/sitemap-1.xml</loc></sitemap></sitemapindex>"
        )
        found = self.find(
            {
                f"{PUBLIC}/robots.txt": self.robots(),
                f"{PUBLIC}/sitemap.xml": site_files.Answer(200, index.encode()),
                f"{PUBLIC}/sitemap-1.xml": self.urlset(f"{PUBLIC}/gone/"),
            }
        )
        self.assertEqual(found, {f"{PUBLIC}/gone/": Finding.Kind.SITEMAP_DEAD_URL})

    def test_a_sitemap_that_does_not_answer_or_is_not_xml_is_found(self):
        self.assertEqual(
            self.find({f"{PUBLIC}/robots.txt": self.robots()}),
            {f"{PUBLIC}/sitemap.xml": Finding.Kind.SITEMAP_UNREACHABLE},
        )
        self.assertEqual(
            self.find(
                {
                    f"{PUBLIC}/robots.txt": self.robots(),
                    f"{PUBLIC}/sitemap.xml": site_files.Answer(200, b"<urlset><url>"),
                }
            ),
            {f"{PUBLIC}/sitemap.xml": Finding.Kind.SITEMAP_MALFORMED},
        )

    def test_a_thai_address_is_the_same_address_raw_or_percent_encoded(self):
        raw = f"{PUBLIC}/ข่าว/"
        encoded = f"{PUBLIC}/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/"
        self.assertEqual(site_files.normal_url(raw), site_files.normal_url(encoded))
        self.assertEqual(site_files.normal_url("HTTPS://WWW.example.go.th:443/a/"), f"{PUBLIC}/a/")
