"""Importing staff accounts from a sheet: a preview with each row's Thai errors, nothing saved
while any row is wrong, then every account at once, each mailed its first-login link."""

import io
import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from thesaban.accounts import services, staff_import
from thesaban.accounts.models import Division, RoleGrant, StaffMembership
from thesaban.accounts.testing import log_in

from .factories import UserFactory, municipality, role_groups

HEADING = "ชื่อ,นามสกุล,อีเมล,ชื่อผู้ใช้,ส่วนราชการ,บทบาท"
GOOD_ROWS = [
    "สมใจ,ตั้งใจ,somjai@example.go.th,,กองคลัง,ผู้จัดทำข้อมูล",
    "มานะ,อดทน,mana@example.go.th,mana.o,engineering,supervisor",
    "ปิติ,ยินดี,piti@example.go.th,,,ผู้ปฏิบัติงานเผยแพร่ข้อมูล",
]
IMPORT_URL = reverse("wagtailusers_users:import")


def csv_file(lines, *, encoding="utf-8", name="staff.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode(encoding), content_type="text/csv")


def xlsx_file(lines, name="staff.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for line in lines:
        workbook.active.append(line.split(","))
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


class StaffImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = municipality()
        cls.other_site = municipality("b.example.go.th")
        cls.groups = role_groups(cls.site)
        cls.finance = Division.objects.create(site=cls.site, name="กองคลัง", code="finance")
        cls.engineering = Division.objects.create(site=cls.site, name="กองช่าง", code="engineering")
        cls.closed = Division.objects.create(
            site=cls.site, name="กองที่ยุบแล้ว", code="closed", is_active=False
        )
        # The other municipality has a กองคลัง too: a sheet of this one never reaches it.
        cls.other_finance = Division.objects.create(
            site=cls.other_site, name="กองคลัง", code="finance"
        )
        cls.itadmin = UserFactory(username="itadmin", groups=[cls.groups["it_administrator"]])
        cls.existing = UserFactory(username="somchai", email="somchai@example.go.th")

    def setUp(self):
        log_in(self.client, self.itadmin)
        self.users_before = get_user_model().objects.count()

    def upload(self, file):
        return self.client.post(IMPORT_URL, {"file": file})

    def confirm(self, preview):
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
        return self.client.post(IMPORT_URL, {"token": token})

    def assertNothingSaved(self):
        self.assertEqual(get_user_model().objects.count(), self.users_before)

    def test_a_good_sheet_creates_everyone_and_mails_each(self):
        preview = self.upload(csv_file([HEADING, *GOOD_ROWS]))
        self.assertContains(preview, "ตรวจแล้ว 3 แถว ไม่พบข้อผิดพลาด")
        self.assertContains(preview, 'somjai <span class="w-text-14">(จากอีเมล)</span>', html=True)
        self.assertContains(preview, "ยืนยันนำเข้า 3 บัญชี")
        self.assertContains(
            preview, 'ผู้บังคับบัญชา <span class="w-text-14">(มีผลเมื่อได้รับการยืนยัน)</span>', html=True
        )
        self.assertNothingSaved()

        response = self.confirm(preview)
        self.assertRedirects(
            response, reverse("wagtailusers_users:index"), fetch_redirect_response=False
        )
        users = (
            get_user_model()
            .objects.filter(username__in=["somjai", "mana.o", "piti"])
            .order_by("username")
        )
        self.assertEqual(len(users), 3)
        somjai = users.get(username="somjai")
        self.assertEqual((somjai.first_name, somjai.last_name), ("สมใจ", "ตั้งใจ"))
        self.assertFalse(somjai.has_usable_password())
        self.assertEqual(list(somjai.groups.all()), [self.finance.preparers])
        # Approval and publication rights wait for a second person, as on the user screens.
        for username, group in (
            ("mana.o", self.engineering.supervisors),
            ("piti", self.groups["web_operator"]),
        ):
            user = users.get(username=username)
            self.assertFalse(user.groups.exists())
            [grant] = RoleGrant.objects.pending().filter(account=user)
            self.assertEqual((grant.group, grant.requested_by), (group, self.itadmin))
        self.assertContains(self.client.get(response.url), "2 บัญชีมีบทบาทที่รอการยืนยันจากบุคคลที่สอง")
        for user in users:
            membership = StaffMembership.objects.get(user=user)
            self.assertEqual((membership.site, membership.created_by), (self.site, self.itadmin))
            # Given through the same path as the user screens: recorded in the audit log.
            self.assertTrue(
                ModelLogEntry.objects.filter(
                    action__in=[services.ROLES_CHANGED, services.GRANT_REQUESTED],
                    object_id=str(user.pk),
                    user=self.itadmin,
                ).exists()
            )
            [welcome] = [m for m in mail.outbox if m.to == [user.email]]
            self.assertIn(f"ชื่อผู้ใช้: {user.username}", welcome.body)
            # On the municipality's own domain.
            self.assertIn(self.site.root_url + "/admin/login/welcome/", welcome.body)

    def test_each_wrong_row_says_what_is_wrong_and_nothing_is_saved(self):
        cases = {
            "unknown division": (
                "ก,ข,a@example.go.th,,กองไม่มีจริง,ผู้จัดทำข้อมูล",
                "ไม่พบส่วนราชการ “กองไม่มีจริง” ในเทศบาลนี้",
            ),
            "inactive division": (
                "ก,ข,a@example.go.th,,closed,ผู้จัดทำข้อมูล",
                "ส่วนราชการ “กองที่ยุบแล้ว” ปิดใช้งานแล้ว",
            ),
            "no division for a division role": (
                "ก,ข,a@example.go.th,,,ผู้บังคับบัญชา",
                "บทบาทผู้บังคับบัญชาต้องระบุส่วนราชการ",
            ),
            "unknown role": ("ก,ข,a@example.go.th,,กองคลัง,หัวหน้า", "ไม่รู้จักบทบาท “หัวหน้า”"),
            "empty role": ("ก,ข,a@example.go.th,,กองคลัง,", "ช่อง “บทบาท” ว่าง"),
            "bad e-mail": ("ก,ข,not-an-email,,กองคลัง,preparer", "อีเมล “not-an-email” ไม่ถูกต้อง"),
            "e-mail in use": ("ก,ข,SomChai@example.go.th,,กองคลัง,preparer", "มีบัญชีผู้ใช้ที่ใช้อีเมลนี้อยู่แล้ว"),
            "username taken": (
                "ก,ข,a@example.go.th,Somchai,กองคลัง,preparer",
                "ชื่อผู้ใช้ “Somchai” มีผู้ใช้แล้ว",
            ),
            "bad username": (
                "ก,ข,a@example.go.th,สม ชาย!,กองคลัง,preparer",
                "ชื่อผู้ใช้ “สม ชาย!” ใช้ไม่ได้",
            ),
            "empty first name": (",ข,a@example.go.th,,กองคลัง,preparer", "ช่อง “ชื่อ” ว่าง"),
            "empty last name": ("ก,,a@example.go.th,,กองคลัง,preparer", "ช่อง “นามสกุล” ว่าง"),
            "empty e-mail": ("ก,ข,,,กองคลัง,preparer", "ช่อง “อีเมล” ว่าง"),
        }
        for kind, (row, error) in cases.items():
            with self.subTest(kind):
                preview = self.upload(csv_file([HEADING, GOOD_ROWS[0], row]))
                self.assertContains(preview, error)
                self.assertContains(preview, "พบข้อผิดพลาด 1 แถว จากทั้งหมด 2 แถว")
                self.assertNotContains(preview, 'name="token"')
                self.assertNothingSaved()

    def test_duplicates_within_the_sheet_are_wrong(self):
        preview = self.upload(
            csv_file(
                [
                    HEADING,
                    "ก,ข,same@example.go.th,one,กองคลัง,preparer",
                    "ค,ง,SAME@example.go.th,two,กองคลัง,preparer",
                    "จ,ฉ,other@example.go.th,one,กองคลัง,preparer",
                ]
            )
        )
        self.assertContains(preview, "อีเมลซ้ำกับแถวที่ 2 ของไฟล์")
        self.assertContains(preview, "ชื่อผู้ใช้ซ้ำกับแถวที่ 2 ของไฟล์")
        self.assertNotContains(preview, 'name="token"')

    def test_a_username_made_from_the_e_mail_avoids_those_taken(self):
        preview = self.upload(
            csv_file(
                [
                    HEADING,
                    "ก,ข,somchai@other.example.go.th,,กองคลัง,preparer",
                    "ค,ง,somchai@third.example.go.th,,กองคลัง,preparer",
                ]
            )
        )
        self.assertContains(preview, 'somchai2 <span class="w-text-14">(จากอีเมล)</span>', html=True)
        self.assertContains(preview, 'somchai3 <span class="w-text-14">(จากอีเมล)</span>', html=True)
        self.confirm(preview)
        self.assertTrue(get_user_model().objects.filter(username="somchai3").exists())

    def test_the_file_as_a_whole_can_be_refused(self):
        cases = {
            "too many rows": (
                csv_file(
                    [
                        HEADING,
                        *[
                            f"ก,ข,p{n}@example.go.th,,กองคลัง,preparer"
                            for n in range(staff_import.MAX_ROWS + 1)
                        ],
                    ]
                ),
                "ไฟล์มีข้อมูลเกิน 500 แถว",
            ),
            "wrong type": (
                SimpleUploadedFile("staff.pdf", b"%PDF-1.4"),
                "รับเฉพาะไฟล์ .csv หรือ .xlsx",
            ),
            "old excel": (SimpleUploadedFile("staff.xls", b"\xd0\xcf\x11\xe0"), "ไฟล์ .xls รุ่นเก่า"),
            "not really xlsx": (
                SimpleUploadedFile("staff.xlsx", b"not a zip"),
                "ไฟล์ .xlsx เสียหายหรือไม่ใช่ไฟล์ Excel",
            ),
            "bad encoding": (
                SimpleUploadedFile("staff.csv", HEADING.encode() + b"\n\xdb\xdc,\xfc"),
                "ไฟล์ต้องเข้ารหัสเป็น UTF-8 หรือ Windows-874 (TIS-620)",
            ),
            "missing columns": (
                csv_file(["ชื่อ,อีเมล", "ก,a@example.go.th"]),
                "ไม่พบคอลัมน์ “นามสกุล”, “ส่วนราชการ”, “บทบาท”",
            ),
            "only a heading": (csv_file([HEADING]), "มีเพียงแถวหัวคอลัมน์"),
            "empty": (SimpleUploadedFile("staff.csv", b""), "ไม่พบข้อมูลในไฟล์"),
            "no file": (None, "กรุณาเลือกไฟล์"),
        }
        for kind, (file, error) in cases.items():
            with self.subTest(kind):
                response = self.client.post(IMPORT_URL, {"file": file} if file else {})
                self.assertContains(response, error)
                self.assertNotContains(response, 'name="token"')
                self.assertNothingSaved()

    def test_an_oversized_upload_is_refused(self):
        big = csv_file([HEADING, GOOD_ROWS[0], "#" * (staff_import.MAX_FILE_BYTES + 1)])
        response = self.upload(big)
        self.assertContains(response, "ไฟล์มีขนาดใหญ่เกิน 1024 กิโลไบต์")
        self.assertNothingSaved()

    def test_reads_thai_csv_in_utf8_with_or_without_bom_and_in_windows_874(self):
        for encoding in ("utf-8-sig", "utf-8", "cp874"):
            with self.subTest(encoding):
                preview = self.upload(csv_file([HEADING, GOOD_ROWS[0]], encoding=encoding))
                self.assertContains(preview, "ตรวจแล้ว 1 แถว ไม่พบข้อผิดพลาด")
                self.assertContains(preview, '<td data-label="ชื่อ">สมใจ</td>', html=False)
        self.confirm(preview)
        self.assertEqual(get_user_model().objects.get(username="somjai").first_name, "สมใจ")

    def test_reads_semicolons_and_english_headings(self):
        preview = self.upload(
            csv_file(
                [
                    "First name;Last name;E-mail;Username;Division;Role",
                    "สมใจ;ตั้งใจ;somjai@example.go.th;;finance;IT administrator",
                ]
            )
        )
        self.assertContains(preview, "ตรวจแล้ว 1 แถว ไม่พบข้อผิดพลาด")
        self.confirm(preview)
        user = get_user_model().objects.get(username="somjai")
        [grant] = RoleGrant.objects.pending().filter(account=user)
        self.assertEqual(grant.group, self.groups["it_administrator"])

    def test_reads_xlsx(self):
        preview = self.upload(xlsx_file([HEADING, *GOOD_ROWS]))
        self.assertContains(preview, "ตรวจแล้ว 3 แถว ไม่พบข้อผิดพลาด")
        self.confirm(preview)
        self.assertEqual(
            set(
                get_user_model()
                .objects.filter(staff_membership__created_by=self.itadmin)
                .values_list("username", flat=True)
            ),
            {"somjai", "mana.o", "piti"},
        )

    def test_the_template_lists_the_municipality_s_divisions(self):
        response = self.client.get(reverse("wagtailusers_users:import_template"))
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(
            [cell.value for cell in workbook.worksheets[0][1]],
            ["ชื่อ", "นามสกุล", "อีเมล", "ชื่อผู้ใช้", "ส่วนราชการ", "บทบาท"],
        )
        listed = [row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)]
        self.assertIn("กองช่าง", listed)
        self.assertNotIn("กองที่ยุบแล้ว", listed)

    def test_a_username_taken_before_confirming_saves_nobody(self):
        preview = self.upload(csv_file([HEADING, *GOOD_ROWS]))
        UserFactory(username="piti")
        response = self.confirm(preview)
        # What was previewed is what is created, or nothing: not "piti2" behind their back.
        self.assertContains(response, "ชื่อผู้ใช้ “piti” มีผู้ใช้แล้ว")
        self.assertFalse(get_user_model().objects.filter(username="somjai").exists())

    def test_a_confirmation_cannot_be_made_up_or_borrowed(self):
        response = self.client.post(IMPORT_URL, {"token": "made-up"})
        self.assertContains(response, "หมดเวลายืนยันการนำเข้า")
        preview = self.upload(csv_file([HEADING, *GOOD_ROWS]))
        other_itadmin = UserFactory(username="itadmin2", groups=[self.groups["it_administrator"]])
        log_in(self.client, other_itadmin)
        self.assertContains(self.confirm(preview), "หมดเวลายืนยันการนำเข้า")
        self.assertFalse(get_user_model().objects.filter(username="somjai").exists())

    def test_names_divisions_of_its_own_municipality_only(self):
        preview = self.upload(csv_file([HEADING, GOOD_ROWS[0]]))
        self.confirm(preview)
        user = get_user_model().objects.get(username="somjai")
        self.assertEqual(list(user.groups.all()), [self.finance.preparers])
        self.assertNotIn(self.other_finance.preparers, user.groups.all())

    def test_only_those_who_manage_accounts_import(self):
        operator = UserFactory(username="operator", groups=[self.groups["web_operator"]])
        self.users_before += 1
        log_in(self.client, operator)
        self.assertNotEqual(self.client.get(IMPORT_URL).status_code, 200)
        self.client.post(IMPORT_URL, {"file": csv_file([HEADING, *GOOD_ROWS])})
        self.assertNothingSaved()


class HostImportTests(TestCase):
    def test_the_host_chooses_the_municipality(self):
        site = municipality()
        other_site = municipality("b.example.go.th")
        Division.objects.create(site=site, name="กองคลัง", code="finance")
        other_finance = Division.objects.create(site=other_site, name="กองคลัง", code="finance")
        host = UserFactory(username="host-root", is_superuser=True)
        log_in(self.client, host)
        self.assertContains(self.client.get(IMPORT_URL), 'name="site"')
        preview = self.client.post(
            IMPORT_URL, {"site": other_site.pk, "file": csv_file([HEADING, GOOD_ROWS[0]])}
        )
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
        self.client.post(IMPORT_URL, {"token": token})
        user = get_user_model().objects.get(username="somjai")
        self.assertEqual(user.staff_membership.site, other_site)
        self.assertEqual(list(user.groups.all()), [other_finance.preparers])
