"""The site map of the announcement (R1), as data.

Section 1 of the announcement lists eight categories and the items under each. Every item is
a page: its kind says which page type serves it. Slugs are short ASCII words chosen by hand
(see docs/decisions/0002-thai-url-slugs.md): these are the URLs assessors paste into ITAS.

The home category (หน้าหลัก) is the home page itself: its menu links to items that live in
the other categories, plus a few items only the home menu names (information centre, tax
guidance, products, landmarks…), which sit under the home page outside the main menu.
"""

from dataclasses import dataclass, field

from . import policies

CONTENT = "content"
NEWS = "news"
DOCUMENTS = "documents"
VIDEOS = "videos"
PEOPLE = "people"
ORG_CHART = "org_chart"
PLACES = "places"


@dataclass(frozen=True)
class Item:
    title: str
    slug: str
    kind: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Category:
    title: str
    slug: str
    introduction: str
    items: tuple[Item, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "สภาพทั่วไป",
        "general",
        "ข้อมูลพื้นฐานของเทศบาล ที่ตั้ง อาณาเขต ประชากร ประวัติ และตราสัญลักษณ์",
        (
            Item("เกี่ยวกับเทศบาล", "about", CONTENT),
            Item("อาณาเขตติดต่อ", "borders", CONTENT),
            Item("สภาพทั่วไป", "conditions", CONTENT),
            Item("ข้อมูลประชากร", "population", CONTENT),
            Item("ประวัติหน่วยงาน", "history", CONTENT),
            Item("ที่ตั้งหน่วยงาน", "location", CONTENT),
            Item("ตราสัญลักษณ์", "emblem", CONTENT),
        ),
    ),
    Category(
        "บุคลากร",
        "personnel",
        "ผู้บริหาร สมาชิกสภา หัวหน้าส่วนราชการ บุคลากร และโครงสร้างองค์กร",
        (
            Item("การบริหารและพัฒนาทรัพยากรบุคคล", "hr", DOCUMENTS),
            Item("โครงสร้างองค์กร", "structure", ORG_CHART),
            Item("ผู้บริหาร", "executives", PEOPLE, {"group": "executive"}),
            Item("สมาชิกสภา", "council-members", PEOPLE, {"group": "council"}),
            Item("หัวหน้าส่วนราชการ", "division-heads", PEOPLE, {"group": "division_head"}),
            Item("บุคลากร", "staff", PEOPLE, {"group": "staff"}),
            Item("ประธานชุมชน/ประธาน อสม.", "community-chairs", PEOPLE, {"group": "community"}),
        ),
    ),
    Category(
        "ข่าวสาร",
        "news",
        "ข่าวกิจกรรม ข่าวประชาสัมพันธ์ ข่าวจัดซื้อจัดจ้าง และข่าวสารจากหน่วยงานต่าง ๆ",
        (
            Item("กิจกรรม", "activities", NEWS, {"kind": "activity"}),
            Item("กิจการสภา", "council", NEWS, {"kind": "council"}),
            Item("วิดีทัศน์", "videos", VIDEOS),
            Item("ข่าวประชาสัมพันธ์", "press", NEWS, {"kind": "press"}),
            Item("ข่าวจัดซื้อจัดจ้าง", "procurement", NEWS, {"kind": "procurement"}),
            Item("ประกาศผลจัดซื้อจัดจ้าง", "procurement-results", NEWS, {"kind": "procurement_result"}),
            Item("ประกาศจากระบบ e-GP", "egp", NEWS, {"kind": "egp"}),
            Item("ประกาศผลจากระบบ e-GP", "egp-results", NEWS, {"kind": "egp_result"}),
            Item("กองทุนหลักประกันสุขภาพ", "health-fund", NEWS, {"kind": "health_fund"}),
            Item("ข่าวสรรหาบุคลากร", "recruitment", NEWS, {"kind": "recruitment"}),
            Item("หนังสือสั่งการจาก สถ.", "dla-directives", NEWS, {"kind": "dla_directive"}),
            Item("ข่าวสารจาก สถ.จ.", "provincial-news", NEWS, {"kind": "provincial"}),
            Item("ข่าวสารในเครือข่าย", "network-news", NEWS, {"kind": "network"}),
        ),
    ),
    Category(
        "แผน",
        "plans",
        "แผนพัฒนาท้องถิ่น แผนการดำเนินงาน แผนจัดหาพัสดุ และเทศบัญญัติงบประมาณ",
        (
            Item("แผนพัฒนาท้องถิ่น", "local-development", DOCUMENTS),
            Item("แผนการดำเนินงาน", "operating", DOCUMENTS),
            Item("แผนอัตรากำลัง", "manpower", DOCUMENTS),
            Item("แผนจัดหาพัสดุ", "procurement", DOCUMENTS),
            Item("แผนป้องกันปราบปรามการทุจริต", "anti-corruption", DOCUMENTS),
            Item("เทศบัญญัติงบประมาณรายจ่าย", "budget", DOCUMENTS),
            Item("แผนอื่นๆ", "other", DOCUMENTS),
        ),
    ),
    Category(
        "รายงาน",
        "reports",
        "รายงานการเงิน ผลการปฏิบัติงาน การจัดซื้อจัดจ้าง และรายงานการประชุม",
        (
            Item("รายงานทางการเงิน", "financial", DOCUMENTS),
            Item("งบแสดงรายรับ - รายจ่าย", "revenue-expenditure", DOCUMENTS),
            Item("รายงานผลการปฏิบัติงานประจำปี", "annual-performance", DOCUMENTS),
            Item("รายงานผลการกำกับติดตาม", "monitoring", DOCUMENTS),
            Item("สรุปผลการจัดหาพัสดุรายเดือน (สขร.๑)", "monthly-procurement", DOCUMENTS),
            Item("รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายปี", "annual-procurement", DOCUMENTS),
            Item("รายงานการประชุมผู้บริหาร", "executive-meetings", DOCUMENTS),
            Item("รายงานการประชุมสภา", "council-meetings", DOCUMENTS),
            Item("รายงานการประชุมพนักงาน", "staff-meetings", DOCUMENTS),
            Item("รายงานอื่นๆ", "other", DOCUMENTS),
            Item("สถิติ", "statistics", DOCUMENTS),
        ),
    ),
    Category(
        "ระเบียบ",
        "regulations",
        "เทศบัญญัติ ประกาศ คำสั่ง และระเบียบที่เกี่ยวข้อง",
        (
            Item("เทศบัญญัติ", "ordinances", DOCUMENTS),
            Item("ประกาศ", "announcements", DOCUMENTS),
            Item("คำสั่ง", "orders", DOCUMENTS),
            Item("การจัดการองค์ความรู้ (KM)", "knowledge", DOCUMENTS),
            Item("พ.ร.บ./พ.ร.ก.", "acts", DOCUMENTS),
            Item("ระเบียบกระทรวงมหาดไทย", "interior", DOCUMENTS),
            Item("ระเบียบปฏิบัติอื่น", "other", DOCUMENTS),
        ),
    ),
    Category(
        "บริการประชาชน",
        "services",
        "คู่มือประชาชน ช่องทางร้องเรียน ศูนย์ช่วยเหลือ และคำถามที่พบบ่อย",
        (
            Item("คู่มือประชาชน", "manuals", DOCUMENTS),
            Item("ศูนย์จัดการเรื่องร้องเรียน", "complaint-centre", CONTENT),
            Item("ศูนย์ช่วยเหลือประชาชน", "help-centre", CONTENT),
            Item("ร้องเรียนทุจริต", "corruption-complaints", CONTENT),
            Item("ร้องเรียนร้องทุกข์", "complaints", CONTENT),
            Item("กระดานสนทนา", "webboard", CONTENT),
            Item("วารสาร", "journal", DOCUMENTS),
            Item("คำถามที่พบบ่อย", "faq", CONTENT),
        ),
    ),
)

