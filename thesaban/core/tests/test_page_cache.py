"""Anonymous pages come from the cache, and publishing or unpublishing shows at once."""

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from wagtail.models import Page

from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import clear_page_cache
from thesaban.pages.models import NewsIndexPage, NewsPage
from thesaban.pages.services import ensure_site_structure


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        cls.index = Page.objects.get(url_path="/home/news/press/")
        cls.news = cls.index.add_child(instance=NewsPage(title="ข่าวเดิม", slug="story"))

    def setUp(self):
        clear_page_cache()

    def test_second_anonymous_visit_is_served_from_cache_without_queries(self):
        first = self.client.get("/news/press/")
        self.assertEqual(first["X-Cache"], "miss")
        with self.assertNumQueries(0):
            second = self.client.get("/news/press/")
        self.assertEqual(second["X-Cache"], "hit")
        self.assertEqual(second.content, first.content)

    def test_publishing_a_change_shows_it_at_once(self):
        self.client.get("/news/press/")
        news = NewsPage.objects.get(pk=self.news.pk)
        news.title = "ข่าวแก้ไขแล้ว"
        news.save_revision().publish()
        response = self.client.get("/news/press/")
        self.assertContains(response, "ข่าวแก้ไขแล้ว")
        self.assertNotContains(response, "ข่าวเดิม")

    def test_unpublishing_removes_the_page_at_once(self):
        self.assertEqual(self.client.get(self.news.url).status_code, 200)
        self.client.get("/news/press/")
        NewsPage.objects.get(pk=self.news.pk).unpublish()
        self.assertEqual(self.client.get("/news/press/story/").status_code, 404)
        self.assertNotContains(self.client.get("/news/press/"), "ข่าวเดิม")

    def test_changing_contact_details_shows_at_once(self):
        self.client.get("/")
        settings = MunicipalitySettings.for_site(self.home.get_site())
        settings.phone = "0 9999 9999"
        settings.save()
        self.assertContains(self.client.get("/"), "0 9999 9999")

    def test_staff_are_never_served_a_cached_page(self):
        self.client.get("/news/press/")
        user = get_user_model().objects.create_superuser("boss", password="x")
        self.client.force_login(user)
        response = self.client.get("/news/press/")
        self.assertFalse(response.has_header("X-Cache"))

    def test_query_strings_outside_the_allowed_set_are_not_cached(self):
        """Random query strings cannot flood the cache."""
        response = self.client.get("/news/press/?utm_source=line")
        self.assertFalse(response.has_header("X-Cache"))

    def test_not_found_is_not_cached(self):
        self.client.get("/news/press/nothing/")
        response = self.client.get("/news/press/nothing/")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(response.has_header("X-Cache"))

    def test_menu_shows_a_newly_published_item_at_once(self):
        """The cached navigation is dropped on publication like the pages themselves."""
        self.client.get("/")
        section = Page.objects.get(url_path="/home/news/")
        draft = NewsIndexPage(title="ข่าวใหม่ล่าสุด", slug="latest", show_in_menus=True, live=False)
        section.add_child(instance=draft)
        self.assertNotContains(self.client.get("/"), 'href="/news/latest/"')
        draft.save_revision().publish()
        response = self.client.get("/")
        self.assertContains(response, 'href="/news/latest/"')

    def test_renaming_a_category_changes_menu_and_breadcrumbs_at_once(self):
        self.client.get("/news/press/")
        section = Page.objects.get(url_path="/home/news/").specific
        section.title = "ข่าวและประกาศ"
        section.save_revision().publish()
        response = self.client.get("/news/press/")
        self.assertContains(response, '<a href="/news/">ข่าวและประกาศ</a>', count=2)

    def test_a_rendered_page_needs_few_queries(self):
        """With the layout and the article's content cached, an article costs one query.

        The other one is the visitor's session, looked up because the cookie is sent.
        """
        self.client.get(self.news.url)
        clear_page_cache()
        self.client.get(self.news.url)  # fills the navigation and settings caches again
        self.client.cookies["sessionid"] = "not-a-session"  # bypasses the page cache
        with self.assertNumQueries(2):
            response = self.client.get(self.news.url)
        self.assertContains(response, "ข่าวเดิม")

    def test_a_rendered_listing_needs_few_queries(self):
        """The page, and one query that counts and dates the items: their HTML is kept."""
        MunicipalitySettings.for_site(self.home.get_site())  # exists on a real site
        self.client.cookies["sessionid"] = "not-a-session"
        self.client.get("/news/press/")  # Django drops the unknown session's cookie (no query)
        with self.assertNumQueries(2):
            response = self.client.get("/news/press/")
        self.assertContains(response, "ข่าวเดิม")

    def test_home_menu_tiles_follow_a_published_edit(self):
        from thesaban.pages.models import HomePage

        # In the main menu and among the home page's tiles.
        self.assertContains(self.client.get("/"), ">กระดานสนทนา<", count=2)
        home = HomePage.objects.get(pk=self.home.pk)
        home.main_menu = [("link", {"title": "ลิงก์ใหม่", "page": None, "url": "https://a.example/"})]
        home.save_revision().publish()
        response = self.client.get("/")
        self.assertContains(response, "ลิงก์ใหม่")
        self.assertContains(response, ">กระดานสนทนา<", count=1)

    def test_cached_menu_marks_the_page_being_read(self):
        """The menu is rendered once per highlighted page, never with another page's mark."""
        self.client.get("/news/press/")
        html = self.client.get("/news/activities/").content.decode()
        self.assertIn('<a href="/news/activities/" aria-current="page">', html)
        self.assertNotIn('<a href="/news/press/" aria-current="page">', html)
        article = self.client.get(self.news.url).content.decode()
        self.assertNotIn('<a href="/news/press/" aria-current="page">', article)
        self.assertIn('<li class="menu-item is-current">\n          <a href="/news/">', article)

    def test_a_page_made_private_is_private_at_once(self):
        """The "no private pages" shortcut must not outlive the first restriction."""
        from wagtail.models import PageViewRestriction

        self.assertEqual(self.client.get(self.news.url).status_code, 200)
        PageViewRestriction.objects.create(page=self.index, restriction_type="login")
        response = self.client.get(self.news.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_rendering_home_again_does_not_regenerate_images(self):
        """Cached home content must not carry stale renditions that make Wagtail redo images."""
        from thesaban.pages.models import HomePage, VideoIndexPage, VideoPage
        from thesaban.pages.tests.factories import PersonFactory, SiteImageFactory

        poster, photo = SiteImageFactory(), SiteImageFactory()
        for image in (poster, photo):
            image.get_file_hash()  # as after an upload: no later save clears the caches
        videos = VideoIndexPage.objects.get(url_path="/home/news/videos/")
        video = VideoPage(title="วิดีทัศน์", video_url="https://v.example/1", poster=poster)
        videos.add_child(instance=video)
        home = HomePage.objects.get(pk=self.home.pk)
        home.executive = PersonFactory(photo=photo)
        home.save_revision().publish()
        MunicipalitySettings.for_site(self.home.get_site())  # exists on a real site
        self.client.cookies["sessionid"] = "not-a-session"
        self.client.get("/")  # caches the home content, then creates the renditions
        with self.assertNumQueries(0):
            response = self.client.get("/")
        self.assertContains(response, "วิดีทัศน์")

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_redirected_even_when_the_page_is_cached(self):
        """The cache answers before SecurityMiddleware, so it must not serve HTTPS pages to HTTP."""
        self.assertEqual(self.client.get("/news/press/", secure=True).status_code, 200)
        self.assertEqual(self.client.get("/news/press/", secure=True)["X-Cache"], "hit")
        response = self.client.get("/news/press/")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].startswith("https://"))


