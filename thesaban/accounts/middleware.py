"""Hold a signed-in member of staff at the sign-in step they still owe.

The sign-in views normally finish every step before logging a person in. A session can still
be logged in without them: a login through Django's own admin at /django-admin/, a session
from before a person became a web operator, a device removed by the IT administrator, a
password reset by the IT administrator. Such a session reaches no admin page, only the step.
"""

from collections.abc import Callable
from contextlib import suppress
from functools import cache

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import urlencode

from . import access, services

# Admin pages a person owing a step may still open: the steps themselves, signing out, and
# what those pages load (the JavaScript translations; the icon sprite, which Wagtail's
# JavaScript fetches and pastes into the page, so a redirect would paste a whole page).
_ALWAYS_OPEN = frozenset(
    {
        "accounts_login",
        "accounts_verify_totp",
        "accounts_enrol_totp",
        "accounts_set_password",
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "admin:logout",
    }
)

_NOTHING_OWED_SESSION_KEY = "thesaban_sign_in_steps_done"

STEP_URL_NAMES = {
    services.SignInStep.ENROL_TOTP: "accounts_enrol_totp",
    services.SignInStep.VERIFY_TOTP: "accounts_verify_totp",
    services.SignInStep.SET_PASSWORD: "accounts_set_password",
}


@cache
def _admin_prefixes() -> tuple[str, ...]:
    prefixes = []
    for name in ("wagtailadmin_home", "admin:index"):
        with suppress(NoReverseMatch):
            prefixes.append(reverse(name))
    return tuple(prefixes)


def step_url(step: services.SignInStep, *, next_url: str) -> str:
    return f"{reverse(STEP_URL_NAMES[step])}?{urlencode({'next': next_url})}"


class SignInStepMiddleware:
    """Redirect admin requests of a person who owes a sign-in step to that step.

    Goes after `django_otp.middleware.OTPMiddleware`, which tells whether the session passed
    the second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(_admin_prefixes()) and request.user.is_authenticated:
            step = self._step_owed(request)
            if step is not None and not self._always_open(request.path_info):
                return redirect(step_url(step, next_url=request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _step_owed(request: HttpRequest) -> services.SignInStep | None:
        verified = request.user.is_verified()
        # Once a session past the second factor owes nothing, it never owes a step again:
        # only someone else setting the password makes a person owe one, and a new password
        # ends their sessions (Django's session auth hash); a removed device unverifies the
        # session (django-otp), which then is asked again.
        if verified and request.session.get(_NOTHING_OWED_SESSION_KEY):
            return None
        step = services.sign_in_step_owed(request.user, totp_verified=verified)
        if step is None and verified:
            request.session[_NOTHING_OWED_SESSION_KEY] = True
        return step

    @staticmethod
    def _always_open(path: str) -> bool:
        try:
            return resolve(path).view_name in _ALWAYS_OPEN
        except Resolver404:
            return False


class MunicipalityGuardMiddleware:
    """An admin address naming another municipality's record answers 404.

    Wagtail's views check model-wide permissions; which municipality a page, image, person or
    finding belongs to is `access.address_allowed`'s question, asked here for every admin
    view before it runs, so that guessing ids shows and changes nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(_admin_prefixes()):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and not access.may_open_view(user, match.view_name):
            raise Http404
        if not view_kwargs:
            return None
        initkwargs = getattr(view_func, "view_initkwargs", None) or {}
        model = initkwargs.get("model") or getattr(
            getattr(view_func, "view_class", None), "model", None
        )
        if not access.address_allowed(user, model=model, arguments=view_kwargs):
            raise Http404
        return None
