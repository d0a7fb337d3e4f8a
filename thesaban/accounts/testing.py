"""Helpers for tests that act as a logged-in member of staff."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccountSecurity


def log_in(client: Client, user) -> None:
    """Log `user` in to the admin as a fully authenticated member of staff.

    Signed in, past the TOTP step with a confirmed device (test settings require TOTP, as
    production does) and owing no first-login password change. Tests of the sign-in steps
    themselves go through the login views instead.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    AccountSecurity.objects.filter(user=user).update(must_change_password=False)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
