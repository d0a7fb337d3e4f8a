"""The Content-Security-Policy header on every response: one policy for the public, one for staff.

The public site runs no inline script or style at all, so its policy (`CONTENT_SECURITY_POLICY`,
django-csp's setting) allows only this site's own files: an injected `<script>` or `style=""`
does nothing. Wagtail's admin still writes inline scripts (inline panels, date pickers, chooser
modals) and styles, so the admin and Django's admin get the looser `THESABAN_STAFF_CSP`.

No public page uses a nonce: a nonce is per response, and the page cache serves one response to
many visitors (a cached nonce would be known to everyone, and fragments kept in the cache would
carry another response's nonce). `page_cache` refuses to keep a response whose policy holds one.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

STAFF_PATH_PREFIXES = ("/admin/", "/django-admin/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # A view's own decorator (django-csp's csp_override) still wins.
        if not report_only and parts.config is None and is_staff_path(request.path_info):
            parts.config = default_config(settings.THESABAN_STAFF_CSP)
        return parts


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PATH_PREFIXES)
