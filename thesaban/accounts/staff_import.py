"""Reading a sheet of new staff accounts (CSV or XLSX) and checking every row of it.

The IT administrator of a municipality lists its people in a spreadsheet: first name, last
name, e-mail, username (optional: made from the e-mail), division (its name or code) and role
(in Thai or English). Nothing is created here: `read_sheet` turns the file into rows of text
and `check_rows` says, row by row and in Thai, what is wrong; the preview shows that, and
`services.import_staff_accounts` creates the accounts only when no row is wrong.

CSV from Thai Excel comes in one of two encodings: UTF-8 (with or without the BOM Excel's
"CSV UTF-8" writes) or Windows-874 (the Thai ANSI code page, a superset of TIS-620, which plain
"CSV" writes on a Thai Windows). Both are read; anything else is refused rather than guessed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from wagtail.models import Site

from . import roles, services
from .models import Division, SiteRole

MAX_FILE_BYTES = 1024 * 1024
# An XLSX is a zip: what it unpacks to is bounded too, or a small file could fill the memory.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 500

FIRST_NAME = "first_name"
LAST_NAME = "last_name"
EMAIL = "email"
USERNAME = "username"
DIVISION = "division"
ROLE = "role"

# Column key: (the Thai heading the template uses, other headings accepted).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    FIRST_NAME: ("ชื่อ", ("first name", "firstname", "given name", "name")),
    LAST_NAME: ("นามสกุล", ("last name", "lastname", "surname", "family name")),
    EMAIL: ("อีเมล", ("อีเมล์", "อี-เมล", "e-mail", "email", "mail")),
    USERNAME: ("ชื่อผู้ใช้", ("username", "user name", "login")),
    DIVISION: ("ส่วนราชการ", ("กอง", "สำนัก", "กอง/สำนัก", "สังกัด", "division")),
    ROLE: ("บทบาท", ("หน้าที่", "role")),
}
REQUIRED_COLUMNS = (FIRST_NAME, LAST_NAME, EMAIL, DIVISION, ROLE)

# English names a sheet may use for the roles, besides the role keys and the Thai names.
_ROLE_WORDS = {
    "preparer": ("preparer", "data preparer"),
    "supervisor": ("supervisor",),
    "web_operator": ("web operator", "operator", "publisher"),
    "it_administrator": ("it administrator", "it admin", "administrator"),
    "grant_confirmer": ("grant confirmer", "confirmer"),
}


class SheetError(Exception):
    """The file as a whole cannot be read: wrong type, too big, unreadable, no data."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    line: int
    cells: dict[str, str]


@dataclass
class CheckedRow:
    line: int
    first_name: str
    last_name: str
    email: str
    username: str
    username_from_email: bool
    division_text: str
    role_text: str
    division: Division | None = None
    role: str | None = None
    group: Group | None = None
    errors: list[str] = field(default_factory=list)
    # The role carries approval or publication rights: it waits for a second person.
    waits: bool = False

    @property
    def role_label(self) -> str:
        return roles.ROLES[self.role][0] if self.role else self.role_text


def _words(text: str) -> str:
    """A heading or a role as compared: case, spaces and punctuation left out."""
    return re.sub(r"[\s_\-./]+", "", text).casefold()


_HEADING_KEYS = {
    _words(heading): key
    for key, (thai, others) in COLUMNS.items()
    for heading in (thai, key, *others)
}
_ROLE_KEYS = {
    _words(name): key
    for key, (thai, _description) in roles.ROLES.items()
    for name in (thai, key, *_ROLE_WORDS.get(key, ()))
}


def role_names() -> list[str]:
    """The roles a sheet may name, in Thai, as the template and the errors list them."""
    return [thai for thai, _description in roles.ROLES.values()]


# --- Reading the file ------------------------------------------------------------------


