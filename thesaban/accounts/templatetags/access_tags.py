"""`accounts.access` for templates that Wagtail renders and Thesaban overrides."""

from django import template

from .. import access

register = template.Library()


@register.filter
def is_host_administrator(user) -> bool:
    return access.is_host_administrator(user)
