"""Until now one install was one municipality: its records belong to its (default) site."""

from django.db import migrations

MODELS = "CheckRun,Finding,FreshnessRule".split(",")


def forwards(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    for name in MODELS:
        model = apps.get_model("monitoring", name)
        if site is None:
            if model.objects.exists():
                raise RuntimeError("Records exist but no Wagtail site: create the site first.")
            continue
        model.objects.filter(site__isnull=True).update(site=site)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_site_of_runs_findings_rules"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
