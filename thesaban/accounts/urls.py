"""Sign-in pages, mounted under /admin/ ahead of Wagtail's own admin URLs."""

from django.urls import path

from .views import sign_in

urlpatterns = [
    # Takes Wagtail's /admin/login/ (listed first in thesaban/urls.py) to add the TOTP step.
    path("login/", sign_in.LoginView.as_view(), name="accounts_login"),
    path("login/totp/", sign_in.VerifyTOTPView.as_view(), name="accounts_verify_totp"),
    path("login/totp/enrol/", sign_in.EnrolTOTPView.as_view(), name="accounts_enrol_totp"),
    path("login/new-password/", sign_in.SetOwnPasswordView.as_view(), name="accounts_set_password"),
    path(
        "login/welcome/<uidb64>/<token>/",
        sign_in.FirstLoginView.as_view(),
        name="accounts_first_login",
    ),
]
