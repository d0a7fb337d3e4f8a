"""The site check's outside links across batches: what a run learns, what the day keeps."""

import time
from datetime import timedelta

from django.utils import timezone

from thesaban.monitoring import link_checker
from thesaban.monitoring.models import ExternalLinkResult, Finding
from thesaban.pages.models import ContentPage

from .test_services import FAST, SiteCheckTestCase, paragraph


class ExternalLinksAcrossBatchesTests(SiteCheckTestCase):
    def test_a_site_given_up_in_one_batch_is_not_waited_for_in_the_next(self):
        """Pages checked one a batch, each linking to the same silent site: the run waits for
        the first two timeouts only, and every link is still reported unreachable."""
        pages = [self.page]
        self.set_body(f'<p><a href="{self.server.url}/hang/0">0</a></p>')
        for n in range(1, 4):
            pages.append(
                self.section.add_child(
                    instance=ContentPage(
                        title=f"หน้า {n}",
                        slug=f"page-{n}",
                        body=paragraph(f'<p><a href="{self.server.url}/hang/{n}">{n}</a></p>'),
                    )
                )
            )
        started = time.monotonic()
        self.run_check(batch_size=1)
        elapsed = time.monotonic() - started
        hang_requests = [r for r in self.server.requests if r[1].startswith("/hang/")]
        self.assertEqual(len(hang_requests), 2)
        self.assertLess(elapsed, 2 * FAST.deadline + 3)
        unreachable = Finding.objects.filter(kind=Finding.Kind.UNREACHABLE_LINK)
        self.assertEqual(
            sorted(unreachable.values_list("page_id", flat=True)), sorted(p.pk for p in pages)
        )
        self.assertEqual(ExternalLinkResult.objects.filter(detail=link_checker.GIVEN_UP).count(), 2)

    def test_a_day_old_answer_is_replaced_in_place(self):
        """The stored answer of yesterday is asked again and overwritten: one row per address."""
        url = f"{self.server.url}/missing/old"
        ExternalLinkResult.objects.create(
            url=url,
            url_hash=ExternalLinkResult.hash_of(url),
            outcome=link_checker.OK,
            status_code=200,
            checked_at=timezone.now() - timedelta(days=2),
        )
        self.set_body(f'<p><a href="{url}">x</a></p>')
        self.run_check()
        stored = ExternalLinkResult.objects.get()
        self.assertEqual((stored.url, stored.outcome, stored.status_code), (url, "broken", 404))
        self.assertGreater(stored.checked_at, timezone.now() - timedelta(minutes=1))
        self.assertEqual(self.finding(target_url=url).kind, Finding.Kind.BROKEN_LINK)
