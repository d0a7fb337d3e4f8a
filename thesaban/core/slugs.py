"""Thai URL slugs: the policy of docs/decisions/0002-thai-url-slugs.md.

Thai writes its vowels above and below the line and its tone marks as combining characters
(Unicode category Mn). Everything in the stock Django/Wagtail stack treats those as
punctuation: Django's `slugify` drops them, Django's slug validator rejects them, Wagtail's
admin JavaScript strips them, and Wagtail's front-end URL pattern does not match them. Left
alone, "ข่าวประชาสัมพันธ์" becomes "ขาวประชาสมพนธ", which reads as different, wrong words.

Structural pages (the categories and the items of the announcement) have short ASCII slugs
chosen by hand. Pages that staff create get Thai slugs made by `thai_slugify`, which keeps the
marks. This module makes every step accept and keep them:

- `thai_slugify`: the slug of a title.
- `ThaiSlugMixin`: for page models. Fills in an empty slug from the title and repairs a slug
  that lost its marks, and validates slugs with `validate_thai_slug` instead of Django's.
- `ThaiSlugPageForm` / `ThaiSlugCopyForm`: the admin forms the mixin installs. They accept
  marks and repair what the admin JavaScript stripped (see `_restore_marks`).
- `thai_serve_path()`: the front-end URL pattern, which must be added to the URLconf after
  `include(wagtail.urls)` or pages with Thai slugs are unreachable and have no URL.
"""

import copy
import re
import sys
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_unicode_slug
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm
from wagtail.coreutils import WAGTAIL_APPEND_SLASH

DEFAULT_MAX_LENGTH = 80

# Thai vowel signs above/below the line, tone marks and other combining signs (category Mn).
_THAI_MARK_RANGE = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
THAI_MARKS = frozenset(
    chr(code) for code in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))
)
# Written before the consonant they are pronounced after: cutting right after one strands it.
_LEADING_VOWELS = frozenset("เแโใไ")
# Spacing vowels that complete the syllable before them: cutting right before one leaves a
# syllable without its vowel ("จ้" of "จ้าง").
_FOLLOWING_VOWELS = frozenset("ะาำๅ")
_SARA_AM = "ำ"
_SARA_AA = "า"

# What Django's validate_unicode_slug accepts, plus the Thai marks it wrongly rejects.
thai_slug_re = re.compile(rf"^[-\w{_THAI_MARK_RANGE}]+\Z")
validate_thai_slug = RegexValidator(
    thai_slug_re,
    _(
        "ส่วนท้าย URL (slug) ใช้ได้เฉพาะตัวอักษรไทย (รวมสระและวรรณยุกต์) ตัวอักษรภาษาอังกฤษ "
        "ตัวเลข ขีดกลาง (-) และขีดล่าง (_) ห้ามเว้นวรรค"
    ),
    "invalid",
)

# Wagtail's own pattern is r"^((?:[\w\-]+/)*)$"; `\w` does not match Thai marks.
SERVE_PATTERN = rf"^((?:[-\w{_THAI_MARK_RANGE}]+/)*)$"
_SERVE_PATTERN_NO_SLASH = rf"^([-\w{_THAI_MARK_RANGE}/]*)$"

_NUMBER_SUFFIX_RE = re.compile(r"-\d+")


def _is_thai(char: str) -> bool:
    return "\u0e01" <= char <= "\u0e5b"


def _is_thai_base(char: str) -> bool:
    return (
        _is_thai(char)
        and char not in THAI_MARKS
        and unicodedata.category(char) in ("Lo", "Lm", "Nd")
    )


def _slug_letters(char: str) -> str:
    """What `char` contributes to a slug as letters/digits, or "" if it is a separator."""
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    if _is_thai_base(char):
        return char
    # Latin with accents or in compatibility forms (é, the ligature ﬁ, full-width letters)
    # folds to plain ASCII letters.
    folded = unicodedata.normalize("NFKD", char)
    letters = "".join(c for c in folded if c.isascii() and c.isalnum())
    rest = [c for c in folded if not (c.isascii() and c.isalnum())]
    if letters and all(unicodedata.category(c).startswith("M") for c in rest):
        return letters.lower()
    return ""


def _cut(slug: str, max_length: int) -> str:
    if len(slug) <= max_length:
        return slug
    boundary = slug.rfind("-", 0, max_length + 1)
    # Thai runs a whole phrase together without spaces, so the last hyphen may be near the
    # start; cutting there would throw away most of the title.
    if boundary >= max_length // 2:
        return slug[:boundary]
    cut = max_length
    while cut > 0 and (
        slug[cut] in THAI_MARKS
        or slug[cut] in _FOLLOWING_VOWELS
        or slug[cut - 1] in _LEADING_VOWELS
    ):
        cut -= 1
    return slug[:cut].rstrip("-")


