"""Tests: fast hashing, in-memory caches and mail, tasks run at once."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests see the sign-in production has, whatever the environment says
# (accounts.testing.log_in signs a test user in through every step).
THESABAN_REQUIRE_TOTP = True
# The worker's scheduler would start the daily site check in any test that drives it; the
# monitoring tests turn it on where they test it.
THESABAN_SITE_CHECK_AT = "off"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(VAR_DIR / "test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves collected files in production; here Django's finders do.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    # One test database per run, so two runs against one server do not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_thesaban_{os.getpid()}"}  # noqa: F405
