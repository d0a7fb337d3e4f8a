"""A hand-written snapshot of an annual report, in the shape `services` freezes: every block
type, several sections, a long table that runs over pages, a bar and a line chart.

`sample_snapshot()` returns a new dict each time, so a test may change its copy.
"""

from __future__ import annotations

import copy

MUNICIPALITY = "เทศบาลตำบลตัวอย่าง"
FISCAL_YEAR = 2569
MONTHS = [
    "ต.ค. 68",
    "พ.ย. 68",
    "ธ.ค. 68",
    "ม.ค. 69",
    "ก.พ. 69",
    "มี.ค. 69",
    "เม.ย. 69",
    "พ.ค. 69",
    "มิ.ย. 69",
    "ก.ค. 69",
    "ส.ค. 69",
    "ก.ย. 69",
]
PUBLISHED_PER_MONTH = [12, 9, 15, 20, 11, 8, 14, 17, 10, 13, 16, 19]

# A paragraph with no spaces, made of these words: Thai breaks lines between words, so every
# line break in the PDF must fall between two of them (tests/test_rendering.py checks).
LINE_BREAK_WORDS = [
    "การ", "เผยแพร่", "ข้อมูล", "ต่อ", "สาธารณะ", "ของ", "เทศบาล", "ช่วย", "ให้",
    "ประชาชน", "สามารถ", "ตรวจสอบ", "การ", "ใช้", "งบประมาณ", "ได้", "อย่าง", "โปร่งใส",
    "และ", "มี", "ส่วนร่วม", "ใน", "การ", "พัฒนา", "ท้องถิ่น", "ของ", "ตนเอง",
] * 3  # fmt: skip
LINE_BREAK_PARAGRAPH = "".join(LINE_BREAK_WORDS)

# A sentence short enough to sit on one line, to find whole in the extracted text.
KNOWN_SENTENCE = "ปีนี้เทศบาลเผยแพร่ข้อมูลครบทุกหมวดตามประกาศ"

LONG_TABLE_COLUMNS = ["ลำดับ", "เรื่องที่เผยแพร่", "หน่วยงาน", "จำนวนวันที่รอ"]
_DIVISIONS = ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองสาธารณสุข", "กองการศึกษา"]
_SUBJECTS = [
    "ประกาศจัดซื้อจัดจ้าง",
    "ข่าวประชาสัมพันธ์กิจกรรมชุมชน",
    "รายงานการเงินประจำเดือน",
    "แผนการดำเนินงานประจำปี",
    "ประกาศรับสมัครบุคคล",
]
LONG_TABLE_ROWS = 60


def _long_table_rows() -> list[list]:
    return [
        [
            number,
            f"{_SUBJECTS[number % len(_SUBJECTS)]} ฉบับที่ {number}",
            _DIVISIONS[number % len(_DIVISIONS)],
            (number * 7) % 11 + 0.5 * (number % 2),
        ]
        for number in range(1, LONG_TABLE_ROWS + 1)
    ]


