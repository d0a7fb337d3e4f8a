"""Production: refuses to start without its secrets; HTTPS and hardened cookies."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATABASE_URL, SECRET_KEY, THESABAN_REQUIRE_TOTP, env_bool

_missing = [
    name
    for name, value in (
        ("SECRET_KEY", SECRET_KEY),
        ("DATABASE_URL", DATABASE_URL),
        ("ALLOWED_HOSTS", ALLOWED_HOSTS),
    )
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )
if not THESABAN_REQUIRE_TOTP:
    raise ImproperlyConfigured("THESABAN_REQUIRE_TOTP=false is for the demo only, never production")

DEBUG = False
# A reverse proxy (nginx) terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The same proxy appends the visitor's address to X-Forwarded-For: lockouts and the sign-in
# log need it, or every visitor would be 127.0.0.1.
AXES_CLIENT_IP_CALLABLE = "thesaban.accounts.services.client_ip_behind_proxy"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Wagtail's live preview shows the page in a same-origin frame; DENY would break it.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
