"""The external link checker against real servers on 127.0.0.1."""

import time

from django.test import SimpleTestCase

from thesaban.monitoring import link_checker
from thesaban.monitoring.link_checker import CheckerLimits, HostMemory, check_links

from .http_servers import TestServer, closed_port_url

FAST = CheckerLimits(connect_timeout=1, read_timeout=1, deadline=1.5)


class LinkCheckerTests(SimpleTestCase):
    def test_classifies_each_kind_of_answer(self):
        """200 is ok, 301 redirected (with where to), 404 and 500 broken, hang, reset and a
        closed port unreachable."""
        refused = closed_port_url()
        with TestServer() as server:
            urls = {
                name: f"{server.url}/{name}"
                for name in ("ok", "moved", "missing", "error", "hang", "reset")
            }
            results = check_links([*urls.values(), refused], limits=FAST)

        self.assertEqual(results[urls["ok"]].outcome, link_checker.OK)
        self.assertEqual(results[urls["ok"]].status_code, 200)
        moved = results[urls["moved"]]
        self.assertEqual(moved.outcome, link_checker.REDIRECTED)
        self.assertEqual(moved.final_url, f"{server.url}/ok/after-move")
        self.assertIn("301", moved.detail)
        self.assertEqual(results[urls["missing"]].outcome, link_checker.BROKEN)
        self.assertEqual(results[urls["missing"]].status_code, 404)
        self.assertEqual(results[urls["error"]].outcome, link_checker.BROKEN)
        self.assertEqual(results[urls["error"]].status_code, 500)
        self.assertEqual(results[urls["hang"]].outcome, link_checker.UNREACHABLE)
        self.assertEqual(results[urls["hang"]].detail, "timeout")
        self.assertEqual(results[urls["reset"]].outcome, link_checker.UNREACHABLE)
        self.assertEqual(results[refused].outcome, link_checker.UNREACHABLE)

    def test_asks_with_head_then_get_when_head_is_refused(self):
        """A server answering HEAD with 405 is asked again with GET; an ordinary one is not."""
        with TestServer() as server:
            results = check_links([f"{server.url}/no-head", f"{server.url}/ok"], limits=FAST)
        self.assertEqual(results[f"{server.url}/no-head"].outcome, link_checker.OK)
        self.assertEqual(
            sorted(server.requests), [("GET", "/no-head"), ("HEAD", "/no-head"), ("HEAD", "/ok")]
        )

    def test_never_asks_one_host_more_than_per_host_at_once(self):
        """Concurrent but polite: six slow links to one host, never more than two at a time."""
        with TestServer() as server:
            urls = [f"{server.url}/slow/{n}" for n in range(6)]
            started = time.monotonic()
            results = check_links(urls, limits=CheckerLimits(per_host=2))
            elapsed = time.monotonic() - started
        self.assertTrue(all(r.outcome == link_checker.OK for r in results.values()))
        # Two at once: concurrent, and no more than the limit.
        self.assertEqual(server.max_concurrent, 2)
        self.assertGreater(elapsed, 0.85)  # three rounds of 0.3 s

    def test_a_site_that_never_answers_cannot_stall_the_check(self):
        """Twenty links to a hanging site cost about one deadline, and other sites are not
        held up: the host is given up after two timeouts."""
        with TestServer() as slow, TestServer() as fine:
            hanging = [f"{slow.url}/hang/{n}" for n in range(20)]
            started = time.monotonic()
            results = check_links([*hanging, f"{fine.url}/ok"], limits=FAST)
            elapsed = time.monotonic() - started
        self.assertLess(elapsed, 2 * FAST.deadline + 1)
        self.assertEqual(results[f"{fine.url}/ok"].outcome, link_checker.OK)
        self.assertTrue(all(results[url].outcome == link_checker.UNREACHABLE for url in hanging))
        self.assertLessEqual(len(slow.requests), 2)

    def test_a_host_given_up_stays_given_up_for_the_calls_sharing_its_memory(self):
        """The site check asks batch after batch with one `HostMemory`: a site that let two
        requests time out in the first batch costs nothing in the next; a fresh call (no
        memory) asks it again."""
        memory = HostMemory()
        with TestServer() as slow:
            first = check_links(
                [f"{slow.url}/hang/{n}" for n in range(4)], limits=FAST, hosts=memory
            )
            started = time.monotonic()
            second = check_links([f"{slow.url}/hang/later"], limits=FAST, hosts=memory)
            elapsed = time.monotonic() - started
            self.assertEqual(len(slow.requests), 2)  # the first two; then given up
            fresh = check_links([f"{slow.url}/hang/fresh"], limits=FAST)
            self.assertEqual(len(slow.requests), 3)
        self.assertTrue(all(r.outcome == link_checker.UNREACHABLE for r in first.values()))
        self.assertEqual(second[f"{slow.url}/hang/later"].detail, link_checker.GIVEN_UP)
        self.assertLess(elapsed, 0.5)
        self.assertEqual(fresh[f"{slow.url}/hang/fresh"].detail, "timeout")

    def test_memory_is_per_host_name_and_port(self):
        """Giving up one site leaves another port of the same address alone."""
        memory = HostMemory()
        with TestServer() as slow, TestServer() as fine:
            check_links([f"{slow.url}/hang/{n}" for n in range(2)], limits=FAST, hosts=memory)
            results = check_links([f"{fine.url}/ok"], limits=FAST, hosts=memory)
        self.assertEqual(results[f"{fine.url}/ok"].outcome, link_checker.OK)

    def test_a_site_that_answers_between_slow_addresses_is_not_given_up(self):
        """Timeouts count in a row: a slow address, an answer, another slow address, and the
        host is still asked (a big site has a few slow pages among thousands)."""
        memory = HostMemory()
        with TestServer() as site:
            for path in ("/hang/1", "/ok/1", "/hang/2", "/ok/2"):
                check_links([f"{site.url}{path}"], limits=FAST, hosts=memory)
            results = check_links([f"{site.url}/ok/3"], limits=FAST, hosts=memory)
            asked = [path for _, path in site.requests]
        self.assertEqual(results[f"{site.url}/ok/3"].outcome, link_checker.OK)
        self.assertEqual(asked, ["/hang/1", "/ok/1", "/hang/2", "/ok/2", "/ok/3"])