_SNAPSHOT = {
    "schema": 1,
    "template_version": "1",
    "fiscal_year": FISCAL_YEAR,
    "period": {"start": "2025-10-01", "end": "2026-09-30"},
    "generated_at": "2026-10-05T09:30:00+07:00",
    "municipality": {"name": MUNICIPALITY, "emblem": "img/emblem.svg"},
    "approved": {
        "by": "นางสาวสมหญิง ใจดี",
        "position": "ปลัดเทศบาลตำบลตัวอย่าง",
        "at": "2026-10-20T14:00:00+07:00",
    },
    "sections": [
        {
            "key": "publishing",
            "title": "การเผยแพร่ข้อมูลต่อสาธารณะ",
            "blocks": [
                {"type": "paragraph", "text": KNOWN_SENTENCE},
                {
                    "type": "figures",
                    "items": [
                        {"label": "รายการที่เผยแพร่ทั้งหมด", "value": 1234, "unit": "รายการ"},
                        {"label": "นำลงฉุกเฉิน", "value": 2, "unit": "รายการ"},
                        {"label": "หมวดที่มีข้อมูลครบ", "value": "ครบทุกหมวด", "unit": ""},
                    ],
                },
                {
                    "type": "chart",
                    "kind": "bar",
                    "title": "จำนวนรายการที่เผยแพร่รายเดือน",
                    "labels": MONTHS,
                    "series": [{"name": "รายการที่เผยแพร่", "values": PUBLISHED_PER_MONTH}],
                },
                {
                    "type": "table",
                    "title": "จำนวนรายการที่เผยแพร่ตามหมวด",
                    "columns": ["หมวด", "จำนวนรายการ", "สัดส่วน (ร้อยละ)"],
                    "rows": [
                        ["ข้อมูลพื้นฐาน", 120, 9.72],
                        ["การจัดซื้อจัดจ้าง", 864, 70.02],
                        ["ข่าวประชาสัมพันธ์", 250, 20.26],
                        ["รวม", 1234, 100.0],
                    ],
                    "numeric": [False, True, True],
                    "total_row": True,
                },
            ],
        },
        {
            "key": "workflow",
            "title": "การอนุมัติตามขั้นตอนสามขั้น",
            "blocks": [
                {"type": "paragraph", "text": LINE_BREAK_PARAGRAPH},
                {
                    "type": "figures",
                    "items": [
                        {"label": "มัธยฐานเวลาถึงการอนุมัติ", "value": 1.5, "unit": "วัน"},
                        {"label": "เปอร์เซ็นไทล์ที่ 90", "value": 4.25, "unit": "วัน"},
                    ],
                },
                {
                    "type": "chart",
                    "kind": "line",
                    "title": "เวลาจากการส่งถึงการเผยแพร่ (วัน)",
                    "labels": MONTHS,
                    "series": [
                        {"name": "มัธยฐาน", "values": [1, 1.5, 2, 1, 1, 0.5, 1, 2, 1.5, 1, 1, 1]},
                        {"name": "เปอร์เซ็นไทล์ที่ 90", "values": [3, 4, 5, 3, 4, 2, 3, 6, 4, 3, 4, 5]},
                    ],
                },
                {
                    "type": "table",
                    "title": "รายการที่เผยแพร่และเวลาที่รอ",
                    "columns": LONG_TABLE_COLUMNS,
                    "rows": _long_table_rows(),
                    "numeric": [True, False, False, True],
                    "total_row": False,
                },
            ],
        },
        {
            "key": "monitoring",
            "title": "ผลการตรวจเว็บไซต์ประจำวัน",
            "blocks": [
                {
                    "type": "figures",
                    "items": [
                        {"label": "จำนวนครั้งที่ตรวจ", "value": 365, "unit": "ครั้ง"},
                        {"label": "ข้อบกพร่องที่ยังไม่แก้ไข", "value": 3, "unit": "รายการ"},
                    ],
                },
                {
                    "type": "table",
                    "title": "ข้อบกพร่องที่ตรวจพบตามหน่วยงาน",
                    "columns": ["หน่วยงาน", "ลิงก์เสีย", "หน้าผิดพลาด", "รวม"],
                    "rows": [
                        ["สำนักปลัด", 10, 1, 11],
                        ["กองคลัง", 4, 0, 4],
                        ["รวม", 14, 1, 15],
                    ],
                    "numeric": [False, True, True, True],
                    "total_row": True,
                },
            ],
        },
        {
            "key": "problems",
            "title": "ปัญหา อุปสรรค และข้อเสนอแนะ",
            "blocks": [
                {
                    "type": "list",
                    "items": [
                        "เจ้าหน้าที่บางหน่วยงานยังไม่คุ้นเคยกับขั้นตอนการอนุมัติ",
                        "ควรจัดอบรมการใช้ระบบปีละ 2 ครั้ง ดูรายละเอียดที่ https://example.go.th/2569",
                    ],
                },
            ],
        },
    ],
}


def sample_snapshot(*, approved: bool = True) -> dict:
    snapshot = copy.deepcopy(_SNAPSHOT)
    if not approved:
        snapshot["approved"] = None
    return snapshot
