"""Helpers for tests that act as a logged-in member of staff."""

from django.test import Client


def log_in(client: Client, user) -> None:
    """Log `user` in to the admin as a fully authenticated member of staff."""
    client.force_login(user)