class RememberedCopiesTests(TestCase):
    """Each process reuses what it read from the cache, until any process clears the cache."""

    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        MunicipalitySettings.for_site(cls.home.get_site())  # exists on a real site

    def setUp(self):
        clear_page_cache()
        self.client.cookies["sessionid"] = "not-a-session"  # rendered, as staff get pages

    def test_a_clear_by_another_process_is_seen_at_the_next_request(self):
        """Another process's clear leaves this one's copies in memory: they must not be used."""
        from django.core.cache import caches

        self.assertContains(self.client.get("/news/press/"), "เทศบาล")
        # As another process would: a change without a signal here, then the cache cleared.
        MunicipalitySettings.objects.update(name="เทศบาลตำบลใหม่")
        caches["pages"].clear()
        response = self.client.get("/news/press/")
        self.assertContains(response, "<title>ข่าวประชาสัมพันธ์ | เทศบาลตำบลใหม่</title>")
        self.assertContains(response, '<span class="brand-name">เทศบาลตำบลใหม่</span>')

    def test_copies_are_only_reused_during_a_request(self):
        """Outside a request (commands, tasks, tests) every call reads the shared cache."""
        from django.core.cache import caches

        from thesaban.core.page_cache import remember, reusing_copies

        with reusing_copies():
            self.assertEqual(remember("answer", lambda: 1), 1)
        caches["pages"].set("answer", 2)
        self.assertEqual(remember("answer", lambda: 3), 2)
        with reusing_copies():  # the cache was not cleared: this process's copy still counts
            self.assertEqual(remember("answer", lambda: 3), 1)
        caches["pages"].clear()
        with reusing_copies():
            self.assertEqual(remember("answer", lambda: 4), 4)

    def test_a_clear_during_a_request_drops_the_copies_at_once(self):
        """A publication in this very request (an admin view) is not hidden by its own copies."""
        from thesaban.core.page_cache import remember, reusing_copies

        with reusing_copies():
            remember("answer", lambda: 1)
            clear_page_cache()
            self.assertEqual(remember("answer", lambda: 2), 2)


