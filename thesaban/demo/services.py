"""The demo municipality: a fictional town with content in every item of the announcement.

Everything here is made up. `load_demo` may run any number of times: it adds only what is
missing and never duplicates content. The register of problems is in `problem_register`.
"""

import datetime
import io
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.models import Page, Site

from thesaban.accounts.models import Division
from thesaban.accounts.services import adopt_unplaced_files, ensure_role_groups
from thesaban.core.models import MunicipalitySettings, SiteDocument, SiteImage
from thesaban.core.thai_dates import fiscal_year_of
from thesaban.pages.models import (
    Attachment,
    ContentPage,
    DocumentIndexPage,
    DocumentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OrgChartPage,
    Person,
    PlaceIndexPage,
    PlacePage,
    VideoIndexPage,
    VideoPage,
)
from thesaban.pages.sample_files import sample_pdf, sample_png
from thesaban.pages.services import ensure_site_structure, ensure_usual_divisions

from .problem_register import ensure_demo_register

MUNICIPALITY_NAME = "เทศบาลเมืองสุขใจ"

# (username, role, password, division codes, Thai full name). Demo-only passwords: the README
# says so, and production never runs the demo loader. The supervisor also supervises the
# division that owns the annual report's page, so the demo can approve a report too.
DEMO_ACCOUNTS = (
    ("preparer", "preparer", "demo-preparer-2569", ("finance",), "สมศรี ใจดี"),
    ("supervisor", "supervisor", "demo-supervisor-2569", ("finance", "strategy"), "สมชาย รักงาน"),
    ("operator", "web_operator", "demo-operator-2569", ("office",), "วิไล เผยแพร่"),
    ("itadmin", "it_administrator", "demo-itadmin-2569", ("office",), "ประเสริฐ ระบบดี"),
    # The municipal clerk (ปลัดเทศบาล) confirms the roles the IT administrator gives out that
    # approve or publish (docs/decisions/0006-role-assignments.md).
    ("clerk", "grant_confirmer", "demo-clerk-2569", ("office",), "มานพ ชูชาติ"),
)

# (name, position, group, level, division code)
PEOPLE = (
    ("นายสมปอง มั่นคง", "นายกเทศมนตรีเมืองสุขใจ", "executive", 1, None),
    ("นางสาวกาญจนา ศรีสุข", "รองนายกเทศมนตรี", "executive", 2, None),
    ("นายวีระ ทองดี", "รองนายกเทศมนตรี", "executive", 2, None),
    ("นายประยูร แก้วใส", "เลขานุการนายกเทศมนตรี", "executive", 3, None),
    ("นายบุญมี สุขสม", "ประธานสภาเทศบาล", "council", 1, None),
    ("นางมาลี พรหมมา", "รองประธานสภาเทศบาล", "council", 2, None),
    ("นายอำนาจ ชัยชนะ", "สมาชิกสภาเทศบาล เขต 1", "council", 3, None),
    ("นางสาวพรทิพย์ ดวงดี", "สมาชิกสภาเทศบาล เขต 2", "council", 3, None),
    ("นายมานพ ชูชาติ", "ปลัดเทศบาล", "division_head", 1, "office"),
    ("นางสุดา ใจงาม", "รองปลัดเทศบาล", "division_head", 2, "office"),
    ("นางสาวรัตนา เงินทอง", "ผู้อำนวยการกองคลัง", "division_head", 3, "finance"),
    ("นายชาญ ช่างคิด", "ผู้อำนวยการกองช่าง", "division_head", 3, "engineering"),
    ("นางปราณี สะอาด", "ผู้อำนวยการกองสาธารณสุขและสิ่งแวดล้อม", "division_head", 3, "health"),
    ("นายครู สอนดี", "ผู้อำนวยการกองการศึกษา", "division_head", 3, "education"),
    ("นายวางแผน รอบคอบ", "ผู้อำนวยการกองยุทธศาสตร์และงบประมาณ", "division_head", 3, "strategy"),
    ("นางสาวขยัน ทำงาน", "นักวิชาการเงินและบัญชี", "staff", 2, "finance"),
    ("นายพัสดุ ถูกต้อง", "เจ้าพนักงานพัสดุ", "staff", 2, "finance"),
    ("นายชุมชน เข้มแข็ง", "ประธานชุมชนบ้านสุขใจ", "community", 2, None),
    ("นางอาสา ใส่ใจ", "ประธาน อสม. ตำบลสุขใจ", "community", 2, None),
)

