"""Thai e-mail to staff: one message per person, rendered from a subject and a body template.

Every app that mails people (publishing's next-step notices, the site check's digests, role
changes) builds its messages here, so the subject prefix, the sender and "one address per
message" (nobody sees who else was told) are the same everywhere. Mail that a person's action
causes is sent by the background worker (`enqueue_mail`), so a slow mail server never slows an
approval down; the worker's own jobs send at once (`send_mail`).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django_tasks import task


def site_link(site, path: str = "") -> str:
    """An absolute address on `site` (a municipality's own domain), for a link in a mail; the
    install's `WAGTAILADMIN_BASE_URL` when there is no site."""
    root = site.root_url if site is not None else settings.WAGTAILADMIN_BASE_URL
    return root.rstrip("/") + path


def personal_messages(
    template: str, context: dict, addresses: Iterable[str], *, site=None
) -> list[list]:
    """Messages from `<template>_subject.txt` and `<template>.txt`, one per distinct address.

    With `site`, the mail is the municipality's: its name in the sender and the subject, and
    `municipality` (its `MunicipalitySettings`) and `site_url` in the templates' context, for
    the shared footer (`core/email/footer.txt`).
    """
    addresses = sorted({address for address in addresses if address})
    if not addresses:
        return []
    prefix, sender = settings.EMAIL_SUBJECT_PREFIX, settings.DEFAULT_FROM_EMAIL
    if site is not None:
        from .models import MunicipalitySettings

        municipality = MunicipalitySettings.for_site(site)
        context = {**context, "municipality": municipality, "site_url": site_link(site, "/")}
        prefix = f"[{municipality.name}] "
        sender = formataddr((municipality.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    return [[prefix + subject, body, sender, [address]] for address in addresses]


def send_mail(messages: list[list]) -> int:
    """Send now; returns how many were sent."""
    return send_mass_mail([tuple(message) for message in messages], fail_silently=False)


@task()
def send_mail_task(messages: list[list]) -> int:
    return send_mail(messages)


def enqueue_mail(messages: list[list]) -> None:
    if messages:
        send_mail_task.enqueue(messages)
