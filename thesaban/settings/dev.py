"""Local development and the demo: SQLite, DEBUG, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env_bool, env_list, env_str

DEBUG = env_bool("DEBUG", True)
# A fixed, public key is fine here: dev settings never serve a real municipality.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# The demo prints its accounts' passwords for anyone to try: no TOTP unless asked for.
THESABAN_REQUIRE_TOTP = env_bool("THESABAN_REQUIRE_TOTP", False)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves collected files in production; here Django's finders do.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# A developer changing a template wants to see it on the next reload, not after a timeout.
CACHES = {**CACHES, "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