# Items only the home menu names: children of the home page, outside the main menu.
HOME_ITEMS: tuple[Item, ...] = (
    Item("ศูนย์ข้อมูลข่าวสาร", "info-centre", CONTENT),
    Item("คำแนะนำภาษี", "tax-guide", CONTENT),
    Item("แบบสอบถาม", "questionnaire", CONTENT),
    Item("ประมวลผลสำรวจ", "survey-results", DOCUMENTS),
    Item("แบบสำรวจความคิดเห็น", "opinion-survey", CONTENT),
    Item("ผลิตภัณฑ์", "products", PLACES, {"kind": "product"}),
    Item("สถานที่สำคัญ", "landmarks", PLACES, {"kind": "landmark"}),
    Item("เว็บไซต์ในเครือข่ายจังหวัด", "network-websites", CONTENT),
    Item("สายตรงปลัด", "direct-line", CONTENT),
    Item("ลิงก์ที่น่าสนใจ", "links", CONTENT),
    Item("ไร่เรื่องราวร้อยเรียน", "stories", NEWS, {"kind": "story"}),
    Item("ติดต่อเทศบาล", "contact", CONTENT),
)

# What the government website standard and the PDPA ask of every government site: children of
# the home page outside the main menu, linked from every page's footer (`footer_links`). Their
# starter text (options: the page's fields) is in `policies.py`.
POLICY_ITEMS: tuple[Item, ...] = (
    Item(
        "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
        "privacy-policy",
        CONTENT,
        {
            "summary": policies.PRIVACY_SUMMARY,
            "body": policies.PRIVACY_POLICY,
            "show_contact_details": True,
        },
    ),
    Item(
        "นโยบายเว็บไซต์",
        "website-policy",
        CONTENT,
        {
            "summary": policies.WEBSITE_SUMMARY,
            "body": policies.WEBSITE_POLICY,
            "show_contact_details": True,
        },
    ),
    Item(
        "ประกาศการเข้าถึงเว็บไซต์",
        "accessibility",
        CONTENT,
        {
            "summary": policies.ACCESSIBILITY_SUMMARY,
            "body": policies.ACCESSIBILITY_STATEMENT,
            "show_contact_details": True,
        },
    ),
)

