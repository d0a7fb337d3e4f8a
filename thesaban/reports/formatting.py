"""How the annual report writes numbers and text: thousands separators and, in the official
style, Thai digits.

Figures stay numbers in the snapshot (so the XLSX keeps them as numbers); only the HTML/PDF
turns them into text, here. Dates go through `thesaban.core.thai_dates`, never through this.
"""

from __future__ import annotations

import re
from numbers import Real

from thesaban.core.thai_dates import to_thai_digits

# Addresses keep their Arabic digits: a URL or e-mail address written in Thai digits no longer
# works when someone types it in.
_ADDRESS = re.compile(r"(https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+)")


def thai_text(text: object, *, thai_digits: bool) -> str:
    """`text` with its digits written as Thai digits (except in addresses) if asked."""
    text = "" if text is None else str(text)
    if not thai_digits:
        return text
    parts = _ADDRESS.split(text)
    # split() with one group alternates: text, address, text, address, …
    return "".join(part if i % 2 else to_thai_digits(part) for i, part in enumerate(parts))


def format_number(value: object, *, thai_digits: bool) -> str:
    """A number the report's way: ``12,345``, ``3.5`` (at most two decimals, no trailing
    zeros), with Thai digits if asked. Anything else (text, None) is written as text."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return thai_text(value, thai_digits=thai_digits)
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    return to_thai_digits(text) if thai_digits else text


def is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)
