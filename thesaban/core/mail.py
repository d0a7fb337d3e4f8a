"""Thai e-mail to staff: one message per person, rendered from a subject and a body template.

Every app that mails people (publishing's next-step notices, the site check's digests, role
changes) builds its messages here, so the subject prefix, the sender and "one address per
message" (nobody sees who else was told) are the same everywhere. Mail that a person's action
causes is sent by the background worker (`enqueue_mail`), so a slow mail server never slows an
approval down; the worker's own jobs send at once (`send_mail`).

Mail on a municipality's behalf (`site=`) carries its name (`MunicipalitySettings.name`) in
the subject prefix and as the sender's name, at the install's own address (`DEFAULT_FROM_EMAIL`:
the address the mail server may send from); its links start at `base_url(site)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django_tasks import task
from wagtail.models import Site

from .models import MunicipalitySettings


def personal_messages(
    template: str, context: dict, addresses: Iterable[str], *, site: Site | None = None
) -> list[list]:
    """Messages from `<template>_subject.txt` and `<template>.txt`, one per distinct address;
    from the municipality of `site` if given."""
    addresses = sorted({address for address in addresses if address})
    if not addresses:
        return []
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    if site is None:
        prefix, sender = settings.EMAIL_SUBJECT_PREFIX, settings.DEFAULT_FROM_EMAIL
    else:
        name = MunicipalitySettings.for_site(site).name
        # Quoted, for the dots of "ทต." and the like; Django encodes the Thai in the header.
        name = name.replace("\\", "").replace('"', "")
        prefix, sender = f"[{name}] ", f'"{name}" <{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}>'
    return [[prefix + subject, body, sender, [address]] for address in addresses]


def base_url(site: Site | None = None) -> str:
    """Where links in mail start (no trailing slash): the install's address
    (`WAGTAILADMIN_BASE_URL`, from `SITE_URL`) while it hosts one municipality, else the
    municipality's own (its site's host name and port)."""
    if site is None or Site.objects.count() <= 1:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return site.root_url.rstrip("/")


def send_mail(messages: list[list]) -> int:
    """Send now; returns how many were sent."""
    return send_mass_mail([tuple(message) for message in messages], fail_silently=False)


@task()
def send_mail_task(messages: list[list]) -> int:
    return send_mail(messages)


def enqueue_mail(messages: list[list]) -> None:
    if messages:
        send_mail_task.enqueue(messages)
