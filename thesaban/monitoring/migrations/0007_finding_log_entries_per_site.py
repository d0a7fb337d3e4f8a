"""A finding's history gets an audit entry model of its own, which carries the municipality, so
that Wagtail's site history shows each municipality its own (`models.FindingLogEntry`).

The entries written so far in Wagtail's `ModelLogEntry` move over, each with its finding's site;
an entry whose finding is gone (with its municipality) stays where it was.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FIELDS = ("label", "action", "data", "timestamp", "uuid", "content_changed", "deleted")
BATCH = 1000


def _entries(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="monitoring", model="finding").first()
    return content_type, apps.get_model("wagtailcore", "ModelLogEntry")


def move_to_finding_entries(apps, schema_editor):
    content_type, ModelLogEntry = _entries(apps)
    if content_type is None:
        return
    FindingLogEntry = apps.get_model("monitoring", "FindingLogEntry")
    site_of = dict(apps.get_model("monitoring", "Finding").objects.values_list("pk", "site_id"))
    entries = ModelLogEntry.objects.filter(content_type=content_type)
    to_move = [
        pk
        for pk, object_id in entries.order_by("pk").values_list("pk", "object_id")
        if object_id.isdigit() and int(object_id) in site_of
    ]
    for start in range(0, len(to_move), BATCH):
        batch = list(entries.filter(pk__in=to_move[start : start + BATCH]))
        FindingLogEntry.objects.bulk_create(
            FindingLogEntry(
                content_type_id=entry.content_type_id,
                finding_id=int(entry.object_id),
                site_id=site_of[int(entry.object_id)],
                user_id=entry.user_id,
                revision_id=entry.revision_id,
                **{name: getattr(entry, name) for name in FIELDS},
            )
            for entry in batch
        )
        entries.filter(pk__in=[entry.pk for entry in batch]).delete()


def move_back(apps, schema_editor):
    content_type, ModelLogEntry = _entries(apps)
    FindingLogEntry = apps.get_model("monitoring", "FindingLogEntry")
    entries = list(FindingLogEntry.objects.order_by("pk"))
    ModelLogEntry.objects.bulk_create(
        (
            ModelLogEntry(
                content_type_id=entry.content_type_id or (content_type and content_type.pk),
                object_id=str(entry.finding_id),
                user_id=entry.user_id,
                revision_id=entry.revision_id,
                **{name: getattr(entry, name) for name in FIELDS},
            )
            for entry in entries
        ),
        batch_size=BATCH,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('monitoring', '0006_site_required'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FindingLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.TextField()),
                ('action', models.CharField(blank=True, db_index=True, max_length=255)),
                ('data', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('timestamp', models.DateTimeField(db_index=True, verbose_name='timestamp (UTC)')),
                ('uuid', models.UUIDField(blank=True, editable=False, help_text='Log entries that happened as part of the same user action are assigned the same UUID', null=True)),
                ('content_changed', models.BooleanField(db_index=True, default=False)),
                ('deleted', models.BooleanField(default=False)),
                ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='content type')),
                ('finding', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='monitoring.finding')),
                ('revision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wagtailcore.revision')),
                ('site', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'ประวัติข้อบกพร่องที่ตรวจพบ',
                'verbose_name_plural': 'ประวัติข้อบกพร่องที่ตรวจพบ',
                'ordering': ['-timestamp', '-id'],
                'abstract': False,
                'indexes': [models.Index(fields=['uuid', 'action', '-timestamp'], name='monitoring__uuid_e4b857_idx')],
            },
        ),
        migrations.RunPython(move_to_finding_entries, move_back),
]
