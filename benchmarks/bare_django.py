"""The bare-Django ceiling: one view returning a fixed 20 KB HTML page.

No database, no templates, no middleware: the least work a Django response can cost. Served by
`gunicorn bare_django:application -w 2` exactly like Thesaban, it shows the most any page
rendered or cached by Django can reach with two sync workers on this machine.
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

PAGE_SIZE = 20 * 1024


def _page() -> bytes:
    head = (
        b'<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8">'
        b"<title>bare</title></head><body>\n"
    )
    tail = b"</body></html>\n"
    line = "<p>เทศบาลเมืองสุขใจ · bare Django ceiling · 0123456789</p>\n".encode()
    body = bytearray(head)
    while len(body) + len(line) + len(tail) <= PAGE_SIZE:
        body += line
    body += b" " * (PAGE_SIZE - len(body) - len(tail))
    body += tail
    return bytes(body)


PAGE = _page()


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bare-django-benchmark-not-a-secret",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )
    django.setup()

application = get_wsgi_application()
