"""The freshness rules that ship with Thesaban: the announcement's items that must stay fresh,
and the ITA/OIT 2569 items (`../shared/reference/oit-items-2569.json`), as data.

Each rule names its section by its path below the home page, as in
`pages/information_architecture.py`. `ensure_freshness_rules()` (a setup step, `core.setup`,
run by `pages.services.ensure_site_structure`, hence by `setup_site` and `load_demo`) creates the
rules that do not exist yet, by key, and leaves existing ones alone: after the first load the
rules are the staff's, edited in the admin (Settings → เกณฑ์ความเป็นปัจจุบันของข้อมูล).
A shipped rule that is not wanted is switched off rather than deleted, or it would come back.

OIT items with no section of their own on the site are left out rather than pinned to a
section that would be satisfied by something else: O8 (staff manuals), O10 (e-service),
O14 (HR report), O15 (ethics), O18 (complaint statistics), O19 (participation), O20 (No Gift),
O21 (risk assessment), O22 (risk management report), O24 (anti-corruption report), O25 (ITA
improvement), O26 (integrity report). Staff add them once such sections exist.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from wagtail.models import Page, Site

from .models import Finding, FreshnessRule

logger = logging.getLogger(__name__)

PRESENT = FreshnessRule.Requirement.PRESENT
RECENT = FreshnessRule.Requirement.RECENT
FISCAL_YEAR = FreshnessRule.Requirement.FISCAL_YEAR
MONTHLY = FreshnessRule.Requirement.MONTHLY
CURRENT = FreshnessRule.Period.CURRENT
PREVIOUS = FreshnessRule.Period.PREVIOUS
HIGH = Finding.Severity.HIGH
MEDIUM = Finding.Severity.MEDIUM
LOW = Finding.Severity.LOW


@dataclass(frozen=True)
class ShippedRule:
    key: str
    name: str
    reference: str
    section: str  # path below the home page
    requirement: str
    severity: str
    max_age_days: int | None = None
    fiscal_year: int = CURRENT
    grace_days: int = 0
    note: str = ""


SHIPPED_RULES: tuple[ShippedRule, ...] = (
    # --- Always there (OIT items whose evidence is a standing page) ---
    ShippedRule(
        "oit-o1-structure",
        "โครงสร้าง หน้าที่และอำนาจ",
        "ITA O1",
        "personnel/structure",
        PRESENT,
        HIGH,
        note="แผนผังต้องแสดงทั้งฝ่ายการเมืองและฝ่ายข้าราชการประจำ พร้อมอำนาจหน้าที่ "
        "ปรับปรุงเมื่อมีการเปลี่ยนแปลงโครงสร้าง",
    ),
    ShippedRule(
        "oit-o2-executives",
        "ข้อมูลผู้บริหาร",
        "ITA O2",
        "personnel/executives",
        PRESENT,
        HIGH,
        note="ชื่อ-นามสกุล ตำแหน่ง รูปถ่าย และช่องทางติดต่อของผู้บริหารที่ดำรงตำแหน่งอยู่",
    ),
    ShippedRule(
        "oit-o3-contact",
        "ข้อมูลการติดต่อ",
        "ITA O3",
        "contact",
        PRESENT,
        HIGH,
        note="ที่อยู่ โทรศัพท์ อีเมล แผนที่ และสื่อสังคมออนไลน์อย่างน้อยหนึ่งช่องทาง",
    ),
    ShippedRule(
        "oit-o3-questions",
        "ช่องทางการสอบถาม (ถาม-ตอบ)",
        "ITA O3",
        "services/faq",
        PRESENT,
        MEDIUM,
    ),
    ShippedRule(
        "oit-o5-local-development-plan",
        "แผนพัฒนาท้องถิ่น",
        "ITA O5",
        "plans/local-development",
        PRESENT,
        HIGH,
        note="แผนหลายปี ต้องครอบคลุมปีงบประมาณปัจจุบัน (ตรวจเพียงว่ามีแผนเผยแพร่อยู่ "
        "เพราะปีงบประมาณของเอกสารคือปีที่จัดทำ)",
    ),
    ShippedRule(
        "oit-o9-citizen-manuals",
        "คู่มือหรือแนวทางการขอรับบริการสำหรับประชาชน",
        "ITA O9",
        "services/manuals",
        PRESENT,
        MEDIUM,
    ),
    ShippedRule(
        "oit-o16-complaint-guideline",
        "แนวปฏิบัติการจัดการเรื่องร้องเรียน",
        "ITA O16",
        "services/complaint-centre",
        PRESENT,
        MEDIUM,
    ),
    ShippedRule(
        "oit-o17-corruption-complaints",
        "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
        "ITA O17",
        "services/corruption-complaints",
        PRESENT,
        HIGH,
        note="ต้องแยกจากช่องทางร้องเรียนทั่วไปเพื่อคุ้มครองผู้แจ้ง",
    ),
    # --- News: something new within 30 days (the announcement; O4 for public relations) ---
    ShippedRule(
        "oit-o4-press-news",
        "ข่าวประชาสัมพันธ์",
        "ITA O4 · ประกาศ ข้อ 1",
        "news/press",
        RECENT,
        MEDIUM,
        max_age_days=30,
    ),
    ShippedRule(
        "announcement-activity-news",
        "ข่าวกิจกรรม",
        "ประกาศ ข้อ 1",
        "news/activities",
        RECENT,
        MEDIUM,
        max_age_days=30,
    ),
    ShippedRule(
        "announcement-procurement-news",
        "ข่าวจัดซื้อจัดจ้าง",
        "ประกาศ ข้อ 1",
        "news/procurement",
        RECENT,
        LOW,
        max_age_days=30,
        note="เดือนที่ไม่มีการจัดซื้อจัดจ้าง ให้ปรับเกณฑ์หรือยอมรับข้อบกพร่องพร้อมเหตุผล",
    ),
    ShippedRule(
        "announcement-council-meetings",
        "รายงานการประชุมสภา",
        "ประกาศ ข้อ 1",
        "reports/council-meetings",
        RECENT,
        LOW,
        max_age_days=120,
        note="สภาเทศบาลประชุมสมัยสามัญอย่างน้อยปีละสี่สมัย",
    ),
    # --- Plans of the current fiscal year ---
    ShippedRule(
        "oit-o6-budget-ordinance",
        "เทศบัญญัติงบประมาณรายจ่ายประจำปี",
        "ITA O6",
        "plans/budget",
        FISCAL_YEAR,
        HIGH,
        grace_days=15,
    ),
    ShippedRule(
        "oit-o6-operating-plan",
        "แผนการดำเนินงานประจำปี",
        "ITA O6",
        "plans/operating",
        FISCAL_YEAR,
        HIGH,
        grace_days=60,
        note="จัดทำภายใน 30 วันนับแต่วันประกาศใช้งบประมาณ",
    ),
    ShippedRule(
        "announcement-procurement-plan",
        "แผนการจัดซื้อจัดจ้างประจำปี",
        "ประกาศ ข้อ 1 · พ.ร.บ.จัดซื้อจัดจ้างฯ ม.11",
        "plans/procurement",
        FISCAL_YEAR,
        HIGH,
        grace_days=30,
    ),
    ShippedRule(
        "oit-o13-hr-plan",
        "หลักเกณฑ์และแผนการบริหารและพัฒนาทรัพยากรบุคคล",
        "ITA O13",
        "personnel/hr",
        FISCAL_YEAR,
        MEDIUM,
        grace_days=30,
    ),
    ShippedRule(
        "oit-o23-anti-corruption-plan",
        "แผนปฏิบัติการป้องกันการทุจริต",
        "ITA O23",
        "plans/anti-corruption",
        FISCAL_YEAR,
        HIGH,
        grace_days=30,
    ),
    # --- Reports of the previous fiscal year ---
    ShippedRule(
        "oit-o7-annual-performance",
        "รายงานผลการดำเนินงานประจำปี",
        "ITA O7",
        "reports/annual-performance",
        FISCAL_YEAR,
        HIGH,
        fiscal_year=PREVIOUS,
        grace_days=90,
    ),
    ShippedRule(
        "announcement-monitoring-report",
        "รายงานผลการติดตามและประเมินผลแผนพัฒนาท้องถิ่น",
        "ประกาศ ข้อ 1",
        "reports/monitoring",
        FISCAL_YEAR,
        MEDIUM,
        fiscal_year=PREVIOUS,
        grace_days=90,
    ),
    ShippedRule(
        "oit-o12-annual-procurement",
        "รายงานสรุปผลการจัดซื้อจัดจ้างประจำปี",
        "ITA O12",
        "reports/annual-procurement",
        FISCAL_YEAR,
        HIGH,
        fiscal_year=PREVIOUS,
        grace_days=60,
    ),
    # --- Every month of the fiscal year ---
    ShippedRule(
        "oit-o11-monthly-procurement",
        "สรุปผลการจัดซื้อจัดจ้างรายเดือน (สขร.๑)",
        "ITA O11",
        "reports/monthly-procurement",
        MONTHLY,
        HIGH,
        grace_days=15,
        note="สรุปของเดือนที่แล้วภายในวันที่ 15 เดือนที่ไม่มีการจัดซื้อจัดจ้างให้เผยแพร่ว่า “ไม่มีการจัดซื้อจัดจ้าง”",
    ),
)


def ensure_freshness_rules(
    *, site: Site | None = None, home: Page | None = None
) -> list[FreshnessRule]:
    """Create the municipality's shipped rules that do not exist yet; returns those created.

    Existing rules, matched by key within the site, are left as staff left them. Sections are
    found below the site's home page (by default the default site's); a rule whose section is
    missing is created without one, and the site check reports it. A setup step
    (`core.setup`): run whenever the site structure is built.
    """
    if site is None:
        site = (
            Site.objects.filter(root_page=home).first()
            if home is not None
            else Site.objects.filter(is_default_site=True).first()
        )
    if site is None:
        return []
    home = site.root_page
    existing = set(
        FreshnessRule.objects.filter(site=site, key__isnull=False).values_list("key", flat=True)
    )
    missing = [rule for rule in SHIPPED_RULES if rule.key not in existing]
    if not missing:
        return []
    sections = {}
    if home is not None:
        paths = {f"{home.url_path}{rule.section}/": rule.section for rule in missing}
        sections = {
            paths[page.url_path]: page
            for page in Page.objects.descendant_of(home).filter(url_path__in=paths)
        }
    created = []
    for rule in missing:
        section = sections.get(rule.section)
        if section is None:
            logger.warning("Freshness rule %s: no section at %r", rule.key, rule.section)
        created.append(
            FreshnessRule.objects.create(
                site=site,
                key=rule.key,
                name=rule.name,
                reference=rule.reference,
                section=section,
                requirement=rule.requirement,
                max_age_days=rule.max_age_days,
                fiscal_year=rule.fiscal_year,
                grace_days=rule.grace_days,
                severity=rule.severity,
                note=rule.note,
            )
        )
    return created
