"""The fixed-date public holidays of 2569 and 2570 BE (2026 and 2027 CE), and their
substitute days.

Holidays that follow the lunar calendar (มาฆบูชา, วิสาขบูชา, อาสาฬหบูชา, เข้าพรรษา) and extra
days the cabinet announces change every year: staff add them in the admin (Settings →
วันหยุดราชการ), as they will the next years'. A fixed-date holiday on a Saturday or Sunday gives
a substitute day (วันหยุดชดเชย) on the next working day, as the cabinet's rule has it.
"""

from datetime import date, timedelta

from django.db import migrations

# (month, day, name)
FIXED_DATE_HOLIDAYS = (
    (1, 1, "วันขึ้นปีใหม่"),
    (4, 6, "วันพระบาทสมเด็จพระพุทธยอดฟ้าจุฬาโลกมหาราชและวันที่ระลึกมหาจักรีบรมราชวงศ์ (วันจักรี)"),
    (4, 13, "วันสงกรานต์"),
    (4, 14, "วันสงกรานต์"),
    (4, 15, "วันสงกรานต์"),
    (5, 4, "วันฉัตรมงคล"),
    (6, 3, "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าฯ พระบรมราชินี"),
    (7, 28, "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว"),
    (8, 12, "วันเฉลิมพระชนมพรรษาสมเด็จพระบรมราชชนนีพันปีหลวง และวันแม่แห่งชาติ"),
    (10, 13, "วันนวมินทรมหาราช"),
    (10, 23, "วันปิยมหาราช"),
    (12, 5, "วันคล้ายวันพระบรมราชสมภพ รัชกาลที่ 9 วันชาติ และวันพ่อแห่งชาติ"),
    (12, 10, "วันรัฐธรรมนูญ"),
    (12, 31, "วันสิ้นปี"),
)
YEARS = (2026, 2027)


def holidays() -> dict[date, str]:
    days = {
        date(year, month, day): name for year in YEARS for month, day, name in FIXED_DATE_HOLIDAYS
    }
    substitutes = {}
    for day, name in sorted(days.items()):
        if day.weekday() < 5:
            continue
        substitute = day + timedelta(days=1)
        while substitute.weekday() >= 5 or substitute in days or substitute in substitutes:
            substitute += timedelta(days=1)
        substitutes[substitute] = f"วันหยุดชดเชย{name}"
    return days | substitutes


def add_holidays(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    for day, name in holidays().items():
        Holiday.objects.get_or_create(date=day, defaults={"name": name[:200]})


def remove_holidays(apps, schema_editor):
    apps.get_model("core", "Holiday").objects.filter(date__in=list(holidays())).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_holiday")]

    operations = [migrations.RunPython(add_holidays, remove_holidays)]
