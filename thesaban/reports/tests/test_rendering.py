"""The annual report's rendering (R6): the official-style PDF, the HTML preview, the XLSX and
the SVG charts, all from the hand-written snapshot in `sample_snapshot`.

The PDF is checked through its text as pypdf extracts it. That text layer is WeasyPrint's:
one Unicode string per glyph, so where HarfBuzz draws SARA AM (ำ) as NIKHAHIT + SARA AA, or a
tone mark as a shifted variant, the extracted text can lose or misplace those marks. Text with
marks is therefore compared by its `skeleton` (consonants, vowels, digits; no spaces, no marks
above or below), which still shows where lines and pages break.
"""

from __future__ import annotations

import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import pypdf
import time_machine
from django.test import SimpleTestCase
from openpyxl import load_workbook

from thesaban.core.testing import another_sarabun_installed, embedded_fonts, shipped_file_of
from thesaban.core.thai_dates import to_thai_digits
from thesaban.reports import charts, rendering
from thesaban.reports.formatting import format_number, thai_text

from . import sample_snapshot as sample

SVG = "{http://www.w3.org/2000/svg}"


def skeleton(text: str) -> str:
    """`text` without whitespace and without the Thai marks the PDF's text layer may lose."""
    text = text.replace("ำ", "า")
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Cf")
    )


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


