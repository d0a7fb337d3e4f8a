"""An outside site that answers, but slowly: a byte at a time, never finishing.

`/hang` (http_servers) never sends a byte, so the read timeout ends each request. A site that
trickles its answer defeats the read timeout (every read gets a byte in time): only the
checker's deadline per address, and giving the host up, keep such a site from stalling the run.
"""

import socket
import socketserver
import threading
import time

from thesaban.monitoring.models import CheckRun, Finding
from thesaban.pages.models import ContentPage

from .test_services import FAST, SiteCheckTestCase, paragraph

DRIP_EVERY = 0.2  # seconds between bytes: well inside FAST's read timeout of 1 s


class _DripHandler(socketserver.BaseRequestHandler):
    def handle(self):
        server: DripServer = self.server
        with server.lock:
            server.requests += 1
        self.request.recv(65536)
        # A status line and headers that never end, a byte at a time.
        answer = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"." * 10_000
        for byte in answer:
            if server.released.wait(DRIP_EVERY):
                return
            try:
                self.request.sendall(bytes([byte]))
            except OSError:
                return  # the checker hung up


class DripServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _DripHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.requests = 0

    def handle_error(self, request, client_address):
        pass

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.shutdown()
        self.server_close()


class SlowOutsideSiteTests(SiteCheckTestCase):
    def test_a_site_that_answers_a_byte_at_a_time_cannot_stall_the_run(self):
        """Forty links on four pages, checked a page a batch, to a site that trickles its
        answer: the run ends in about one deadline, every link reported unreachable, and the
        links to the good site are still checked."""
        with DripServer() as slow:
            pages = [self.page]
            for n in range(1, 4):
                pages.append(
                    self.section.add_child(
                        instance=ContentPage(title=f"หน้า {n}", slug=f"slow-{n}", body=paragraph(""))
                    )
                )
            for n, page in enumerate(pages):
                links = "".join(
                    f'<p><a href="{slow.url}/drip/{n}/{m}">{m}</a></p>' for m in range(10)
                )
                page.body = paragraph(
                    f'{links}<p><a href="{self.server.url}/missing/{n}">x</a></p>'
                )
                page.save_revision().publish()
            started = time.monotonic()
            run = self.run_check(batch_size=1)
            elapsed = time.monotonic() - started
            asked = slow.requests
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        self.assertLess(elapsed, 2 * FAST.deadline + 3)
        self.assertLessEqual(asked, 2)  # given up after two deadlines
        unreachable = Finding.objects.filter(kind=Finding.Kind.UNREACHABLE_LINK)
        self.assertEqual(unreachable.count(), 40)
        self.assertEqual(Finding.objects.filter(kind=Finding.Kind.BROKEN_LINK).count(), 4)


def test_the_drip_server_really_drips():
    """The server sends its first byte at once and the rest slowly (so it is not a hang)."""
    with DripServer() as server, socket.create_connection(server.server_address, timeout=1) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        received = b""
        while len(received) < 5:
            received += s.recv(1)
        assert received == b"HTTP/"
        assert 4 * DRIP_EVERY * 0.8 < time.monotonic() - started < 2