# The home menu of the announcement, in its order: (label, path below the home page).
HOME_MENU: tuple[tuple[str, str], ...] = (
    ("ผู้บริหาร", "personnel/executives"),
    ("กิจกรรม", "news/activities"),
    ("กิจการสภา", "news/council"),
    ("วิดีทัศน์", "news/videos"),
    ("ข่าวประชาสัมพันธ์", "news/press"),
    ("ข่าวจัดซื้อจัดจ้าง", "news/procurement"),
    ("แผนพัฒนา", "plans/local-development"),
    ("หนังสือสั่งการ", "news/dla-directives"),
    ("ศูนย์ข้อมูลข่าวสาร", "info-centre"),
    ("คู่มือประชาชน", "services/manuals"),
    ("คำแนะนำภาษี", "tax-guide"),
    ("คลังความรู้ (Knowledge)", "regulations/knowledge"),
    ("แบบสอบถาม", "questionnaire"),
    ("ประมวลผลสำรวจ", "survey-results"),
    ("กระดานสนทนา", "services/webboard"),
    ("ข่าวสารในเครือข่าย", "news/network-news"),
    ("ผลิตภัณฑ์", "products"),
    ("สถานที่สำคัญ", "landmarks"),
    ("ประกาศจากระบบ e-GP", "news/egp"),
    ("แบบสำรวจความคิดเห็น", "opinion-survey"),
    ("เว็บไซต์ในเครือข่ายจังหวัด", "network-websites"),
    ("สายตรงปลัด", "direct-line"),
    ("ลิงก์ที่น่าสนใจ", "links"),
    ("ไร่เรื่องราวร้อยเรียน", "stories"),
    ("ที่อยู่เทศบาล", "contact"),
)

# The usual divisions of a Thai municipality (code, name) and the parts of the site each usually
# answers for (paths below the home page; the nearest owned ancestor wins, so สำนักปลัดเทศบาล,
# owning the home page, answers for everything the others do not). `setup_site` and
# `create_municipality` create them unless told not to; staff edit them afterwards.
USUAL_DIVISIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("office", "สำนักปลัดเทศบาล", ("",)),
    (
        "finance",
        "กองคลัง",
        (
            "news/procurement",
            "news/procurement-results",
            "news/egp",
            "news/egp-results",
            "plans/procurement",
            "plans/budget",
            "reports/financial",
            "reports/revenue-expenditure",
            "reports/monthly-procurement",
            "reports/annual-procurement",
            "tax-guide",
        ),
    ),
    ("engineering", "กองช่าง", ("landmarks",)),
    ("education", "กองการศึกษา", ("stories",)),
    ("health", "กองสาธารณสุขและสิ่งแวดล้อม", ("news/health-fund",)),
    (
        "strategy",
        "กองยุทธศาสตร์และงบประมาณ",
        ("plans", "reports/annual-performance", "reports/monitoring"),
    ),
    ("welfare", "กองสวัสดิการสังคม", ("products",)),
)