NEWS_TITLES = {
    "activity": ("โครงการอบรมอาสาสมัครป้องกันภัยฝ่ายพลเรือน", "กิจกรรมวันเด็กแห่งชาติ"),
    "council": ("ประชุมสภาเทศบาล สมัยสามัญ สมัยที่ 4", "ประกาศเรียกประชุมสภาเทศบาล"),
    "press": ("ประชาสัมพันธ์การชำระภาษีที่ดินและสิ่งปลูกสร้าง", "ขอเชิญร่วมงานลอยกระทง"),
    "procurement": ("ประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก ซอยสุขใจ 3", "ประกาศจัดซื้อวัสดุสำนักงาน"),
    "procurement_result": ("ประกาศผู้ชนะการเสนอราคาจ้างก่อสร้างถนน ซอยสุขใจ 3",),
    "egp": ("ประกาศเชิญชวนจ้างปรับปรุงอาคารตลาดสด (e-bidding)",),
    "egp_result": ("ประกาศผู้ชนะการเสนอราคา (e-bidding) ปรับปรุงอาคารตลาดสด",),
    "health_fund": ("โครงการคัดกรองโรคเบาหวานและความดันโลหิตสูง",),
    "recruitment": ("รับสมัครพนักงานจ้างทั่วไป ตำแหน่งคนงาน",),
    "dla_directive": ("หนังสือสั่งการ สถ. เรื่อง แนวทางการจัดทำงบประมาณ",),
    "provincial": ("ข่าวสารจาก สถ.จ. เรื่อง การประเมิน LPA",),
    "network": ("ข่าวจากเทศบาลตำบลใกล้เคียง: งานประเพณีแห่เทียนพรรษา",),
    "story": ("เรื่องเล่าชุมชนริมน้ำสุขใจ",),
}


def _image(title: str, description: str, seed: int, size=(800, 500)) -> SiteImage:
    existing = SiteImage.objects.filter(title=title).first()
    if existing:
        return existing
    image = SiteImage(
        title=title,
        description=description,
        file=ImageFile(io.BytesIO(sample_png(seed, size)), name=f"demo-{seed}.png"),
    )
    image.save()
    return image


def _document(title: str, *, described: bool = True) -> SiteDocument:
    existing = SiteDocument.objects.filter(title=title).first()
    if existing:
        return existing
    description = f"ไฟล์ตัวอย่าง: {title}" if described else ""
    document = SiteDocument(title=title, description=description)
    document.file.save(
        "demo-document.pdf", ContentFile(sample_pdf("Thesaban demo document")), save=False
    )
    document.save()
    return document


def _fill_once(parent: Page, make_children: Callable[[Page], None]) -> None:
    if not parent.get_children().exists():
        make_children(parent)


def _attach(page: Page, title: str, *, described: bool = True) -> None:
    page.attachments.add(Attachment(document=_document(title, described=described)))
    page.save()


def _fill_news(index: NewsIndexPage) -> None:
    today = timezone.localdate()
    for number, title in enumerate(NEWS_TITLES.get(index.kind, ("ข่าวตัวอย่าง",))):
        page = index.add_child(
            instance=NewsPage(
                title=title,
                # A job advert ends with its application period: the daily site check lists it
                # among the publications ending within 7 days.
                expire_at=(
                    timezone.now() + datetime.timedelta(days=5)
                    if index.kind == "recruitment"
                    else None
                ),
                date=today - datetime.timedelta(days=3 + number * 9),
                summary=f"{title} — รายละเอียดโดยสรุปสำหรับประชาชน",
                listing_image=_image(
                    f"ภาพข่าว {title}", f"ภาพประกอบข่าว {title}", number + len(title)
                ),
                body=[
                    (
                        "paragraph",
                        f"<p>{title} ดำเนินการโดย{MUNICIPALITY_NAME} เพื่อประโยชน์ของประชาชน</p>",
                    )
                ],
            )
        )
        # One file uploaded without a description, for the site check to find.
        _attach(page, f"เอกสารประกอบ {title}", described=index.kind != "procurement_result")


