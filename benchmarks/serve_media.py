"""The production WSGI application, with uploaded files under /media/ served beside it.

In production nginx serves /media/ (README, "Running in production"); for Lighthouse on this
machine WhiteNoise does it, checking the folder on each request so renditions made since the
start are found: `gunicorn benchmarks.serve_media:application` from the repository root.
"""

from django.conf import settings
from whitenoise import WhiteNoise

from thesaban.wsgi import application as thesaban

application = WhiteNoise(
    thesaban, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL, autorefresh=True
)
