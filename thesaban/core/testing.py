"""Helpers for tests that read the fonts of the PDFs Thesaban prints (`core.pdf`).

A PDF must print in the Sarabun files Thesaban ships (`static/fonts/sarabun/`) whatever fonts
the machine has: many Thai government PCs have a Sarabun of their own installed. WeasyPrint
subsets each font it embeds but keeps every glyph at its place (glyph ids retained), so an
embedded program comes from a shipped file exactly when each of its glyphs has that file's
outline at the same id; a Sarabun of another build does not.
"""

from __future__ import annotations

import functools
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdf
from fontTools.ttLib import TTFont

SHIPPED_FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts" / "sarabun"


@dataclass(frozen=True)
class EmbeddedFont:
    name: str  # the PDF's BaseFont: a subset tag and the family, "/ABCDEF+Sarabun-Thai"
    program: bytes | None  # the embedded font file; None when the font is not embedded


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    """Every font the pages use, and the forms (charts) drawn on them, once each."""
    found: dict[str, EmbeddedFont] = {}

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            stream = next(
                (
                    descriptor[key]
                    for key in ("/FontFile2", "/FontFile3", "/FontFile")
                    if key in descriptor
                ),
                None,
            )
            name = str(font["/BaseFont"])
            found[name] = EmbeddedFont(name, stream.get_object().get_data() if stream else None)
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        visit(page.get("/Resources"))
    return list(found.values())


def _outlines(font: TTFont) -> dict[int, tuple]:
    """Each drawn glyph's outline (points, contour ends, on-curve flags) by glyph id."""
    glyphs = font["glyf"]
    outlines = {}
    for glyph_id, glyph_name in enumerate(font.getGlyphOrder()):
        glyph = glyphs[glyph_name]
        if glyph.numberOfContours == 0:  # nothing drawn, or left out of the subset
            continue
        coordinates, ends, flags = glyph.getCoordinates(glyphs)
        outlines[glyph_id] = (tuple(coordinates), tuple(ends), tuple(flag & 1 for flag in flags))
    return outlines


@functools.cache
def _shipped_outlines() -> dict[str, dict[int, tuple]]:
    return {path.name: _outlines(TTFont(path)) for path in sorted(SHIPPED_FONTS.glob("*.woff2"))}


def shipped_file_of(program: bytes) -> str | None:
    """The name of the shipped Sarabun file an embedded font program was cut from, or None."""
    embedded = _outlines(TTFont(io.BytesIO(program)))
    for name, outlines in _shipped_outlines().items():
        if embedded and all(outlines.get(gid) == outline for gid, outline in embedded.items()):
            return name
    return None


@contextmanager
def another_sarabun_installed() -> Iterator[None]:
    """Fontconfig (so WeasyPrint) sees the machine's fonts and a Sarabun of another build.

    The other Sarabun has the shipped files' names ("Sarabun", "Sarabun-Bold") and coverage,
    with every outline moved, so a PDF that used it would be told apart. Only this process
    sees it, and only while the block runs: nothing is installed on the machine.
    """
    with tempfile.TemporaryDirectory(prefix="thesaban-fonts-") as folder:
        for path in SHIPPED_FONTS.glob("*.woff2"):
            font = TTFont(path)
            font.flavor = None
            glyphs = font["glyf"]
            for glyph_name in font.getGlyphOrder():
                if glyphs[glyph_name].numberOfContours > 0:
                    glyphs[glyph_name].coordinates.translate((7, 0))
            font.save(Path(folder) / f"{path.stem}.ttf")
        config = Path(folder) / "fonts.conf"
        config.write_text(
            '<?xml version="1.0"?>\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"  <dir>{folder}</dir>\n  <cachedir>{folder}/cache</cachedir>\n</fontconfig>\n"
        )
        previous = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("FONTCONFIG_FILE")
            else:
                os.environ["FONTCONFIG_FILE"] = previous
