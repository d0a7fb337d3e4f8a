import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thesaban.settings.production")

django_application = get_wsgi_application()

from thesaban.core.page_cache import PageCacheWSGI  # noqa: E402 - needs Django set up

application = PageCacheWSGI(django_application)
