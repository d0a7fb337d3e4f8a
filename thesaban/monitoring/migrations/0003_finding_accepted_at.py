"""When a finding was accepted ("ยอมรับได้"), for the annual report's "at year end" figures.

Findings accepted before this field existed get the time of their latest acceptance entry in
the audit log (`history.ACCEPTED`, written by `services.accept_finding` since findings were
first accepted); one without such an entry keeps no time and the report counts it as open.
"""

from django.db import migrations, models

ACCEPTED = "thesaban.finding.accepted"


def backfill_accepted_at(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    Finding = apps.get_model("monitoring", "Finding")
    content_type = ContentType.objects.filter(app_label="monitoring", model="finding").first()
    if content_type is None:
        return
    latest: dict[str, object] = {}
    for object_id, timestamp in (
        ModelLogEntry.objects.filter(content_type=content_type, action=ACCEPTED)
        .order_by("timestamp", "pk")
        .values_list("object_id", "timestamp")
    ):
        latest[object_id] = timestamp
    for finding in Finding.objects.filter(accepted_at__isnull=True).only("pk"):
        timestamp = latest.get(str(finding.pk))
        if timestamp is not None:
            Finding.objects.filter(pk=finding.pk).update(accepted_at=timestamp)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("monitoring", "0002_content_checks"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ยอมรับเมื่อ"),
        ),
        migrations.RunPython(backfill_accepted_at, migrations.RunPython.noop, elidable=True),
    ]
