"""Give the records Wagtail's own migrations create Thai names staff can read.

Wagtail names its default workflow after its English "Moderators" group, so every page edit
screen offered "ส่งให้ Moderators approval". The three-step workflow (issue #3) replaces it.
"""

from django.db import migrations

RENAMES = (
    ("wagtailcore", "Workflow", {"name": "Moderators approval"}, "การอนุมัติเผยแพร่"),
    ("wagtailcore", "Task", {"name": "Moderators approval"}, "ผู้ตรวจสอบอนุมัติ"),
    ("wagtailcore", "Collection", {"depth": 1, "name": "Root"}, "ทั้งหมด"),
)


ROOT_PAGE_TITLE = "เว็บไซต์ทั้งหมด"


def rename_to_thai(apps, schema_editor):
    for app_label, model_name, lookup, thai_name in RENAMES:
        apps.get_model(app_label, model_name).objects.filter(**lookup).update(name=thai_name)
    # The invisible tree root appears in the admin's breadcrumbs.
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title="Root").update(
        title=ROOT_PAGE_TITLE, draft_title=ROOT_PAGE_TITLE
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename_to_thai, migrations.RunPython.noop)]