class PageCacheWSGITests(TestCase):
    """The production entry point answers cache hits without running Django at all."""

    @classmethod
    def setUpTestData(cls):
        ensure_site_structure()

    def setUp(self):
        clear_page_cache()

    def wrapped_django(self):
        """The production wrapper around Django's handler, counting the calls that reach Django."""
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        from thesaban.core.page_cache import PageCacheWSGI

        # As Django's test client does: closing connections per request would end the test's
        # transaction (PostgreSQL).
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        calls = []
        django_handler = WSGIHandler()

        def counting_django(environ, start_response):
            calls.append(environ["PATH_INFO"])
            return django_handler(environ, start_response)

        return calls, PageCacheWSGI(counting_django)

    def call(self, application, path: str, **environ_extra) -> tuple[str, dict, bytes]:
        from wsgiref.util import setup_testing_defaults

        environ = {"PATH_INFO": path, "HTTP_HOST": "testserver", **environ_extra}
        setup_testing_defaults(environ)
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, dict(headers)

        body = b"".join(application(environ, start_response))
        return captured["status"], captured["headers"], body

    def test_hit_skips_django_and_matches_the_rendered_page(self):
        calls, application = self.wrapped_django()
        status, headers, first = self.call(application, "/news/press/")
        self.assertEqual((status, headers["X-Cache"]), ("200 OK", "miss"))
        with self.assertNumQueries(0):
            status, headers, second = self.call(application, "/news/press/")
        self.assertEqual((status, headers["X-Cache"]), ("200 OK", "hit"))
        self.assertEqual(second, first)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(calls, ["/news/press/"])
        # A visitor with a session (staff) still reaches Django.
        self.call(application, "/news/press/", HTTP_COOKIE="sessionid=abc")
        self.assertEqual(len(calls), 2)

    def test_hit_on_a_thai_url(self):
        """A WSGI server hands a Thai path over as latin-1 text; the hit must still be found."""

        index = Page.objects.get(url_path="/home/news/press/")
        news = NewsPage(title="ข่าวประชาสัมพันธ์ ประจำเดือน", live=False)
        index.add_child(instance=news)
        news.save_revision().publish()
        raw_path = "/news/press/ข่าวประชาสัมพันธ์-ประจำเดือน/".encode().decode("latin-1")
        calls, application = self.wrapped_django()
        status, headers, _body = self.call(application, raw_path)
        self.assertEqual((status, headers["X-Cache"]), ("200 OK", "miss"))
        status, headers, _body = self.call(application, raw_path)
        self.assertEqual((status, headers["X-Cache"]), ("200 OK", "hit"))
        self.assertEqual(len(calls), 1)