class ReportPdfTests(SimpleTestCase):
    """One approved and one draft report, rendered once for the class (about a second each)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pdf = rendering.render_pdf(sample.sample_snapshot())
        cls.pages = pdf_pages(cls.pdf)
        cls.draft_pdf = rendering.render_pdf(sample.sample_snapshot(approved=False))

    def test_a_pdf_of_a_cover_a_contents_page_and_the_body(self):
        self.assertTrue(self.pdf.startswith(b"%PDF-"))
        # Cover, contents, and a body that the 60-row table alone carries over three pages.
        self.assertGreaterEqual(len(self.pages), 6)

    def test_the_cover_names_the_municipality_the_report_and_the_fiscal_year_in_thai_digits(self):
        cover = self.pages[0]
        self.assertIn(skeleton(sample.MUNICIPALITY), skeleton(cover))
        self.assertIn(skeleton(rendering.REPORT_TITLE), skeleton(cover))
        self.assertIn(skeleton("ประจำปีงบประมาณ พ.ศ. ๒๕๖๙"), skeleton(cover))
        self.assertIn("๒๕๖๙", cover)
        self.assertNotIn("2569", cover)
        self.assertIn(skeleton("๑ ตุลาคม ๒๕๖๘"), skeleton(cover))
        self.assertIn(skeleton("๓๐ กันยายน ๒๕๖๙"), skeleton(cover))

    def test_pages_after_the_cover_are_numbered_in_thai_digits_at_the_top(self):
        self.assertNotRegex(self.pages[0], r"- [๐-๙]+ -")
        for number, text in enumerate(self.pages[1:], start=2):
            with self.subTest(page=number):
                self.assertIn(f"- {to_thai_digits(number)} -", text)

    def test_the_contents_page_gives_each_section_its_page(self):
        contents = self.pages[1]
        for title in ("การเผยแพร่ข้อมูลต่อสาธารณะ", "ปัญหา อุปสรรค และข้อเสนอแนะ"):
            self.assertIn(skeleton(title), skeleton(contents))
        self.assertRegex(contents, r"\. [๐-๙]+\n")

    def test_numbers_in_the_body_have_thai_digits_and_thousands_separators(self):
        body = "".join("".join(self.pages[2:]).split())
        self.assertIn("๑,๒๓๔", body)
        self.assertIn("๔.๒๕", body)
        # Except in an address, which must keep working when typed in.
        self.assertIn("https://example.go.th/2569", body)
        self.assertNotRegex(body.replace("https://example.go.th/2569", ""), r"[0-9]")

    def test_the_long_table_repeats_its_header_and_keeps_each_row_on_one_page(self):
        header = skeleton("".join(sample.LONG_TABLE_COLUMNS[1:]))
        pages_with_rows = set()
        for number, subject, division, _days in sample._long_table_rows():
            row = skeleton(f"{to_thai_digits(number)} {to_thai_digits(subject)} {division}")
            found = [i for i, text in enumerate(self.pages) if row in skeleton(text)]
            with self.subTest(row=number):
                self.assertEqual(len(found), 1, "each row whole on exactly one page")
            pages_with_rows.update(found)
        self.assertGreaterEqual(len(pages_with_rows), 3)
        for index in sorted(pages_with_rows):
            with self.subTest(page=index + 1):
                self.assertIn(header, skeleton(self.pages[index]))

    def test_a_thai_sentence_comes_out_whole(self):
        text = " ".join(" ".join(self.pages).split())
        self.assertIn(sample.KNOWN_SENTENCE, text)

    def test_thai_lines_break_only_between_words(self):
        paragraph = skeleton(sample.LINE_BREAK_PARAGRAPH)
        boundaries, offset = set(), 0
        for word in sample.LINE_BREAK_WORDS:
            offset += len(skeleton(word))
            boundaries.add(offset)
        breaks, position = [], 0
        for line in "\n".join(self.pages).splitlines():
            line = skeleton(line)
            if line and paragraph.startswith(line, position):
                position += len(line)
                breaks.append(position)
            if position == len(paragraph):
                break
        self.assertEqual(position, len(paragraph), "the whole paragraph is in the PDF")
        self.assertGreaterEqual(len(breaks), 4)
        self.assertLessEqual(set(breaks), boundaries)

    def test_the_fonts_are_the_embedded_sarabun_only(self):
        """Each font is embedded and cut from the shipped Sarabun file its name says."""
        shipped = {
            "Sarabun-Thai": "sarabun-thai-400-normal.woff2",
            "Sarabun-Latin": "sarabun-latin-400-normal.woff2",
            "Sarabun-Thai-Bold": "sarabun-thai-700-normal.woff2",
            "Sarabun-Latin-Bold": "sarabun-latin-700-normal.woff2",
        }
        fonts = embedded_fonts(self.pdf)
        for font in fonts:
            with self.subTest(font=font.name):
                self.assertRegex(font.name, r"^/[A-Z]{6}\+Sarabun-(Thai|Latin)(-Bold)?$")
                self.assertIsNotNone(font.program, "embedded")
                family = font.name.partition("+")[2]
                self.assertEqual(shipped_file_of(font.program), shipped[family])
        self.assertEqual({font.name.partition("+")[2] for font in fonts}, set(shipped))

    def test_a_sarabun_installed_on_the_machine_changes_nothing(self):
        """Many Thai government PCs have a Sarabun of their own: the PDF is the same."""
        with another_sarabun_installed():
            pdf = rendering.render_pdf(sample.sample_snapshot())
        self.assertEqual(
            [shipped_file_of(font.program) is not None for font in embedded_fonts(pdf)],
            [True] * len(embedded_fonts(self.pdf)),
        )
        self.assertEqual(pdf, self.pdf)

    def test_the_same_snapshot_gives_the_same_pdf(self):
        again = rendering.render_pdf(sample.sample_snapshot())
        self.assertEqual(pdf_pages(again), self.pages)
        # The information dictionary's dates come from the snapshot, not the clock.
        self.assertEqual(again, self.pdf)
        metadata = pypdf.PdfReader(io.BytesIO(self.pdf)).metadata
        self.assertEqual(
            metadata.creation_date,
            datetime(2026, 10, 5, 9, 30, tzinfo=timezone(timedelta(hours=7))),
        )
        self.assertIn(sample.MUNICIPALITY, metadata.title)

    def test_an_approved_report_ends_with_the_approval_in_buddhist_era(self):
        last = skeleton(self.pages[-1])
        self.assertIn(skeleton("นางสาวสมหญิง ใจดี"), last)
        self.assertIn(skeleton("ปลัดเทศบาลตำบลตัวอย่าง"), last)
        self.assertIn(skeleton("๒๐ ตุลาคม ๒๕๖๙"), last)
        self.assertNotIn(skeleton("ฉบับร่าง"), skeleton("".join(self.pages)))

    def test_a_draft_says_so_on_every_page_and_has_no_approval(self):
        pages = pdf_pages(self.draft_pdf)
        for number, text in enumerate(pages, start=1):
            with self.subTest(page=number):
                self.assertIn("ฉบับร่าง", text)
        self.assertNotIn(skeleton("นางสาวสมหญิง"), skeleton("".join(pages)))


class ReportHtmlTests(SimpleTestCase):
    def test_the_same_snapshot_gives_the_same_html_whenever_it_is_rendered(self):
        with time_machine.travel(datetime(2026, 10, 5, 10, 0, tzinfo=UTC), tick=False):
            first = rendering.render_html(sample.sample_snapshot())
            first_pdf_html = rendering.render_html(sample.sample_snapshot(), for_pdf=True)
        with time_machine.travel(datetime(2031, 1, 1, tzinfo=UTC), tick=False):
            self.assertEqual(rendering.render_html(sample.sample_snapshot()), first)
            self.assertEqual(
                rendering.render_html(sample.sample_snapshot(), for_pdf=True), first_pdf_html
            )

    def test_the_preview_uses_arabic_digits_unless_asked(self):
        html = rendering.render_html(sample.sample_snapshot())
        self.assertIn("ประจำปีงบประมาณ พ.ศ. 2569", html)
        self.assertIn("1,234", html)
        thai = rendering.render_html(sample.sample_snapshot(), thai_digits=True)
        self.assertIn("ประจำปีงบประมาณ พ.ศ. ๒๕๖๙", thai)
        self.assertIn("๑,๒๓๔", thai)
        # An address keeps its digits, or it no longer works.
        self.assertIn("https://example.go.th/2569", thai)

    def test_charts_are_inline_svg_with_a_title_a_description_and_a_data_table(self):
        html = rendering.render_html(sample.sample_snapshot())
        self.assertEqual(html.count("<svg "), 2)
        self.assertIn('aria-labelledby="chart-1-title chart-1-desc"', html)
        self.assertIn('<title id="chart-1-title">จำนวนรายการที่เผยแพร่รายเดือน</title>', html)
        self.assertIn('<desc id="chart-2-desc">', html)
        self.assertEqual(html.count('<details class="chart-data">'), 2)
        self.assertIn('<th scope="row">ต.ค. 68</th><td class="number">12</td>', html)
        self.assertNotIn("<script", html)
        # The PDF draws the chart; the data table is for the screen.
        self.assertNotIn(
            "chart-data", rendering.render_html(sample.sample_snapshot(), for_pdf=True)
        )

    def test_the_preview_toolbar_shows_the_given_links_but_never_in_the_pdf(self):
        links = [("ดาวน์โหลด PDF", "/admin/reports/1/pdf/")]
        self.assertIn(
            '<a href="/admin/reports/1/pdf/">ดาวน์โหลด PDF</a>',
            rendering.render_html(sample.sample_snapshot(), links=links),
        )
        self.assertNotIn(
            "/admin/reports/1/pdf/",
            rendering.render_html(sample.sample_snapshot(), for_pdf=True, links=links),
        )

    def test_text_from_the_snapshot_is_escaped(self):
        snapshot = sample.sample_snapshot()
        snapshot["sections"][0]["blocks"][0]["text"] = "<script>alert(1)</script>"
        snapshot["sections"][0]["blocks"][2]["title"] = "<b>แผนภูมิ</b>"
        html = rendering.render_html(snapshot)
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>แผนภูมิ", html)
        self.assertIn("&lt;script&gt;", html)

    def test_text_is_never_justified(self):
        css = rendering.__file__.rsplit("/", 1)[0] + "/static/" + rendering._STYLESHEETS["1"]
        with open(css, encoding="utf-8") as stylesheet:
            self.assertNotRegex(stylesheet.read(), r"text-align(-last)?\s*:\s*justify")

    def test_a_draft_is_labelled_and_an_approved_report_is_not(self):
        draft = rendering.render_html(sample.sample_snapshot(approved=False))
        self.assertIn('class="draft-mark"', draft)
        self.assertIn('class="draft-label"', draft)
        approved = rendering.render_html(sample.sample_snapshot())
        self.assertNotIn('class="draft-mark"', approved)
        self.assertIn('class="approval"', approved)

    def test_no_emblem_in_the_snapshot_falls_back_to_the_sites_own(self):
        snapshot = sample.sample_snapshot()
        snapshot["municipality"]["emblem"] = None
        self.assertIn('src="/static/img/emblem.svg"', rendering.render_html(snapshot))

    def test_the_municipalitys_emblem_prints_from_the_snapshot_itself(self):
        snapshot = sample.sample_snapshot()
        emblem = "data:image/png;base64,iVBORw0KGgo="
        snapshot["municipality"]["emblem"] = emblem
        self.assertIn(f'<img class="emblem" src="{emblem}"', rendering.render_html(snapshot))

    def test_an_emblem_that_is_not_an_image_falls_back_to_the_sites_own(self):
        for emblem in (
            "data:text/html;base64,PHA+eDwvcD4=",
            'data:image/png;base64,AAAA" onerror="alert(1)',
            "data:image/svg+xml,<svg/>",
        ):
            snapshot = sample.sample_snapshot()
            snapshot["municipality"]["emblem"] = emblem
            with self.subTest(emblem=emblem):
                html = rendering.render_html(snapshot)
                self.assertIn('<img class="emblem" src="/static/img/emblem.svg"', html)
                self.assertNotIn("onerror", html)

    def test_an_unknown_template_version_is_refused_rather_than_rendered_differently(self):
        snapshot = sample.sample_snapshot()
        snapshot["template_version"] = "99"
        with self.assertRaises(rendering.SnapshotError):
            rendering.render_html(snapshot)
        self.assertEqual(rendering.TEMPLATE_VERSION, "1")

    def test_an_unknown_block_type_is_refused(self):
        snapshot = sample.sample_snapshot()
        snapshot["sections"][0]["blocks"].append({"type": "video"})
        with self.assertRaises(rendering.SnapshotError):
            rendering.render_html(snapshot)


class ReportXlsxTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workbook = load_workbook(io.BytesIO(rendering.render_xlsx(sample.sample_snapshot())))

    def test_a_cover_sheet_the_figures_and_one_sheet_per_table(self):
        self.assertEqual(
            self.workbook.sheetnames,
            [
                "รายงาน",
                "ตัวเลขสำคัญ",
                "จำนวนรายการที่เผยแพร่ตามหมวด",
                "รายการที่เผยแพร่และเวลาที่รอ",
                "ข้อบกพร่องที่ตรวจพบตามหน่วยงาน",
            ],
        )
        for name in self.workbook.sheetnames:
            self.assertLessEqual(len(name), 31)

    def test_the_cover_names_the_municipality_the_fiscal_year_and_the_date(self):
        values = [
            cell for row in self.workbook["รายงาน"].iter_rows(values_only=True) for cell in row
        ]
        self.assertIn(sample.MUNICIPALITY, values)
        self.assertIn(2569, values)
        self.assertIn("5 ตุลาคม 2569", values)
        self.assertIn("รายการที่เผยแพร่และเวลาที่รอ", values)

    def test_tables_keep_their_headers_bold_and_their_numbers_as_numbers(self):
        sheet = self.workbook["รายการที่เผยแพร่และเวลาที่รอ"]
        self.assertEqual([c.value for c in sheet[1]], sample.LONG_TABLE_COLUMNS)
        self.assertTrue(all(c.font.bold for c in sheet[1]))
        self.assertEqual(sheet.max_row, sample.LONG_TABLE_ROWS + 1)
        self.assertEqual(sheet["A2"].value, 1)
        self.assertEqual(sheet["D2"].value, 7.5)
        self.assertEqual(sheet["D2"].number_format, "#,##0.00")
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertGreater(sheet.column_dimensions["B"].width, sheet.column_dimensions["A"].width)

        by_category = self.workbook["จำนวนรายการที่เผยแพร่ตามหมวด"]
        self.assertEqual(by_category["B5"].value, 1234)
        self.assertEqual(by_category["B5"].number_format, "#,##0")
        self.assertTrue(by_category["A5"].font.bold, "the total row is bold")

    def test_figures_are_numbers_with_their_section(self):
        rows = list(self.workbook["ตัวเลขสำคัญ"].iter_rows(min_row=2, values_only=True))
        self.assertIn(("การเผยแพร่ข้อมูลต่อสาธารณะ", "รายการที่เผยแพร่ทั้งหมด", 1234, "รายการ"), rows)
        self.assertIn(("การอนุมัติตามขั้นตอนสามขั้น", "เปอร์เซ็นไทล์ที่ 90", 4.25, "วัน"), rows)

    def test_sheet_names_are_short_unique_and_legal(self):
        taken: set[str] = set()
        long_title = "ก" * 40
        first = rendering.sheet_name(long_title, taken)
        second = rendering.sheet_name(long_title, taken)
        self.assertEqual(len(first), 31)
        self.assertLessEqual(len(second), 31)
        self.assertTrue(second.endswith(" (2)"))
        self.assertEqual(rendering.sheet_name("ก/ข: [ค]?", taken), "ก ข   ค")
        self.assertEqual(rendering.sheet_name("", taken), "ตาราง")


class ChartTests(SimpleTestCase):
    def parse(self, svg: str) -> ET.Element:
        return ET.fromstring(svg)

    def test_a_bar_chart_has_a_bar_per_value_a_title_a_description_and_axis_labels(self):
        svg = charts.bar_chart(
            "รายการที่เผยแพร่",
            sample.MONTHS,
            [
                {"name": "หน้าเว็บ", "values": sample.PUBLISHED_PER_MONTH},
                {"name": "เอกสาร", "values": [v // 2 for v in sample.PUBLISHED_PER_MONTH]},
            ],
            chart_id="c1",
        )
        root = self.parse(svg)
        self.assertEqual(root.tag, f"{SVG}svg")
        self.assertEqual(root.get("role"), "img")
        self.assertEqual(root.find(f"{SVG}title").text, "รายการที่เผยแพร่")
        self.assertIn("แผนภูมิแท่ง", root.find(f"{SVG}desc").text)
        bars = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]
        self.assertEqual(len(bars), 24)
        self.assertEqual([b.get("data-value") for b in bars[:3]], ["12", "9", "15"])
        # Taller value, taller bar.
        heights = [float(b.get("height")) for b in bars[:12]]
        self.assertEqual(heights.index(max(heights)), sample.PUBLISHED_PER_MONTH.index(20))
        labels = "".join(
            e.text or "" for e in root.iter() if e.tag in (f"{SVG}text", f"{SVG}tspan")
        )
        self.assertIn("ต.ค.", labels)
        self.assertIn("68", labels)
        # Series differ by shade or hatching, never by hue: the chart reads in greyscale.
        self.assertNotEqual(bars[0].get("fill"), bars[12].get("fill"))
        for colour in re.findall(r"#[0-9a-fA-F]{3,6}\b", svg):
            digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
            with self.subTest(colour=colour):
                self.assertEqual(len({digits[0:2], digits[2:4], digits[4:6]}), 1)

    def test_a_line_chart_has_a_line_per_series_and_a_marker_per_value(self):
        svg = charts.line_chart(
            "เวลา (วัน)",
            ["ต.ค. 68", "พ.ย. 68", "ธ.ค. 68"],
            [{"name": "มัธยฐาน", "values": [1, 1.5, 2]}, {"name": "P90", "values": [3, 4, 5]}],
            chart_id="c2",
            thai_digits=True,
        )
        root = self.parse(svg)
        self.assertEqual(len(list(root.iter(f"{SVG}polyline"))), 2)
        points = [e for e in root.iter() if e.get("class") == "point"]
        self.assertEqual(len(points), 6)
        self.assertEqual(
            {e.get("stroke-dasharray") for e in root.iter(f"{SVG}polyline")}, {"none", "7 4"}
        )
        values = [e.text for e in root.iter(f"{SVG}text") if e.get("class") == "value"]
        self.assertEqual(values, ["๑", "๑.๕", "๒", "๓", "๔", "๕"])
        self.assertIn("แผนภูมิเส้น", root.find(f"{SVG}desc").text)

    def test_text_in_a_chart_is_escaped(self):
        svg = charts.bar_chart("<&>", ["a<b"], [{"name": "x&y", "values": [1]}])
        root = self.parse(svg)
        self.assertEqual(root.find(f"{SVG}title").text, "<&>")

    def test_an_empty_chart_still_draws(self):
        root = self.parse(charts.bar_chart("ว่าง", [], []))
        self.assertIn("ไม่มีข้อมูล", root.find(f"{SVG}desc").text)

    def test_axis_ticks_are_round_numbers_from_zero_past_the_largest_value(self):
        self.assertEqual(charts.nice_ticks(20), [0, 5, 10, 15, 20])
        self.assertEqual(charts.nice_ticks(1234), [0, 250, 500, 750, 1000, 1250])
        self.assertEqual(charts.nice_ticks(3), [0, 1, 2, 3])
        self.assertEqual(charts.nice_ticks(0), [0, 1, 2, 3, 4, 5])
        self.assertEqual(charts.nice_ticks(0.5), [0, 0.1, 0.2, 0.3, 0.4, 0.5])


class FormattingTests(SimpleTestCase):
    def test_numbers(self):
        self.assertEqual(format_number(1234567, thai_digits=False), "1,234,567")
        self.assertEqual(format_number(1234567, thai_digits=True), "๑,๒๓๔,๕๖๗")
        self.assertEqual(format_number(3.5, thai_digits=False), "3.5")
        self.assertEqual(format_number(4.0, thai_digits=False), "4")
        self.assertEqual(format_number(2.346, thai_digits=False), "2.35")
        self.assertEqual(format_number(-0.001, thai_digits=False), "0")
        self.assertEqual(format_number("ครบ", thai_digits=True), "ครบ")
        self.assertEqual(format_number(None, thai_digits=True), "")

    def test_text_keeps_addresses_in_arabic_digits(self):
        self.assertEqual(
            thai_text("ดู https://a.go.th/2569 หรือ it2@a.go.th ปี 2569", thai_digits=True),
            "ดู https://a.go.th/2569 หรือ it2@a.go.th ปี ๒๕๖๙",
        )
        self.assertEqual(thai_text("ปี 2569", thai_digits=False), "ปี 2569")
