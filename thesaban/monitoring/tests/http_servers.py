"""Real HTTP servers on 127.0.0.1 that misbehave in the ways outside sites do."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class _Handler(BaseHTTPRequestHandler):
    server: TestServer

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self._answer(with_body=False)

    def do_GET(self):
        self._answer(with_body=True)

    def _answer(self, *, with_body: bool):
        path = urlsplit(self.path).path
        self.server.record(self.command, path)
        if path.startswith("/ok"):
            self._send(200, with_body)
        elif path.startswith("/moved"):
            self._send(301, with_body, location=f"{self.server.url}/ok/after-move")
        elif path.startswith("/missing"):
            self._send(404, with_body)
        elif path.startswith("/error"):
            self._send(500, with_body)
        elif path.startswith("/no-head"):
            self._send(200 if with_body else 405, with_body)
        elif path.startswith("/slow"):
            with self.server.counting():
                time.sleep(0.3)
            self._send(200, with_body)
        elif path.startswith("/hang"):
            # Accept the request, never answer (until the test ends).
            self.server.released.wait(60)
            self.close_connection = True
        elif path.startswith("/reset"):
            # SO_LINGER 0: closing sends RST instead of FIN, "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        else:
            self._send(404, with_body)

    def _send(self, status: int, with_body: bool, *, location: str = ""):
        body = f"<html><body>{status}</body></html>".encode()
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def finish(self):
        # /reset closed the connection on purpose.
        with contextlib.suppress(OSError):
            super().finish()


class TestServer(ThreadingHTTPServer):
    """Serves /ok, /moved (301), /missing (404), /error (500), /no-head (HEAD 405, GET 200),
    /slow (0.3 s, counting concurrent requests), /hang (never answers), /reset (RST)."""

    __test__ = False
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.released = threading.Event()
        self.requests: list[tuple[str, str]] = []
        self.max_concurrent = 0
        self._concurrent = 0
        self._lock = threading.Lock()

    def handle_error(self, request, client_address):
        pass  # clients that time out and hang up are part of the tests

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))

    def counting(self):
        server = self

        class _Counter:
            def __enter__(self):
                with server._lock:
                    server._concurrent += 1
                    server.max_concurrent = max(server.max_concurrent, server._concurrent)

            def __exit__(self, *exc):
                with server._lock:
                    server._concurrent -= 1

        return _Counter()

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.shutdown()
        self.server_close()


class WithTestServer:
    """A `TestServer` for a whole test class, as `cls.server`, started before its test data
    is built (pages link to it)."""

    @classmethod
    def setUpClass(cls):
        cls.server = TestServer().__enter__()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.server.__exit__(None, None, None)


def closed_port_url() -> str:
    """An address where nothing listens: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