# Sections whose plan of the current fiscal year is not published yet: the site check's
# freshness rules (ITA O23) report it.
BEHIND_SECTIONS = ("plans/anti-corruption",)


def _fill_documents(index: DocumentIndexPage) -> None:
    today = timezone.localdate()
    behind = any(index.url_path.endswith(f"/{path}/") for path in BEHIND_SECTIONS)
    for years_back in (1,) if behind else (0, 1):
        date = today.replace(year=today.year - years_back, day=1)
        fiscal_year = fiscal_year_of(date)
        page = index.add_child(
            instance=DocumentPage(
                title=f"{index.title} ปีงบประมาณ {fiscal_year}",
                fiscal_year=fiscal_year,
                date=date,
                reference_number=f"{years_back + 1}/{fiscal_year}",
                summary=f"{index.title} ของ{MUNICIPALITY_NAME} ประจำปีงบประมาณ พ.ศ. {fiscal_year}",
            )
        )
        _attach(page, f"{index.title} {fiscal_year}")


def _fill_videos(index: VideoIndexPage) -> None:
    today = timezone.localdate()
    for number, title in enumerate(("วิดีทัศน์แนะนำเทศบาลเมืองสุขใจ", "บรรยากาศงานลอยกระทง")):
        index.add_child(
            instance=VideoPage(
                title=title,
                date=today - datetime.timedelta(days=10 + number * 20),
                description=f"{title} จัดทำโดยงานประชาสัมพันธ์",
                video_url="https://www.youtube.com/@example",
                poster=_image(f"ภาพปก {title}", f"ภาพปกวิดีทัศน์ {title}", 20 + number),
            )
        )


def _fill_places(index: PlaceIndexPage) -> None:
    names = (
        ("ตลาดน้ำสุขใจ", "วัดสุขใจวราราม")
        if index.kind == "landmark"
        else ("ผ้าทอมือบ้านสุขใจ", "ข้าวหอมมะลิอินทรีย์")
    )
    for number, name in enumerate(names):
        index.add_child(
            instance=PlacePage(
                title=name,
                photo=_image(f"ภาพ {name}", f"ภาพ{name}", 30 + number),
                description=f"<p>{name} เป็นที่รู้จักของชาวสุขใจและนักท่องเที่ยว</p>",
                address="ตำบลสุขใจ อำเภอเมือง จังหวัดตัวอย่าง",
            )
        )


CONTENT_TEXT = {
    "about": "เทศบาลเมืองสุขใจเป็นองค์กรปกครองส่วนท้องถิ่น มีหน้าที่จัดบริการสาธารณะแก่ประชาชนในเขตเทศบาล",
    "borders": "ทิศเหนือ จดตำบลบ้านบน ทิศใต้ จดแม่น้ำสุขใจ ทิศตะวันออก จดตำบลนาดี ทิศตะวันตก จดตำบลป่าไม้",
    "conditions": "พื้นที่ส่วนใหญ่เป็นที่ราบลุ่ม เหมาะแก่การเกษตรและการค้า",
    "history": "ยกฐานะจากสุขาภิบาลเป็นเทศบาลตำบลเมื่อ พ.ศ. 2542 และเป็นเทศบาลเมืองเมื่อ พ.ศ. 2555",
    "location": "สำนักงานเทศบาลตั้งอยู่เลขที่ 99 ถนนสุขใจ ตำบลสุขใจ อำเภอเมือง จังหวัดตัวอย่าง",
    "emblem": "ตราสัญลักษณ์เป็นรูปเจดีย์บนพื้นวงกลมสีทอง หมายถึงความร่มเย็นของชุมชน",
    "tax-guide": "ภาษีที่ดินและสิ่งปลูกสร้าง ชำระได้ภายในเดือนเมษายนของทุกปี ที่กองคลัง",
    "faq": "ถาม: ขอใบอนุญาตก่อสร้างอาคารได้ที่ไหน ตอบ: ที่กองช่าง ในวันและเวลาราชการ",
    "info-centre": "ศูนย์ข้อมูลข่าวสารของราชการ ตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540",
    "direct-line": "แจ้งเรื่องถึงปลัดเทศบาลโดยตรงทางโทรศัพท์ 0 5600 0000 ต่อ 101",
}


