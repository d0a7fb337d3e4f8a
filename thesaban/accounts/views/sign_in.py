"""Staff sign-in: password, then the TOTP code (or enrolment), then a first-login password.

The password step is Wagtail's own login view. When the person owes a TOTP code, a correct
password does not log them in: it only remembers, in the anonymous session for a few
minutes, who passed it. The person is logged in when the code is right, so a session that
only knows the password never exists (see `docs/architecture.md`, "Staff accounts").
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import (
    INTERNAL_RESET_SESSION_TOKEN,
    PasswordResetConfirmView,
    RedirectURLMixin,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView
from django_otp import login as otp_login
from wagtail.admin.views import account as wagtail_account

from .. import services
from ..forms import OwnPasswordForm, TOTPCodeForm
from ..middleware import step_url

# Session key for a person who passed the password step but not yet the TOTP step.
_PASSED_PASSWORD = "thesaban_passed_password"
# Long enough to install an authenticator app and scan the code at the first sign-in.
_PASSED_PASSWORD_SECONDS = 10 * 60


class LoginView(wagtail_account.LoginView):
    """Wagtail's login form; a person who owes a TOTP code goes on to that step instead."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Wagtail's password field has no label, so Django shows its English field name.
        form.fields["password"].label = _("รหัสผ่าน")
        return form

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        step = services.totp_step_owed(user)
        if step is None:
            return super().form_valid(form)
        if self.request.user.is_authenticated:
            # Someone else's session on this browser must not stand in for this person's.
            auth_logout(self.request)
        self.request.session[_PASSED_PASSWORD] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "remember": bool(form.cleaned_data.get("remember")),
        }
        return redirect(step_url(step, next_url=self.get_success_url()))

    def form_invalid(self, form) -> HttpResponse:
        username = form.data.get("username")
        if username and settings.AXES_ENABLED:
            # Say how many tries are left: a person who knows the limit slows down.
            credentials = {"username": username}
            failures = AxesProxyHandler.get_failures(self.request, credentials)
            left = settings.AXES_FAILURE_LIMIT - failures
            if 0 < left < settings.AXES_FAILURE_LIMIT:
                warning = _("กรอกผิดได้อีก %(left)d ครั้ง ก่อนถูกระงับการเข้าสู่ระบบ %(minutes)d นาที")
                form.add_error(None, warning % {"left": left, "minutes": _cool_off_minutes()})
        return super().form_invalid(form)


def _cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def _person_signing_in(request: HttpRequest) -> AbstractBaseUser | None:
    """Who is at the TOTP step: the logged-in user, or the person who just passed the password."""
    if request.user.is_authenticated:
        return request.user
    passed = request.session.get(_PASSED_PASSWORD)
    if not passed or time.time() - passed["at"] > _PASSED_PASSWORD_SECONDS:
        return None
    return get_user_model()._default_manager.filter(pk=passed["user"], is_active=True).first()


@method_decorator([never_cache, csrf_protect], name="dispatch")
@method_decorator(sensitive_post_parameters("token"), name="dispatch")
class _TOTPStepView(RedirectURLMixin, FormView):
    """Shared by the code and enrolment steps."""

    form_class = TOTPCodeForm
    next_page = "wagtailadmin_home"
    step: services.SignInStep

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.person = _person_signing_in(request)
        if self.person is None:
            messages.warning(request, _("หมดเวลายืนยันตัวตน กรุณาเข้าสู่ระบบอีกครั้ง"))
            return redirect("wagtailadmin_login")
        verified = request.user.is_authenticated and request.user.is_verified()
        step = None if verified else services.totp_step_owed(self.person)
        if step is None:
            return redirect(self.get_success_url())
        if step != self.step:
            return redirect(step_url(step, next_url=self.get_success_url()))
        credentials = {"username": self.person.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request, credentials=credentials)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, next=self.get_success_url(), **kwargs)

    def wrong_code(self, form) -> HttpResponse:
        # Counted with wrong passwords by django-axes, so guessing codes ends in the same
        # lockout; AxesMiddleware replaces this response once the limit is reached.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": self.person.get_username(), "step": "totp"},
            request=self.request,
        )
        form.add_error("token", _("รหัสยืนยันไม่ถูกต้องหรือหมดอายุแล้ว กรุณาลองใหม่"))
        return self.form_invalid(form)

    def finish(self, device) -> HttpResponse:
        """The person passed the second factor: log them in (or mark their session verified)."""
        request = self.request
        passed = request.session.pop(_PASSED_PASSWORD, None)
        if request.user.is_authenticated:
            request.session.cycle_key()
        else:
            auth_login(request, self.person, backend=passed["backend"])
            if passed["remember"]:
                request.session.set_expiry(settings.SESSION_COOKIE_AGE)
            else:
                request.session.set_expiry(0)
        otp_login(request, device)
        # A first-login password change, if owed, is the next step: the admin gate sends the
        # person there from the page they asked for.
        return redirect(self.get_success_url())


