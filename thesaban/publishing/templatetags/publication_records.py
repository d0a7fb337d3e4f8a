"""Filters for the publication record: `{% load publication_records %}`.

Government documents write dates and times with Thai digits, the time with a full stop and
"น." (๒๙ มีนาคม ๒๕๖๔ เวลา ๑๔.๓๐ น.), always in Bangkok time.
"""

from datetime import datetime

from django import template
from django.utils.encoding import uri_to_iri

from thesaban.core.thai_dates import BANGKOK, format_thai_date, to_thai_digits

register = template.Library()


@register.filter
def official_time(value: datetime | None) -> str:
    """``๑๔.๓๐ น.``"""
    if not isinstance(value, datetime):
        return ""
    moment = value.astimezone(BANGKOK)
    return to_thai_digits(f"{moment:%H.%M} น.")


@register.filter
def official_datetime(value: datetime | None) -> str:
    """``๒๙ มีนาคม ๒๕๖๔ เวลา ๑๔.๓๐ น.``"""
    if not isinstance(value, datetime):
        return ""
    return f"{format_thai_date(value, style='official')} เวลา {official_time(value)}"


@register.filter
def iri(url: str) -> str:
    """A URL as people read it: Thai slugs in Thai script, not percent-encoded."""
    return uri_to_iri(url) if url else ""
