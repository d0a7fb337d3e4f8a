"""Thai e-mail to staff: one message per person, rendered from a subject and a body template.

Every app that mails people (publishing's next-step notices, the site check's digests, role
changes) builds its messages here, so the subject prefix, the sender and "one address per
message" (nobody sees who else was told) are the same everywhere. Mail that a person's action
causes is sent by the background worker (`enqueue_mail`), so a slow mail server never slows an
approval down; the worker's own jobs send at once (`send_mail`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django_tasks import task


def personal_messages(template: str, context: dict, addresses: Iterable[str]) -> list[list]:
    """Messages from `<template>_subject.txt` and `<template>.txt`, one per distinct address."""
    addresses = sorted({address for address in addresses if address})
    if not addresses:
        return []
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    subject = settings.EMAIL_SUBJECT_PREFIX + subject
    return [[subject, body, settings.DEFAULT_FROM_EMAIL, [address]] for address in addresses]


def send_mail(messages: list[list]) -> int:
    """Send now; returns how many were sent."""
    return send_mass_mail([tuple(message) for message in messages], fail_silently=False)


@task()
def send_mail_task(messages: list[list]) -> int:
    return send_mail(messages)


def enqueue_mail(messages: list[list]) -> None:
    if messages:
        send_mail_task.enqueue(messages)