class VerifyTOTPView(_TOTPStepView):
    template_name = "accounts/verify_totp.html"
    step = services.SignInStep.VERIFY_TOTP

    def form_valid(self, form) -> HttpResponse:
        device = services.verify_totp(user=self.person, token=form.cleaned_data["token"])
        if device is None:
            return self.wrong_code(form)
        return self.finish(device)


class EnrolTOTPView(_TOTPStepView):
    template_name = "accounts/enrol_totp.html"
    step = services.SignInStep.ENROL_TOTP

    def get_context_data(self, **kwargs):
        device = services.start_totp_enrolment(user=self.person)
        return super().get_context_data(
            qr_code=services.totp_qr_code_svg(device),
            secret=services.totp_secret_for_typing(device),
            **kwargs,
        )

    def form_valid(self, form) -> HttpResponse:
        device = services.start_totp_enrolment(user=self.person)
        if not services.confirm_totp_device(device=device, token=form.cleaned_data["token"]):
            return self.wrong_code(form)
        return self.finish(device)


@method_decorator([never_cache, csrf_protect], name="dispatch")
@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class SetOwnPasswordView(RedirectURLMixin, FormView):
    """ตั้งรหัสผ่านใหม่: the first sign-in of an account whose password someone else set."""

    template_name = "accounts/set_password.html"
    form_class = OwnPasswordForm
    next_page = "wagtailadmin_home"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("wagtailadmin_login")
        step = services.sign_in_step_owed(request.user, totp_verified=request.user.is_verified())
        if step is None:
            return redirect(self.get_success_url())
        if step != services.SignInStep.SET_PASSWORD:
            return redirect(step_url(step, next_url=self.get_success_url()))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.get_success_url(), **kwargs)

    def form_valid(self, form) -> HttpResponse:
        password = form.cleaned_data["new_password1"]
        services.set_own_password(user=self.request.user, password=password)
        # Keeps this session (and its second factor) signed in; other sessions end.
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("ตั้งรหัสผ่านใหม่เรียบร้อยแล้ว"))
        return redirect(self.get_success_url())


class FirstLoginView(PasswordResetConfirmView):
    """ตั้งรหัสผ่านของคุณ: the link of the first-login e-mail (`services.first_login_messages`).

    Django's password-reset confirmation: the token is good once, until the person sets a
    password or signs in, and never longer than `PASSWORD_RESET_TIMEOUT`. The password is then
    the person's own: they owe no first-login change.
    """

    template_name = "accounts/first_login.html"
    form_class = OwnPasswordForm

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form) -> HttpResponse:
        services.set_own_password(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(
            self.request,
            _("ตั้งรหัสผ่านเรียบร้อยแล้ว เข้าสู่ระบบด้วยชื่อผู้ใช้ %(username)s และรหัสผ่านใหม่")
            % {"username": form.user.get_username()},
        )
        return redirect("wagtailadmin_login")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE), in Thai: HTTP 429 with when to retry."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    ends_at = services.lockout_ends_at(username=username, ip_address=get_client_ip_address(request))
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": _cool_off_minutes(),
            "ends_at": timezone.localtime(ends_at) if ends_at else None,
        },
        status=429,
    )
    if ends_at:
        seconds = max(int((ends_at - timezone.now()).total_seconds()), 1)
        response["Retry-After"] = str(seconds)
    return response
