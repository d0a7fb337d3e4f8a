"""The sign-in log: every login, logout and failed login, with username, address and time.

Written to the `thesaban.accounts` logger for the server's log files. django-axes stores the
same events in the database (`AccessLog` for logins and logouts, `AccessFailureLog` for
failures), which is what the IT administrator's report reads.
"""

import logging

from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils import timezone

logger = logging.getLogger("thesaban.accounts")


def _address(request) -> str | None:
    # The same address axes counts failures against (see AXES_CLIENT_IP_CALLABLE).
    return get_client_ip_address(request) if request is not None else None


def _logged_in(sender, request, user, **_kwargs) -> None:
    logger.info(
        "login: username=%s ip=%s at=%s",
        user.get_username(),
        _address(request),
        timezone.now().isoformat(),
    )


def _logged_out(sender, request, user, **_kwargs) -> None:
    logger.info(
        "logout: username=%s ip=%s at=%s",
        user.get_username() if user else None,
        _address(request),
        timezone.now().isoformat(),
    )


def _login_failed(sender, credentials, request=None, **_kwargs) -> None:
    logger.warning(
        "login failed: username=%s ip=%s at=%s step=%s",
        credentials.get("username"),
        _address(request),
        timezone.now().isoformat(),
        credentials.get("step", "password"),
    )


def register() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="thesaban-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="thesaban-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="thesaban-audit-login-failed")