def thai_slugify(text: str, *, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """The URL slug of `text`, keeping Thai vowel and tone marks.

    Keeps Thai letters with their marks, Thai digits and ASCII letters and digits (accented
    Latin letters lose their accents); lowercases ASCII; turns every run of spaces and
    punctuation into one hyphen; drops invisible characters (zero-width spaces pasted from
    Word, for instance). Cuts to `max_length` characters at a hyphen where that keeps at least
    half, otherwise between letters, never between a letter and its marks.

    >>> thai_slugify("ข่าวประชาสัมพันธ์ ประจำเดือน มีนาคม")
    'ข่าวประชาสัมพันธ์-ประจำเดือน-มีนาคม'
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    if not text:
        return ""
    parts: list[str] = []
    gap = False
    for char in unicodedata.normalize("NFC", text):
        if char in THAI_MARKS:
            # A mark belongs to the Thai letter before it; at the start of a word it has
            # nothing to sit on and would render as a dotted circle.
            if parts and not gap and _is_thai(parts[-1][-1]):
                parts.append(char)
            continue
        letters = _slug_letters(char)
        if letters:
            if gap and parts:
                parts.append("-")
            gap = False
            parts.append(letters)
        elif unicodedata.category(char) in ("Cf", "Mn", "Me"):
            # Invisible, or a combining mark of another script: not a word boundary.
            continue
        else:
            gap = True
    return _cut("".join(parts), max_length)


def _restore_marks(submitted: str, reference: str) -> str | None:
    """`submitted` with its Thai marks put back, if it is `reference` with them stripped.

    `submitted` may be the whole of `reference`, with a number added ("-2") or not, or its
    first words. Returns None when `submitted` is something else, or lost no marks (then it is
    a slug someone chose, and stays).
    Understands both ways marks get lost: the admin JavaScript deletes them; Django's
    `slugify` (NFKC) also turns SARA AM into SARA AA. Hyphens may differ, since both drop
    punctuation where `thai_slugify` puts a hyphen ("ก.พ." → "กพ" against "ก-พ").
    """
    i = j = 0
    lost_marks = False
    while i < len(reference) and j < len(submitted):
        ref, sub = reference[i], submitted[j]
        if ref == sub or (ref == "-" and sub == "_"):
            i += 1
            j += 1
        elif ref == _SARA_AM and sub == _SARA_AA:
            lost_marks = True
            i += 1
            j += 1
        elif ref in THAI_MARKS:
            lost_marks = True
            i += 1
        elif ref == "-":
            i += 1
        else:
            return None
    while i < len(reference) and reference[i] in THAI_MARKS:
        lost_marks = True
        i += 1
    if not lost_marks:
        return None
    rest = submitted[j:]
    if i == len(reference):
        return reference + rest if not rest or _NUMBER_SUFFIX_RE.fullmatch(rest) else None
    return reference[:i] if reference[i] == "-" else None


def _title_slug_repair(slug: str, title: str) -> str | None:
    """`thai_slugify(title)` (with any number `slug` adds, or the first words `slug` kept) if
    `slug` was made from `title` by something that drops Thai marks: Wagtail's admin
    JavaScript or Django's `slugify`. None if `slug` is anything else."""
    if not slug or not title:
        return None
    full = thai_slugify(title, max_length=sys.maxsize)
    restored = _restore_marks(slug, full)
    if restored is not None and restored.startswith(full):
        # The whole title: cut to length as any slug made from a title is.
        return thai_slugify(title) + restored[len(full) :]
    return restored


def _available_slug(base: str, parent: models.Model | None, page: models.Model | None) -> str:
    """`base`, or `base-2`, `base-3`… whichever no sibling uses (as Wagtail does)."""
    if parent is None:
        return base
    siblings = parent.get_children()
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _accept_thai_marks(field: forms.Field) -> None:
    field.validators = [
        validate_thai_slug if validator is validate_unicode_slug else validator
        for validator in field.validators
    ]


class ThaiSlugPageForm(WagtailAdminPageForm):
    """The admin page form: accepts Thai slugs and repairs what the browser stripped.

    Wagtail's admin JavaScript (the `w-slug` controller) removes Thai marks from a slug it
    makes from the title and from any slug typed into the field, as soon as the field loses
    focus. The server puts them back when it can tell what was meant:

    1. the page's own stored slug, stripped (or its first words): the stored slug with its
       marks, so a URL never changes because someone clicked into the field;
    2. a draft whose slug was made from its old title, renamed: the slug follows the new
       title, as Wagtail's browser sync would (it cannot here: it compares its own
       mark-less slug of the title with the field, finds them different and stops syncing);
    3. a slug made from the title (or its first words), stripped: `thai_slugify(title)`,
       numbered if a sibling already has it, as Wagtail numbers the slugs it makes.

    A slug typed by hand in Thai that is none of these keeps only what the browser left.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            _accept_thai_marks(self.fields["slug"])

    def clean(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            self.cleaned_data["slug"] = self._repaired_slug(unicodedata.normalize("NFC", slug))
        return super().clean()

    def _repaired_slug(self, slug: str) -> str:
        page = self.instance
        title = self.cleaned_data.get("title") or ""
        stored = page.slug if page.pk else ""
        if stored and slug != stored:
            restored = _restore_marks(slug, stored)
            if restored is not None:
                return restored
        renamed = thai_slugify(title)
        if (
            renamed
            and slug == stored
            and not page.live
            and title != page.title
            and stored == thai_slugify(page.title)
        ):
            return _available_slug(renamed, self.parent_page, page)
        repaired = _title_slug_repair(slug, title)
        if repaired is not None:
            return _available_slug(repaired, self.parent_page, page)
        return slug


class ThaiSlugCopyForm(CopyForm):
    """The "copy page" form: accepts the Thai slug it offers by default (Wagtail's own form
    rejects it as invalid) and repairs a slug the browser stripped, from the new title or the
    original page's slug."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _accept_thai_marks(self.fields["new_slug"])

    def clean_new_slug(self) -> str:
        slug = unicodedata.normalize("NFC", self.cleaned_data["new_slug"])
        title = self.cleaned_data.get("new_title") or ""
        repaired = _title_slug_repair(slug, title)
        if repaired is None and slug != self.page.slug:
            repaired = _restore_marks(slug, self.page.slug)
        return slug if repaired is None else repaired


class ThaiSlugMixin:
    """For Wagtail page models (put it before `Page` in the bases): Thai slugs for pages.

    - An empty slug is made with `thai_slugify(title)` (numbered if a sibling has it), where
      Wagtail would use Django's `slugify`, which drops the marks.
    - A slug that is the title's slug with its marks lost (made by Django's `slugify` or the
      admin JavaScript) is replaced by `thai_slugify(title)`, unless the page is live: a
      published URL is never changed implicitly.
    - Slugs are validated with `validate_thai_slug`; Django's validator rejects every Thai
      slug with a vowel or tone mark, and Wagtail validates live pages on every save.
    - The admin edit and copy forms are `ThaiSlugPageForm` and `ThaiSlugCopyForm`.

    Wagtail fills in the slug in `full_clean` (publishing) and `minimal_clean` (saving a
    draft), both before saving; the policy runs first in both.
    """

    base_form_class = ThaiSlugPageForm
    copy_form_class = ThaiSlugCopyForm

    def full_clean(self, *args, **kwargs):
        self._apply_thai_slug_policy()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        self._apply_thai_slug_policy()
        super().minimal_clean()

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude | {"slug"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "slug" not in exclude:
            field = copy.copy(self._meta.get_field("slug"))
            _accept_thai_marks(field)
            try:
                self.slug = field.clean(self.slug, self)
            except ValidationError as error:
                errors.setdefault("slug", []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def _apply_thai_slug_policy(self) -> None:
        title = self.title or ""
        wanted = thai_slugify(title)
        if not wanted:
            return
        if self.slug:
            self.slug = unicodedata.normalize("NFC", self.slug)
            if self.pk and self.live:
                return
            wanted = _title_slug_repair(self.slug, title)
            if wanted is None:
                return
        parent = self._known_parent()
        if parent is None:
            # Like Wagtail: a new slug waits for the save that knows the siblings; a repaired
            # one is set now and checked for uniqueness then.
            if self.slug:
                self.slug = wanted
            return
        self.slug = _available_slug(wanted, parent, self)

    def _known_parent(self):
        if self.path:
            return self.get_parent()
        return getattr(self, "_cached_parent_obj", None)


def thai_serve_path():
    """The front-end URL pattern for pages whose slugs have Thai marks.

    Goes after `path("", include(wagtail.urls))`, not before: Wagtail's include also holds
    `_util/` URLs that this pattern would swallow. Wagtail's own pattern still serves every
    slug it matches; this one serves the rest and lets `reverse()` build their URLs.
    """
    # Imported here, not at the top: page models import this module while apps load.
    from django.urls import re_path
    from wagtail import views

    pattern = SERVE_PATTERN if WAGTAIL_APPEND_SLASH else _SERVE_PATTERN_NO_SLASH
    return re_path(pattern, views.serve, name="wagtail_serve")