def _fill_content(page: ContentPage) -> None:
    if page.body:
        return
    text = CONTENT_TEXT.get(page.slug, f"ข้อมูล{page.title}ของ{MUNICIPALITY_NAME}")
    body = [("paragraph", f"<p>{text}</p>")]
    if page.slug == "population":
        body.append(
            (
                "table",
                {
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "data": [
                        ["ชุมชน", "ชาย", "หญิง", "รวม"],
                        ["บ้านสุขใจ", "1,204", "1,310", "2,514"],
                        ["ริมน้ำ", "985", "1,022", "2,007"],
                    ],
                },
            )
        )
    if page.slug in {"links", "network-websites"}:
        body.append(
            (
                "links",
                [
                    {
                        "title": "สำนักงานคณะกรรมการข้อมูลข่าวสารของราชการ",
                        "page": None,
                        "url": "https://www.oic.go.th/",
                    },
                    {
                        "title": "กรมส่งเสริมการปกครองท้องถิ่น",
                        "page": None,
                        "url": "https://www.dla.go.th/",
                    },
                ],
            )
        )
    page.body = body
    page.save_revision().publish()


def _ensure_people(site: Site, divisions: dict[str, Division]) -> None:
    for order, (name, position, group, level, division_code) in enumerate(PEOPLE):
        Person.objects.get_or_create(
            site=site,
            name=name,
            defaults={
                "position": position,
                "group": group,
                "level": level,
                "division": divisions.get(division_code),
                "sort_order": order,
                "phone": f"0 5600 0000 ต่อ {100 + order}",
                "email": f"person{order}@example.go.th",
                # Twice the size of the largest card: sharp on phones' denser screens.
                "photo": _image(f"รูปถ่าย {name}", f"รูปถ่าย{name} {position}", 40 + order, (480, 600)),
            },
        )


def _ensure_accounts(site: Site, divisions: dict[str, Division]) -> list[tuple[str, str]]:
    """Create the demo accounts; return (username, password) of those created now.

    Their roles are set here in code, not through `accounts.services.assign_roles`: the demo
    has no second person to confirm them, and nobody but the loader made these accounts.
    """
    groups = ensure_role_groups(site=site)
    user_model = get_user_model()
    created = []
    for username, role, password, division_codes, full_name in DEMO_ACCOUNTS:
        if user_model.objects.filter(username=username).exists():
            continue
        first_name, last_name = full_name.split(" ", 1)
        user = user_model.objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.go.th",
        )
        for code in division_codes:
            division = divisions[code]
            user.groups.add(
                {"preparer": division.preparers, "supervisor": division.supervisors}.get(role)
                or groups[role]
            )
        created.append((username, password))
    return created