def read_sheet(upload) -> list[SheetRow]:
    """The rows below the heading row of the uploaded CSV or XLSX file (blank rows left out)."""
    if upload.size > MAX_FILE_BYTES:
        raise SheetError(
            _("ไฟล์มีขนาดใหญ่เกิน %(limit)d กิโลไบต์ กรุณาแบ่งเป็นหลายไฟล์")
            % {"limit": MAX_FILE_BYTES // 1024}
        )
    name = (upload.name or "").lower()
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SheetError(
            _("ไฟล์มีขนาดใหญ่เกิน %(limit)d กิโลไบต์ กรุณาแบ่งเป็นหลายไฟล์")
            % {"limit": MAX_FILE_BYTES // 1024}
        )
    if name.endswith(".xls"):
        raise SheetError(_("ไฟล์ .xls รุ่นเก่าอ่านไม่ได้ กรุณาบันทึกจาก Excel เป็น .xlsx หรือ CSV"))
    if name.endswith(".xlsx"):
        table = _xlsx_lines(data)
    elif name.endswith((".csv", ".txt")):
        if data.startswith(b"PK\x03\x04"):
            raise SheetError(_("ไฟล์นี้ไม่ใช่ไฟล์ CSV (อาจเป็นไฟล์ Excel) กรุณาตั้งชื่อไฟล์ให้ลงท้ายด้วย .xlsx"))
        table = _csv_lines(data)
    else:
        raise SheetError(_("รับเฉพาะไฟล์ .csv หรือ .xlsx"))
    return _rows(table)


def _csv_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode Text" (UTF-16 with its BOM).
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "cp874"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text
    raise SheetError(
        _(
            "อ่านตัวอักษรในไฟล์ CSV ไม่ได้ ไฟล์ต้องเข้ารหัสเป็น UTF-8 หรือ Windows-874 (TIS-620) "
            "กรุณาบันทึกจาก Excel เป็น “CSV UTF-8” หรือใช้ไฟล์ .xlsx"
        )
    )


def _csv_lines(data: bytes) -> list[list[str]]:
    text = _csv_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise SheetError(_("อ่านไฟล์ CSV ไม่ได้: %(error)s") % {"error": error}) from error


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _xlsx_lines(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    broken = _("ไฟล์ .xlsx เสียหายหรือไม่ใช่ไฟล์ Excel กรุณาบันทึกจาก Excel ใหม่")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile as error:
        raise SheetError(broken) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetError(
            _("ไฟล์มีขนาดใหญ่เกิน %(limit)d กิโลไบต์ กรุณาแบ่งเป็นหลายไฟล์")
            % {"limit": MAX_FILE_BYTES // 1024}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SheetError(broken) from error
    try:
        sheet = workbook.worksheets[0]
        lines = []
        filled = 0
        for values in sheet.iter_rows(values_only=True):
            line = [_cell_text(value).strip() for value in values]
            lines.append(line)
            filled += any(line)
            # The heading and one row too many are enough to say the file is too long.
            if filled > MAX_ROWS + 1:
                break
        return lines
    finally:
        workbook.close()


def _rows(lines: list[list[str]]) -> list[SheetRow]:
    numbered = [
        (number, line) for number, line in enumerate(lines, start=1) if any(c.strip() for c in line)
    ]
    if not numbered:
        raise SheetError(_("ไม่พบข้อมูลในไฟล์"))
    _heading_line, heading = numbered[0]
    columns: dict[int, str] = {}
    for index, text in enumerate(heading):
        key = _HEADING_KEYS.get(_words(text))
        if key is not None and key not in columns.values():
            columns[index] = key
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in columns.values()]
    if missing:
        raise SheetError(
            _("ไม่พบคอลัมน์ %(missing)s แถวแรกของไฟล์ต้องเป็นหัวคอลัมน์: %(expected)s")
            % {
                "missing": ", ".join(f"“{name}”" for name in missing),
                "expected": ", ".join(COLUMNS[key][0] for key in COLUMNS),
            }
        )
    data = numbered[1:]
    if not data:
        raise SheetError(_("ไม่พบข้อมูลในไฟล์ มีเพียงแถวหัวคอลัมน์"))
    if len(data) > MAX_ROWS:
        raise SheetError(_("ไฟล์มีข้อมูลเกิน %(limit)d แถว กรุณาแบ่งเป็นหลายไฟล์") % {"limit": MAX_ROWS})
    return [
        SheetRow(
            line=number,
            cells={
                key: (line[index].strip() if index < len(line) else "")
                for index, key in columns.items()
            },
        )
        for number, line in data
    ]


# --- Checking the rows -------------------------------------------------------------------


def _divisions_by_name_and_code(site: Site) -> dict[str, Division]:
    found = {}
    for division in Division.objects.of_site(site).select_related("preparers", "supervisors"):
        found.setdefault(_words(division.name), division)
        found.setdefault(division.code.casefold(), division)
    return found


def _base_username(email: str) -> str:
    local = email.split("@", 1)[0].casefold()
    return re.sub(r"[^\w.+-]", "", local)[:140] or "staff"


def _username_from_email(email: str, taken) -> str:
    base = _base_username(email)
    username, number = base, 1
    while taken(username):
        number += 1
        username = f"{base}{number}"
    return username


def check_rows(rows: list[SheetRow], site: Site) -> list[CheckedRow]:
    """Each row of the sheet with what is wrong with it, in Thai (nothing wrong: no errors).

    A row's division and role become the role group it will join: a division's preparers or
    supervisors, or the municipality's own group of a site-wide role.
    """
    user_model = get_user_model()
    divisions = _divisions_by_name_and_code(site)
    site_groups = {
        held.role: held.group for held in SiteRole.objects.filter(site=site).select_related("group")
    }
    manager = user_model._default_manager
    emails_in_use = set(
        manager.annotate(lowered=Lower("email"))
        .filter(lowered__in={row.cells.get(EMAIL, "").casefold() for row in rows} - {""})
        .values_list("lowered", flat=True)
    )
    username_field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    first_seen_email: dict[str, int] = {}
    first_seen_username: dict[str, int] = {}
    # Whether a username (casefolded) is an account's already: the sheet's, read in one query.
    candidates = {
        (row.cells.get(USERNAME) or _base_username(row.cells.get(EMAIL, ""))).casefold()
        for row in rows
    }
    in_database = dict.fromkeys(candidates, False)
    in_database.update(
        dict.fromkeys(
            manager.annotate(lowered=Lower(user_model.USERNAME_FIELD))
            .filter(lowered__in=candidates)
            .values_list("lowered", flat=True),
            True,
        )
    )

    def username_taken(username: str) -> bool:
        key = username.casefold()
        if key in first_seen_username:
            return True
        if key not in in_database:
            in_database[key] = manager.filter(
                **{f"{user_model.USERNAME_FIELD}__iexact": username}
            ).exists()
        return in_database[key]

    checked = []
    for row in rows:
        cells = row.cells
        result = CheckedRow(
            line=row.line,
            first_name=cells.get(FIRST_NAME, ""),
            last_name=cells.get(LAST_NAME, ""),
            email=cells.get(EMAIL, ""),
            username=cells.get(USERNAME, ""),
            username_from_email=False,
            division_text=cells.get(DIVISION, ""),
            role_text=cells.get(ROLE, ""),
        )
        errors = result.errors
        for key, value in ((FIRST_NAME, result.first_name), (LAST_NAME, result.last_name)):
            if not value:
                errors.append(_("ช่อง “%(column)s” ว่าง") % {"column": COLUMNS[key][0]})
            elif len(value) > 150:
                errors.append(_("ช่อง “%(column)s” ยาวเกิน 150 ตัวอักษร") % {"column": COLUMNS[key][0]})

        email_ok = False
        if not result.email:
            errors.append(_("ช่อง “%(column)s” ว่าง") % {"column": COLUMNS[EMAIL][0]})
        else:
            try:
                validate_email(result.email)
            except ValidationError:
                errors.append(_("อีเมล “%(email)s” ไม่ถูกต้อง") % {"email": result.email})
            else:
                email_ok = True
                key = result.email.casefold()
                if key in first_seen_email:
                    errors.append(
                        _("อีเมลซ้ำกับแถวที่ %(line)d ของไฟล์") % {"line": first_seen_email[key]}
                    )
                elif key in emails_in_use:
                    errors.append(_("มีบัญชีผู้ใช้ที่ใช้อีเมลนี้อยู่แล้ว"))
                first_seen_email.setdefault(key, row.line)

        if result.username:
            try:
                username_field.clean(result.username, None)
            except ValidationError:
                errors.append(
                    _(
                        "ชื่อผู้ใช้ “%(username)s” ใช้ไม่ได้ ใช้ได้เฉพาะตัวอักษร ตัวเลข และ @ . + - _ "
                        "ไม่เกิน 150 ตัว"
                    )
                    % {"username": result.username}
                )
            else:
                key = result.username.casefold()
                if key in first_seen_username:
                    errors.append(
                        _("ชื่อผู้ใช้ซ้ำกับแถวที่ %(line)d ของไฟล์") % {"line": first_seen_username[key]}
                    )
                elif username_taken(result.username):
                    errors.append(_("ชื่อผู้ใช้ “%(username)s” มีผู้ใช้แล้ว") % {"username": result.username})
                first_seen_username.setdefault(key, row.line)
        elif email_ok:
            result.username = _username_from_email(result.email, username_taken)
            result.username_from_email = True
            first_seen_username.setdefault(result.username.casefold(), row.line)

        result.role = _ROLE_KEYS.get(_words(result.role_text)) if result.role_text else None
        if not result.role_text:
            errors.append(_("ช่อง “%(column)s” ว่าง") % {"column": COLUMNS[ROLE][0]})
        elif result.role is None:
            errors.append(
                _("ไม่รู้จักบทบาท “%(role)s” ใช้ได้: %(roles)s")
                % {"role": result.role_text, "roles": ", ".join(role_names())}
            )

        if result.division_text:
            result.division = divisions.get(_words(result.division_text)) or divisions.get(
                result.division_text.casefold()
            )
            if result.division is None:
                errors.append(
                    _("ไม่พบส่วนราชการ “%(division)s” ในเทศบาลนี้") % {"division": result.division_text}
                )
            elif not result.division.is_active:
                errors.append(
                    _("ส่วนราชการ “%(division)s” ปิดใช้งานแล้ว") % {"division": result.division.name}
                )
        elif result.role in roles.DIVISION_ROLES:
            errors.append(
                _("ช่อง “%(column)s” ว่าง บทบาท%(role)sต้องระบุส่วนราชการ")
                % {"column": COLUMNS[DIVISION][0], "role": result.role_label}
            )

        if result.role in roles.DIVISION_ROLES and result.division is not None:
            result.group = (
                result.division.preparers
                if result.role == "preparer"
                else result.division.supervisors
            )
        elif result.role is not None and result.role not in roles.DIVISION_ROLES:
            result.group = site_groups.get(result.role)
            if result.group is None:
                errors.append(_("เทศบาลนี้ยังไม่มีกลุ่มของบทบาท%(role)s") % {"role": result.role_label})
        result.waits = result.group is not None and services.needs_confirmation(result.group)
        checked.append(result)
    return checked


def template_xlsx(site: Site) -> bytes:
    """An empty sheet with the headings, and a second sheet naming the roles and the
    municipality's divisions as the import accepts them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("บัญชีผู้ใช้")
    sheet.append([thai for thai, _others in COLUMNS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 28
    help_sheet = workbook.create_sheet(_("คำอธิบาย"))
    help_sheet.append([_("บทบาทที่ใช้ได้")])
    for name in role_names():
        help_sheet.append([name])
    help_sheet.append([])
    help_sheet.append([_("ส่วนราชการ"), _("รหัส")])
    for division in Division.objects.of_site(site).active():
        help_sheet.append([division.name, division.code])
    help_sheet.append([])
    help_sheet.append([_("ชื่อผู้ใช้เว้นว่างได้ ระบบจะใช้ส่วนหน้า @ ของอีเมล")])
    help_sheet.column_dimensions["A"].width = 40
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