def _emblem_png(size: int = 480) -> bytes:
    """A made-up round seal: gold rings on dark blue, a stylised lotus (no real emblem)."""
    gold, blue = (242, 183, 5, 255), (11, 79, 108, 255)
    image = PillowImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=blue, outline=gold, width=size // 24)
    draw.ellipse((size // 6, size // 6, size * 5 // 6, size * 5 // 6), outline=gold, width=6)
    middle = size // 2
    for dx in (-size // 8, 0, size // 8):
        draw.ellipse(
            (
                middle + dx - size // 14,
                middle - size // 5,
                middle + dx + size // 14,
                middle + size // 8,
            ),
            fill=gold,
        )
    draw.rectangle(
        (middle - size // 4, middle + size // 8, middle + size // 4, middle + size // 6), fill=gold
    )
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _ensure_emblem(site: Site) -> None:
    settings = MunicipalitySettings.for_site(site)
    if settings.emblem_id is not None:
        return
    title = f"ตราสัญลักษณ์{MUNICIPALITY_NAME}"
    emblem = SiteImage.objects.filter(title=title).first()
    if emblem is None:
        emblem = SiteImage(
            title=title,
            description=f"ตราสัญลักษณ์ของ{MUNICIPALITY_NAME} (ตัวอย่าง)",
            file=ImageFile(io.BytesIO(_emblem_png()), name="demo-emblem.png"),
        )
        emblem.save()
    settings.emblem = emblem
    settings.save()


def _ensure_settings(site: Site) -> None:
    settings = MunicipalitySettings.for_site(site)
    if settings.address:
        return
    settings.name = MUNICIPALITY_NAME
    settings.name_en = "Sukjai Town Municipality"
    settings.address = "99 ถนนสุขใจ ตำบลสุขใจ อำเภอเมือง จังหวัดตัวอย่าง 60000"
    settings.phone = "0 5600 0000"
    settings.fax = "0 5600 0001"
    settings.email = "saraban@sukjai.example.go.th"
    settings.office_hours = "จันทร์–ศุกร์ 08.30–16.30 น."
    settings.facebook_url = "https://www.facebook.com/example"
    settings.line_id = "@sukjai"
    settings.map_url = "https://www.openstreetmap.org/"
    settings.save()


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Load the demo municipality. Returns the demo accounts created by this run."""
    home = ensure_site_structure()
    site = Site.objects.get(is_default_site=True)
    divisions = ensure_usual_divisions(site)
    _ensure_settings(site)
    _ensure_emblem(site)
    _ensure_people(site, divisions)

    home = HomePage.objects.get(pk=home.pk)
    if home.executive_id is None:
        home.executive = Person.objects.filter(group="executive", level=1).first()
        home.executive_message = (
            f"<p>{MUNICIPALITY_NAME}มุ่งมั่นบริหารงานอย่างโปร่งใส ตรวจสอบได้ "
            "และเปิดเผยข้อมูลข่าวสารแก่ประชาชนอย่างครบถ้วน</p>"
        )
        home.network_links = [
            ("link", {"title": "จังหวัดตัวอย่าง", "page": None, "url": "https://www.example.go.th/"}),
            (
                "link",
                {
                    "title": "เทศบาลตำบลบ้านบน",
                    "page": None,
                    "url": "https://www.banbon.example.go.th/",
                },
            ),
        ]
        home.save_revision().publish()

    descendants = Page.objects.descendant_of(home)
    for index in NewsIndexPage.objects.filter(pk__in=descendants):
        _fill_once(index, lambda parent: _fill_news(parent.specific))
    for index in DocumentIndexPage.objects.filter(pk__in=descendants):
        _fill_once(index, lambda parent: _fill_documents(parent.specific))
    for index in VideoIndexPage.objects.filter(pk__in=descendants):
        _fill_once(index, lambda parent: _fill_videos(parent.specific))
    for index in PlaceIndexPage.objects.filter(pk__in=descendants):
        _fill_once(index, lambda parent: _fill_places(parent.specific))
    for page in ContentPage.objects.filter(pk__in=descendants):
        _fill_content(page)
    for chart in OrgChartPage.objects.filter(pk__in=descendants, duties=""):
        chart.introduction = "โครงสร้างการบริหารงานของเทศบาล ทั้งฝ่ายการเมืองและฝ่ายข้าราชการประจำ"
        chart.duties = (
            "<p>เทศบาลมีหน้าที่ตามพระราชบัญญัติเทศบาล พ.ศ. 2496 มาตรา 53 และมาตรา 54 "
            "เช่น รักษาความสงบเรียบร้อย จัดให้มีน้ำสะอาด ถนน และการกำจัดขยะ</p>"
        )
        chart.save_revision().publish()

    ensure_demo_register(divisions)
    # Made in code, so in the shared root collection: the municipality's own, like uploads.
    adopt_unplaced_files()
    return _ensure_accounts(site, divisions)
